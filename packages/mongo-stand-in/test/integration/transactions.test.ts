/**
 * Multi-document transactions in the stand-in's replica-set mode, through the official
 * driver: atomic commits, aborts that leave nothing behind, snapshot isolation, write
 * conflicts and the driver's retries through them, the lifetime limit, and what mongod 7.0
 * refuses inside a transaction. A standalone still refuses transactions (20).
 */
import { Long, MongoClient, MongoServerError, type ClientSession, type Db } from 'mongodb';
import { startStandIn, type StandInServer } from '../../src/start-stand-in';
import { refusal } from './driver-fixture';
import { waitFor } from './wait-for';

interface Counter {
  _id: number;
  n?: number;
  tag?: string;
}

describe('transactions in replica-set mode', () => {
  let server: StandInServer;
  let client: MongoClient;
  let other: MongoClient;
  let db: Db;
  let testNumber = 0;
  const sessions: ClientSession[] = [];

  beforeAll(async () => {
    server = await startStandIn({ replicaSet: 'rs0' });
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    other = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await Promise.all([client.connect(), other.connect()]);
  });

  beforeEach(() => {
    testNumber += 1;
    db = client.db(`transactions_${testNumber}`);
  });

  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.endSession();
    await db.dropDatabase();
  });

  afterAll(async () => {
    await client?.close();
    await other?.close();
    await server?.stop();
  });

  const startSession = (): ClientSession => {
    const session = client.startSession();
    sessions.push(session);
    return session;
  };
  const counters = (name: string) => db.collection<Counter>(name);
  /** The same collection through another client: what everyone else sees. */
  const seenByOthers = (name: string) => other.db(db.databaseName).collection<Counter>(name);

  it('applies a commit to every collection at once, and an abort nowhere', async () => {
    await counters('a').insertOne({ _id: 0 });
    const session = startSession();
    session.startTransaction();
    await counters('a').insertOne({ _id: 1 }, { session });
    await counters('b').insertOne({ _id: 1 }, { session });
    await counters('a').updateOne({ _id: 0 }, { $set: { n: 1 } }, { session });
    // Its own writes, and nobody else's view of them.
    expect(await counters('a').find({}, { session }).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 0, n: 1 },
      { _id: 1 },
    ]);
    expect(await seenByOthers('a').find().toArray()).toEqual([{ _id: 0 }]);
    expect(await seenByOthers('b').countDocuments()).toBe(0);
    await session.commitTransaction();
    expect(await seenByOthers('a').find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 0, n: 1 },
      { _id: 1 },
    ]);
    expect(await seenByOthers('b').find().toArray()).toEqual([{ _id: 1 }]);

    session.startTransaction();
    await counters('a').deleteMany({}, { session });
    await counters('c').insertOne({ _id: 9 }, { session });
    await session.abortTransaction();
    expect(await seenByOthers('a').countDocuments()).toBe(2);
    const names = (await db.listCollections().toArray()).map((collection) => collection.name);
    expect(names).not.toContain('c');
  });

  it('reads the snapshot of its first operation, across collections', async () => {
    await counters('a').insertOne({ _id: 1, n: 1 });
    await counters('b').insertOne({ _id: 1, n: 1 });
    const session = startSession();
    session.startTransaction();
    expect(await counters('a').findOne({ _id: 1 }, { session })).toEqual({ _id: 1, n: 1 });
    // Committed by others after the snapshot, in a collection it read and one it did not.
    await seenByOthers('a').updateOne({ _id: 1 }, { $set: { n: 2 } });
    await seenByOthers('b').insertOne({ _id: 2 });
    await seenByOthers('b').updateOne({ _id: 1 }, { $set: { n: 2 } });
    expect(await counters('a').findOne({ _id: 1 }, { session })).toEqual({ _id: 1, n: 1 });
    expect(await counters('b').find({}, { session }).toArray()).toEqual([{ _id: 1, n: 1 }]);
    await session.commitTransaction();
    expect(await counters('b').countDocuments()).toBe(2);
  });

  it('fails the second writer of a document with WriteConflict, a transient error', async () => {
    await counters('a').insertOne({ _id: 1, n: 0 });
    const first = startSession();
    const second = startSession();
    first.startTransaction();
    second.startTransaction();
    await counters('a').updateOne({ _id: 1 }, { $inc: { n: 1 } }, { session: first });
    const conflict = await refusal(
      counters('a').updateOne({ _id: 1 }, { $inc: { n: 10 } }, { session: second }),
    );
    expect(conflict.code).toBe(112);
    expect(conflict.hasErrorLabel('TransientTransactionError')).toBe(true);
    // The conflict aborted the second transaction.
    const gone = await refusal(counters('a').findOne({}, { session: second }));
    expect(gone.code).toBe(251);
    await second.abortTransaction();
    await first.commitTransaction();
    expect(await counters('a').findOne({ _id: 1 })).toEqual({ _id: 1, n: 1 });
  });

  it('fails a write to a document committed by someone else since its snapshot', async () => {
    await counters('a').insertOne({ _id: 1, n: 0 });
    const session = startSession();
    session.startTransaction();
    expect(await counters('a').findOne({ _id: 1 }, { session })).toEqual({ _id: 1, n: 0 });
    await seenByOthers('a').updateOne({ _id: 1 }, { $set: { n: 5 } });
    const conflict = await refusal(
      counters('a').updateOne({ _id: 1 }, { $inc: { n: 1 } }, { session }),
    );
    expect(conflict.code).toBe(112);
    await session.abortTransaction();
    expect(await counters('a').findOne({ _id: 1 })).toEqual({ _id: 1, n: 5 });
  });

  it('lets withTransaction retry through a write conflict to success', async () => {
    await counters('a').insertOne({ _id: 1, n: 0 });
    const holder = startSession();
    holder.startTransaction();
    await counters('a').updateOne({ _id: 1 }, { $inc: { n: 1 } }, { session: holder });
    const session = startSession();
    let attempts = 0;
    await session.withTransaction(async () => {
      attempts += 1;
      try {
        await counters('a').updateOne({ _id: 1 }, { $inc: { n: 10 } }, { session });
      } catch (error) {
        // The holder ends, so that the retry finds the document free.
        if (holder.inTransaction()) await holder.commitTransaction();
        throw error;
      }
    });
    expect(attempts).toBe(2);
    expect(await counters('a').findOne({ _id: 1 })).toEqual({ _id: 1, n: 11 });
  });

  it('aborts a transaction whose document a write outside it changed', async () => {
    await counters('a').insertOne({ _id: 1, n: 0 });
    const session = startSession();
    session.startTransaction();
    await counters('a').updateOne({ _id: 1 }, { $set: { tag: 'inside' } }, { session });
    // mongod would make this write wait for the transaction; the stand-in aborts it.
    await seenByOthers('a').updateOne({ _id: 1 }, { $set: { tag: 'outside' } });
    const aborted = await refusal(session.commitTransaction());
    expect(aborted.code).toBe(251);
    expect(aborted.hasErrorLabel('TransientTransactionError')).toBe(true);
    expect(await counters('a').findOne({ _id: 1 })).toEqual({ _id: 1, n: 0, tag: 'outside' });
  });

  it('commits again what it committed, as after a lost reply', async () => {
    const session = startSession();
    session.startTransaction();
    await counters('a').insertOne({ _id: 1 }, { session });
    await session.commitTransaction();
    // The driver sends the commit again, as after a lost reply: it succeeds again.
    await session.commitTransaction();
    expect(await counters('a').countDocuments()).toBe(1);
  });

  it('refuses what mongod 7.0 refuses inside a transaction', async () => {
    await counters('a').insertOne({ _id: 1 });
    const session = startSession();
    session.startTransaction();
    await counters('a').findOne({}, { session });
    const refused = async (command: Record<string, unknown>) =>
      (await refusal(db.command(command, { session }))).code;
    expect(await refused({ count: 'a' })).toBe(263);
    expect(await refused({ listCollections: 1 })).toBe(263);
    expect(await refused({ drop: 'a' })).toBe(263);
    expect(await refused({ createIndexes: 'a', indexes: [{ key: { n: 1 }, name: 'n_1' }] })).toBe(
      263,
    );
    expect(await refused({ aggregate: 'a', pipeline: [{ $out: 'copy' }], cursor: {} })).toBe(263);
    expect(await refused({ insert: 'a', documents: [{ _id: 2 }], writeConcern: { w: 1 } })).toBe(
      72,
    );
    expect(await refused({ find: 'a', readConcern: { level: 'local' } })).toBe(72);
    await session.abortTransaction();

    // A collection and its indexes may be created inside one.
    session.startTransaction({
      readConcern: { level: 'snapshot' },
      writeConcern: { w: 'majority' },
    });
    await db.createCollection('created', { session });
    await counters('created').createIndex({ tag: 1 }, { session, unique: true });
    await counters('created').insertOne({ _id: 1, tag: 'x' }, { session });
    await session.commitTransaction();
    const indexes = await counters('created').listIndexes().toArray();
    expect(indexes.map((index) => index.name)).toEqual(['_id_', 'tag_1']);
    expect(await counters('created').countDocuments()).toBe(1);
  });

  it('aborts the open transaction of a session that is killed', async () => {
    await counters('a').insertOne({ _id: 1, n: 0 });
    const session = startSession();
    session.startTransaction();
    await counters('a').updateOne({ _id: 1 }, { $set: { n: 1 } }, { session });
    await client.db('admin').command({ killSessions: [{ id: session.id!.id }] });
    // The document is free again: another transaction writes it and commits.
    const next = startSession();
    await next.withTransaction(async () => {
      await counters('a').updateOne({ _id: 1 }, { $set: { n: 2 } }, { session: next });
    });
    expect(await counters('a').findOne({ _id: 1 })).toEqual({ _id: 1, n: 2 });
  });
});

