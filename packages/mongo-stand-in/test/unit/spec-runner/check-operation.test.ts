import { Collection, MongoServerError } from 'mongodb';
import { runAndCheck, runCallbackOperation } from '../../spec-runner/check-operation';
import type { EntityMap } from '../../spec-runner/entity-map';
import { SpecRunnerError } from '../../spec-runner/spec-runner.error';
import type { TestRunnerContext } from '../../spec-runner/test-runner-context';
import type { Operation } from '../../spec-runner/unified-test-file';

const duplicateKey = new MongoServerError({ ok: 0, code: 11000, errmsg: 'E11000 duplicate key' });

/** A context whose only entity, collection0, answers insertOne with `insertOne`. */
function contextWith(insertOne: () => Promise<unknown>) {
  const collection = Object.assign(Object.create(Collection.prototype) as Collection, {
    insertOne,
  });
  const saved = new Map<string, unknown>();
  const entities = {
    find: (id: string) =>
      id === 'collection0' ? { kind: 'collection', value: collection } : undefined,
    value: (id: string) => saved.get(id),
    session: () => {
      throw new SpecRunnerError('no sessions here');
    },
    sessionLsid: () => undefined,
    save: (id: string, value: unknown) => saved.set(id, value),
  } as unknown as EntityMap;
  return { context: { entities } as unknown as TestRunnerContext, saved };
}

const insert = (extra: Partial<Operation> = {}): Operation => ({
  name: 'insertOne',
  object: 'collection0',
  arguments: { document: { _id: 1 } },
  ...extra,
});

describe('runAndCheck', () => {
  it('checks the result and saves it', async () => {
    const { context, saved } = contextWith(async () => ({ insertedId: 1 }));
    expect(
      await runAndCheck(
        insert({ expectResult: { insertedId: 1 }, saveResultAsEntity: 'result' }),
        context,
      ),
    ).toBeUndefined();
    expect(saved.get('result')).toEqual({ insertedId: 1 });
    expect(await runAndCheck(insert({ expectResult: { insertedId: 2 } }), context)).toMatch(
      /insertedId: expected 2, got 1/,
    );
  });

  it('checks the expected error, and fails on one that was not expected', async () => {
    const { context } = contextWith(() => Promise.reject(duplicateKey));
    expect(
      await runAndCheck(insert({ expectError: { errorCode: 11000 } }), context),
    ).toBeUndefined();
    expect(await runAndCheck(insert(), context)).toMatch(
      /unexpected error: MongoServerError\(11000\)/,
    );
    expect(await runAndCheck(insert({ ignoreResultAndError: true }), context)).toBeUndefined();
  });
});

describe('runCallbackOperation (withTransaction callbacks)', () => {
  it("throws the operation's own error even when it was expected", async () => {
    const { context } = contextWith(() => Promise.reject(duplicateKey));
    await expect(
      runCallbackOperation(insert({ expectError: { errorCode: 11000 } }), context),
    ).rejects.toBe(duplicateKey);
    await expect(
      runCallbackOperation(insert({ ignoreResultAndError: true }), context),
    ).rejects.toBe(duplicateKey);
  });

  it('throws a runner error when an assertion does not hold', async () => {
    const { context } = contextWith(async () => ({ insertedId: 1 }));
    await expect(
      runCallbackOperation(insert({ expectError: { isError: true } }), context),
    ).rejects.toThrow(/withTransaction callback, collection0.insertOne: expected an error/);
    await expect(runCallbackOperation(insert(), context)).resolves.toBeUndefined();
  });
});
