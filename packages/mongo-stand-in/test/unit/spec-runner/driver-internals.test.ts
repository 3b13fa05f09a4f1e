import { MongoClient, type ClientSession } from 'mongodb';
import {
  openChangeStream,
  pinnedServerAddress,
  transactionState,
} from '../../spec-runner/driver-internals';
import { SpecRunnerError } from '../../spec-runner/spec-runner.error';

/** A session-shaped object with the given internal transaction. */
function fakeSession(transaction: object, isPinned = false): ClientSession {
  return { transaction, isPinned } as unknown as ClientSession;
}

describe('driver internals', () => {
  // No server is needed: sessions, transactions in their starting state and change streams
  // before their first aggregate are client-side objects.
  let client: MongoClient;
  beforeEach(() => {
    client = new MongoClient('mongodb://127.0.0.1:1', { serverSelectionTimeoutMS: 100 });
  });
  afterEach(() => client.close());

  it("reads a real session's transaction state in the format's words", async () => {
    const session = client.startSession();
    expect(transactionState(session)).toBe('none');
    session.startTransaction();
    expect(transactionState(session)).toBe('starting');
    await session.endSession();
  });

  it('maps every driver state, committed-empty included', () => {
    const states: [string, string][] = [
      ['NO_TRANSACTION', 'none'],
      ['STARTING_TRANSACTION', 'starting'],
      ['TRANSACTION_IN_PROGRESS', 'in_progress'],
      ['TRANSACTION_COMMITTED', 'committed'],
      ['TRANSACTION_COMMITTED_EMPTY', 'committed'],
      ['TRANSACTION_ABORTED', 'aborted'],
    ];
    for (const [driver, format] of states) {
      expect(transactionState(fakeSession({ state: driver }))).toBe(format);
    }
    expect(() => transactionState(fakeSession({ state: 'NEW_STATE' }))).toThrow(SpecRunnerError);
    expect(() => transactionState(fakeSession({}))).toThrow(SpecRunnerError);
  });

  it('gives the pinned mongos address, or nothing for an unpinned session', () => {
    expect(pinnedServerAddress(client.startSession())).toBeUndefined();
    const pinned = fakeSession({ server: { description: { address: 'mongos1:27017' } } }, true);
    expect(pinnedServerAddress(pinned)).toBe('mongos1:27017');
    expect(() => pinnedServerAddress(fakeSession({}, true))).toThrow(SpecRunnerError);
  });

  it('finds the cursor a change stream initializes (the driver still has it)', async () => {
    const stream = client.db('db').collection('coll').watch([]);
    const init = jest.fn(async () => undefined);
    Object.assign((stream as unknown as { cursor: object }).cursor, { cursorInit: init });
    await openChangeStream(stream);
    expect(init).toHaveBeenCalledTimes(1);
    await stream.close();
    const broken = { cursor: {} } as unknown as Parameters<typeof openChangeStream>[0];
    await expect(openChangeStream(broken)).rejects.toThrow(SpecRunnerError);
  });
});
