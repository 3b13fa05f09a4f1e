import { Binary } from 'bson';
import type { ClientSession } from 'mongodb';
import type { ClientEventLog } from '../../spec-runner/client-event-log';
import type { EntityMap } from '../../spec-runner/entity-map';
import { OperationArguments } from '../../spec-runner/operation-arguments';
import { SESSION_ASSERTIONS } from '../../spec-runner/session-assertions';
import { SpecRunnerError } from '../../spec-runner/spec-runner.error';
import type { TestRunnerContext } from '../../spec-runner/test-runner-context';

const lsid = (byte: number) => ({ id: new Binary(Buffer.alloc(16, byte), Binary.SUBTYPE_UUID) });

/** A session whose state, pinning and dirtiness the test sets. */
function fakeSession(state: string, isPinned = false, isDirty = false): ClientSession {
  return {
    transaction: { state },
    isPinned,
    serverSession: { isDirty },
  } as unknown as ClientSession;
}

/** A context whose entities are `sessions` and one client whose started commands are `commands`. */
function contextWith(
  sessions: Record<string, ClientSession>,
  commands: object[] = [],
): TestRunnerContext {
  const entities = {
    session: (id: string) => {
      if (!sessions[id]) throw new SpecRunnerError(`no session entity named "${id}"`);
      return sessions[id];
    },
    eventLog: () => ({ startedCommands: () => commands }) as unknown as ClientEventLog,
  } as unknown as EntityMap;
  return { entities } as unknown as TestRunnerContext;
}

async function run(name: string, context: TestRunnerContext, args: object): Promise<void> {
  await SESSION_ASSERTIONS[name](
    context,
    new OperationArguments({ ...args }, `testRunner.${name}`, () => {
      throw new Error('unused');
    }),
  );
}

describe('session assertions', () => {
  it("assertSessionTransactionState compares in the format's words", async () => {
    const context = contextWith({ s: fakeSession('TRANSACTION_IN_PROGRESS') });
    await run('assertSessionTransactionState', context, { session: 's', state: 'in_progress' });
    await expect(
      run('assertSessionTransactionState', context, { session: 's', state: 'committed' }),
    ).rejects.toThrow(/session s: transaction state is in_progress, not committed/);
    await expect(
      run('assertSessionTransactionState', context, { session: 's', state: 'done' }),
    ).rejects.toThrow(/unknown state "done"/);
    await expect(
      run('assertSessionTransactionState', context, { session: 'x', state: 'none' }),
    ).rejects.toThrow(/no session entity named "x"/);
  });

  it('assertSessionPinned and assertSessionUnpinned', async () => {
    const context = contextWith({ pinned: fakeSession('x', true), free: fakeSession('x') });
    await run('assertSessionPinned', context, { session: 'pinned' });
    await run('assertSessionUnpinned', context, { session: 'free' });
    await expect(run('assertSessionPinned', context, { session: 'free' })).rejects.toThrow(
      /session free is not pinned/,
    );
    await expect(run('assertSessionUnpinned', context, { session: 'pinned' })).rejects.toThrow(
      /session pinned is pinned/,
    );
  });

  it('assertSessionDirty and assertSessionNotDirty', async () => {
    const context = contextWith({
      dirty: fakeSession('x', false, true),
      clean: fakeSession('x'),
    });
    await run('assertSessionDirty', context, { session: 'dirty' });
    await run('assertSessionNotDirty', context, { session: 'clean' });
    await expect(run('assertSessionDirty', context, { session: 'clean' })).rejects.toThrow(
      /session clean is not dirty/,
    );
    await expect(run('assertSessionNotDirty', context, { session: 'dirty' })).rejects.toThrow(
      /session dirty is dirty/,
    );
  });

  it('compares the lsids of the last two started commands', async () => {
    const same = contextWith({}, [
      { ping: 1 },
      { find: 'a', lsid: lsid(1) },
      { find: 'b', lsid: lsid(1) },
    ]);
    await run('assertSameLsidOnLastTwoCommands', same, { client: 'c' });
    await expect(
      run('assertDifferentLsidOnLastTwoCommands', same, { client: 'c' }),
    ).rejects.toThrow(/have the same lsid/);
    const different = contextWith({}, [
      { find: 'a', lsid: lsid(1) },
      { find: 'b', lsid: lsid(2) },
    ]);
    await run('assertDifferentLsidOnLastTwoCommands', different, { client: 'c' });
    await expect(
      run('assertSameLsidOnLastTwoCommands', different, { client: 'c' }),
    ).rejects.toThrow(/have different lsids/);
  });

  it('fails with fewer than two commands or a command without lsid', async () => {
    await expect(
      run('assertSameLsidOnLastTwoCommands', contextWith({}, [{ find: 'a', lsid: lsid(1) }]), {
        client: 'c',
      }),
    ).rejects.toThrow(/observed 1 commandStartedEvent\(s\)/);
    await expect(
      run(
        'assertDifferentLsidOnLastTwoCommands',
        contextWith({}, [{ ping: 1 }, { find: 'a', lsid: lsid(1) }]),
        {
          client: 'c',
        },
      ),
    ).rejects.toThrow(/has no lsid/);
  });
});
