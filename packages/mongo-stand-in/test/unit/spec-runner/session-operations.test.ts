import type { ClientSession } from 'mongodb';
import { OperationArguments } from '../../spec-runner/operation-arguments';
import { SESSION_OPERATIONS } from '../../spec-runner/session-operations';
import type { TestRunnerContext } from '../../spec-runner/test-runner-context';
import type { Operation } from '../../spec-runner/unified-test-file';

function args(raw: object, name: string) {
  return new OperationArguments({ ...raw }, `session0.${name}`, () => {
    throw new Error('unused');
  });
}

describe('session operations', () => {
  it('startTransaction passes the transaction options in the driver shape', async () => {
    const startTransaction = jest.fn();
    const session = { startTransaction } as unknown as ClientSession;
    await SESSION_OPERATIONS.startTransaction(
      session,
      args({ readConcern: { level: 'snapshot' }, maxCommitTimeMS: 5 }, 'startTransaction'),
      {} as TestRunnerContext,
    );
    expect(startTransaction).toHaveBeenCalledWith({
      readConcern: { level: 'snapshot' },
      maxCommitTimeMS: 5,
    });
    await expect(
      SESSION_OPERATIONS.startTransaction(
        session,
        args({ upsert: true }, 'x'),
        {} as TestRunnerContext,
      ),
    ).rejects.toThrow(/unsupported transaction option "upsert"/);
  });

  it('withTransaction runs the callback operations in order, through the context', async () => {
    const ran: string[] = [];
    const session = {
      withTransaction: async (callback: () => Promise<void>, options: object) => {
        ran.push(`options ${JSON.stringify(options)}`);
        await callback();
      },
    } as unknown as ClientSession;
    const context = {
      runCallbackOperation: async (operation: Operation) => {
        ran.push(operation.name);
      },
    } as unknown as TestRunnerContext;
    const callback = [
      { name: 'insertOne', object: 'collection0' },
      { name: 'deleteOne', object: 'collection0' },
    ];
    await SESSION_OPERATIONS.withTransaction(
      session,
      args({ callback, writeConcern: { w: 1 } }, 'withTransaction'),
      context,
    );
    expect(ran).toEqual(['options {"writeConcern":{"w":1}}', 'insertOne', 'deleteOne']);
  });

  it("withTransaction fails with the callback's error", async () => {
    const boom = new Error('boom');
    const session = {
      withTransaction: async (callback: () => Promise<void>) => callback(),
    } as unknown as ClientSession;
    const context = {
      runCallbackOperation: () => Promise.reject(boom),
    } as unknown as TestRunnerContext;
    await expect(
      SESSION_OPERATIONS.withTransaction(
        session,
        args({ callback: [{ name: 'insertOne', object: 'c' }] }, 'withTransaction'),
        context,
      ),
    ).rejects.toBe(boom);
  });

  it('commitTransaction, abortTransaction and endSession call the driver', async () => {
    const session = {
      commitTransaction: jest.fn(async () => undefined),
      abortTransaction: jest.fn(async () => undefined),
      endSession: jest.fn(async () => undefined),
    };
    for (const name of ['commitTransaction', 'abortTransaction', 'endSession'] as const) {
      await SESSION_OPERATIONS[name](
        session as unknown as ClientSession,
        args({}, name),
        {} as TestRunnerContext,
      );
      expect(session[name]).toHaveBeenCalledTimes(1);
    }
  });
});