describe('the transaction lifetime limit', () => {
  let server: StandInServer;
  let client: MongoClient;

  beforeAll(async () => {
    server = await startStandIn({ replicaSet: 'rs0', transactionLifetimeLimitMs: 50 });
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('aborts a transaction open longer than the limit', async () => {
    const collection = client.db('lifetime').collection<Counter>('a');
    const session = client.startSession();
    try {
      session.startTransaction();
      await collection.insertOne({ _id: 1 }, { session });
      let failure: unknown;
      await waitFor('the transaction to expire', async () => {
        failure = await collection.findOne({}, { session }).then(
          () => undefined,
          (error: unknown) => error,
        );
        return failure !== undefined;
      });
      expect(failure).toBeInstanceOf(MongoServerError);
      expect((failure as MongoServerError).code).toBe(251);
      expect((failure as MongoServerError).hasErrorLabel('TransientTransactionError')).toBe(true);
      await session.abortTransaction();
      expect(await collection.countDocuments()).toBe(0);
    } finally {
      await session.endSession();
    }
  });
});

describe('transactions on a standalone', () => {
  it('are refused with 20 IllegalOperation, as mongod refuses them', async () => {
    const server = await startStandIn();
    const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.connect();
      const session = client.startSession();
      const refused = await refusal(
        client.db('standalone').command(
          {
            insert: 'a',
            documents: [{}],
            txnNumber: Long.fromNumber(1),
            startTransaction: true,
            autocommit: false,
          },
          { session },
        ),
      );
      expect(refused.code).toBe(20);
      await session.endSession();
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
