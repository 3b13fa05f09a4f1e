/**
 * `maxTimeMS` bounds long scans and pipelines as in mongod: past the limit the command
 * fails with 50 MaxTimeMSExpired instead of holding the stand-in (and every test sharing it).
 */
import { MongoClient, MongoServerError, type Collection, type Document } from 'mongodb';
import { startStandIn, type StandInServer } from '../../src/start-stand-in';

/** Enough documents that an `$expr` scan or a pipeline takes far longer than 1 ms. */
const DOCUMENTS = 20_000;
/** Matches nothing, after evaluating an expression for every document. */
const SLOW_FILTER = { $expr: { $eq: [{ $concat: [{ $toString: '$n' }, '-'] }, 'none'] } };

describe('maxTimeMS', () => {
  let server: StandInServer;
  let client: MongoClient;
  let items: Collection<{ _id: number; n: number } & Document>;

  beforeAll(async () => {
    server = await startStandIn();
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    items = client.db('max-time').collection('items');
    await items.insertMany(Array.from({ length: DOCUMENTS }, (_, n) => ({ _id: n, n })));
  });

  afterAll(async () => {
    await client?.db('max-time').dropDatabase();
    await client?.close();
    await server?.stop();
  });

  const operations: ReadonlyArray<[string, () => Promise<unknown>]> = [
    ['find', () => items.find(SLOW_FILTER, { maxTimeMS: 1 }).toArray()],
    ['count', () => items.countDocuments(SLOW_FILTER, { maxTimeMS: 1 })],
    ['distinct', () => items.distinct('n', SLOW_FILTER, { maxTimeMS: 1 })],
    [
      'aggregate',
      () =>
        items
          .aggregate(
            [{ $project: { s: { $toString: '$n' } } }, { $group: { _id: '$s', c: { $sum: 1 } } }],
            { maxTimeMS: 1 },
          )
          .toArray(),
    ],
    [
      'updateMany',
      () =>
        client.db('max-time').command({
          update: 'items',
          updates: [{ q: SLOW_FILTER, u: { $set: { x: 1 } }, multi: true }],
          maxTimeMS: 1,
        }),
    ],
    [
      'deleteMany',
      () =>
        client.db('max-time').command({
          delete: 'items',
          deletes: [{ q: SLOW_FILTER, limit: 0 }],
          maxTimeMS: 1,
        }),
    ],
    [
      'findOneAndUpdate',
      () => items.findOneAndUpdate(SLOW_FILTER, { $set: { x: 1 } }, { maxTimeMS: 1 }),
    ],
  ];

  it.each(operations)('stops %s with 50 MaxTimeMSExpired', async (_name, run) => {
    const failure = await run().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MongoServerError);
    expect(failure).toMatchObject({ code: 50, codeName: 'MaxTimeMSExpired' });
    // Nothing was written by the commands it stopped.
    expect(await items.countDocuments({ x: 1 })).toBe(0);
  });

  it('lets a command within its time limit finish, and refuses a negative limit', async () => {
    await expect(items.countDocuments({ n: { $lt: 10 } }, { maxTimeMS: 60_000 })).resolves.toBe(10);
    await expect(
      client.db('max-time').command({ count: 'items', maxTimeMS: -1 }),
    ).rejects.toMatchObject({ code: 2 });
  });

  it('refuses maxTimeMS on a getMore, which mongod takes only for awaitData cursors', async () => {
    const db = client.db('max-time');
    const { cursor } = await db.command({ find: 'items', batchSize: 1 });
    await expect(
      db.command({ getMore: cursor.id, collection: 'items', maxTimeMS: 100 }),
    ).rejects.toMatchObject({ code: 2 });
    await db.command({ killCursors: 'items', cursors: [cursor.id] });
  });
});
