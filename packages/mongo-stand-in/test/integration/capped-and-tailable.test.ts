/**
 * Capped collections and tailable cursors through the official driver, answered as a
 * standalone mongod 7.0 answers them: bounds that evict the oldest documents (and their
 * index entries), `$natural` order, conversions, and cursors that follow a capped
 * collection as it grows, with awaitData getMores held at the connection until another
 * client inserts, their time is up, or their cursor dies.
 */
import { calculateObjectSize, Long } from 'bson';
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import { dataCommands } from '../../src/commands/data-commands';
import { StandInStore } from '../../src/engine/stand-in-store';
import { resolveStandInOptions } from '../../src/stand-in-options';
import { StandInWireServer } from '../../src/stand-in-server';
import { refusal, standInPerFile } from './driver-fixture';
import { waitFor, withDeadline } from './wait-for';

const DB = 'capped';

/** The documents these tests store: any `_id`, any fields. */
type Entry = Document & { _id: number | string };

/** `_id`s of a find in the order it returned them. */
async function idsOf(collection: Collection<Entry>, options: Document = {}): Promise<unknown[]> {
  return (await collection.find({}, options).toArray()).map((document) => document._id);
}

describe('capped collections', () => {
  const fixture = standInPerFile(DB);
  const db = (): Db => fixture.client().db(DB);
  let name: string;
  const capped = (): Collection<Entry> => db().collection<Entry>(name);
  /** What listCollections says of a collection of the test's database. */
  const infoOf = async (collection: string): Promise<Document> =>
    (await db().listCollections({ name: collection }).toArray())[0] as Document;

  beforeEach(() => {
    name = fixture.collection().collectionName;
  });

  afterEach(async () => {
    await db().dropDatabase();
  });

  it('stores size and max as mongod 7.0 does: size as given, no max bound as 2^31 - 1', async () => {
    await db().createCollection(name, { capped: true, size: 1000.7, max: 3 });
    await db().createCollection(`${name}_unbounded`, { capped: true, size: 5000, max: 0 });
    expect((await infoOf(name)).options).toEqual({ capped: true, size: 1000, max: 3 });
    expect((await infoOf(`${name}_unbounded`)).options).toEqual({
      capped: true,
      size: 5000,
      max: 2147483647,
    });
    expect(await capped().isCapped()).toBe(true);
  });

  it.each<[string, Document, number, string]>([
    [
      'a capped collection without size',
      { capped: true },
      72,
      "the 'size' field is required when 'capped' is true",
    ],
    [
      'a size without capped',
      { size: 4096 },
      72,
      "the 'capped' field needs to be true when either the 'size' or 'max' fields are present",
    ],
    [
      'a size of 0',
      { capped: true, size: 0 },
      51024,
      "BSON field 'size' value must be >= 1, actual value '0'",
    ],
    [
      'a size above 1 PB',
      { capped: true, size: 2 ** 52 },
      51024,
      "BSON field 'size' value must be <= 1125899906842624, actual value '4503599627370496'",
    ],
    [
      'a max of 2^31',
      { capped: true, size: 4096, max: 2 ** 31 },
      51024,
      "BSON field 'max' value must be < 2147483648, actual value '2147483648'",
    ],
    [
      'a size that is not a number',
      { capped: true, size: 'big' },
      14,
      "BSON field 'create.size' is the wrong type 'string', expected types '[long, int, decimal, double]'",
    ],
  ])('refuses %s', async (_case, options, code, message) => {
    const error = await refusal(db().command({ create: name, ...options }));
    expect([error.code, error.message]).toEqual([code, message]);
    expect(await db().listCollections({ name }).toArray()).toEqual([]);
  });

  it('evicts the oldest documents past max, with their index entries', async () => {
    await db().createCollection(name, { capped: true, size: 100_000, max: 3 });
    await capped().createIndex({ k: 1 }, { unique: true });
    for (let n = 1; n <= 5; n++) await capped().insertOne({ _id: n, k: `k${n}` });

    expect(await idsOf(capped())).toEqual([3, 4, 5]);
    // k1 left the unique index with its document: it may be stored again.
    await capped().insertOne({ _id: 6, k: 'k1' });
    expect(await idsOf(capped())).toEqual([4, 5, 6]);
    expect(await capped().countDocuments({ k: 'k4' })).toBe(1);
  });

  it('evicts by size, and keeps alone a document larger than the whole collection', async () => {
    await db().createCollection(name, { capped: true, size: 1000 });
    const padded = (n: number) => ({ _id: n, pad: 'x'.repeat(280) });
    for (let n = 1; n <= 10; n++) await capped().insertOne(padded(n));

    const kept = await capped().find().toArray();
    const bytes = kept.reduce((total, document) => total + calculateObjectSize(document), 0);
    expect(kept.map((document) => document._id)).toEqual([8, 9, 10]);
    expect(bytes).toBeLessThanOrEqual(1000);

    await capped().insertOne({ _id: 'big', pad: 'y'.repeat(2000) });
    expect(await idsOf(capped())).toEqual(['big']);
  });

  it('allows deletes and updates that change a size, keeping natural order', async () => {
    await db().createCollection(name, { capped: true, size: 4096 });
    await capped().insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);

    await capped().updateOne({ _id: 1 }, { $set: { grown: 'a'.repeat(100) } });
    await capped().deleteOne({ _id: 2 });

    expect(await capped().find().toArray()).toEqual([
      { _id: 1, grown: 'a'.repeat(100) },
      { _id: 3 },
    ]);
  });

  it('reads in natural order forwards and backwards, refusing malformed $natural', async () => {
    await db().createCollection(name, { capped: true, size: 4096 });
    await capped().insertMany([
      { _id: 3, a: 1 },
      { _id: 1, a: 2 },
      { _id: 2, a: 1 },
    ]);
    await capped().createIndex({ a: 1 });

    expect(await idsOf(capped(), { sort: { $natural: -1 } })).toEqual([2, 1, 3]);
    expect(await idsOf(capped(), { sort: { $natural: 1 } })).toEqual([3, 1, 2]);
    expect(await idsOf(capped(), { hint: { $natural: -1 } })).toEqual([2, 1, 3]);
    expect(await idsOf(capped(), { hint: { $natural: -1 }, sort: { a: 1 } })).toEqual([2, 3, 1]);
    expect(await idsOf(capped(), { sort: { $natural: -1 }, skip: 1, limit: 1 })).toEqual([1]);

    // Raw commands: the driver itself refuses some of these sorts before sending them.
    const refused = async (options: Document) =>
      (await refusal(db().command({ find: name, ...options }))).message;
    expect(await refused({ sort: { $natural: 2 } })).toBe(
      '$natural sort cannot be set to a value other than -1 or 1.',
    );
    expect(await refused({ sort: { $natural: 1, a: 1 } })).toBe(
      '$natural sort cannot be set to a value other than -1 or 1.',
    );
    expect(await refused({ hint: { $natural: 0 } })).toBe(
      '$natural hint cannot be set to a value other than -1 or 1.',
    );
    expect(await refused({ sort: { $natural: 1 }, hint: { a: 1 } })).toBe(
      'index hint not allowed with $natural sort order',
    );
    expect(await refused({ sort: { $natural: 1 }, hint: { $natural: -1 } })).toBe(
      '$natural hint must be in the same direction as $natural sort order',
    );
  });

  it('refuses TTL indexes, as mongod 7.0 does on capped collections', async () => {
    await db().createCollection(name, { capped: true, size: 4096 });
    const error = await refusal(capped().createIndex({ at: 1 }, { expireAfterSeconds: 60 }));
    expect([error.code, error.codeName, error.message]).toEqual([
      67,
      'CannotCreateIndex',
      'Cannot create TTL index on a capped collection',
    ]);
    expect(await capped().indexes()).toHaveLength(1);
  });

  it('resizes with collMod, evicting what exceeds the new bounds on the next insert', async () => {
    await db().createCollection(name, { capped: true, size: 100_000, max: 5 });
    for (let n = 1; n <= 5; n++) await capped().insertOne({ _id: n });

    await db().command({ collMod: name, cappedMax: 2, cappedSize: 50_000 });
    expect(await capped().countDocuments()).toBe(5);
    await capped().insertOne({ _id: 6 });

    expect(await idsOf(capped())).toEqual([5, 6]);
    expect((await infoOf(name)).options).toEqual({
      capped: true,
      size: 50_000,
      max: 2,
    });
    const error = await refusal(db().command({ collMod: name, cappedSize: 0 }));
    expect([error.code, error.message]).toEqual([
      51024,
      "BSON field 'cappedSize' value must be >= 1, actual value '0'",
    ]);
  });

  it('converts a collection to capped: newest documents kept, _id index only, new UUID', async () => {
    const plain = fixture.collection();
    await plain.insertMany(Array.from({ length: 10 }, (_, n) => ({ _id: n, pad: 'p'.repeat(50) })));
    await plain.createIndex({ pad: 1 });
    const before = await infoOf(name);

    // Each document is 70 bytes of BSON: four fit in 300.
    await db().command({ convertToCapped: name, size: 300 });

    const after = await infoOf(name);
    expect(after.options).toEqual({ capped: true, size: 300 });
    expect(after.info.uuid).not.toEqual(before.info.uuid);
    expect((await plain.indexes()).map((index) => index.name)).toEqual(['_id_']);
    expect(await idsOf(capped())).toEqual([6, 7, 8, 9]);
    expect((await db().listCollections().toArray()).map((info) => info.name)).toEqual([name]);
  });

  it('clones a collection as capped, leaving the source as it was', async () => {
    const plain = fixture.collection();
    await plain.insertMany(Array.from({ length: 10 }, (_, n) => ({ _id: n })));

    await db().command({
      cloneCollectionAsCapped: name,
      toCollection: `${name}_copy`,
      size: 4096,
      temp: 1,
    });

    expect(await plain.countDocuments()).toBe(10);
    expect((await infoOf(`${name}_copy`)).options).toEqual({
      capped: true,
      size: 4096,
      temp: true,
    });
    expect(await idsOf(db().collection<Entry>(`${name}_copy`))).toHaveLength(10);
  });

  it('refuses conversions as mongod does', async () => {
    await fixture.collection().insertOne({ _id: 1 });
    await db().createCollection(`${name}_view`, { viewOn: name, pipeline: [] });
    const refused = async (command: Document) => {
      const error = await refusal(db().command(command));
      return [error.code, error.message];
    };

    expect(await refused({ convertToCapped: name })).toEqual([72, 'invalid command spec']);
    expect(await refused({ convertToCapped: 'missing', size: 4096 })).toEqual([
      26,
      `source collection ${DB}.missing does not exist`,
    ]);
    expect(await refused({ convertToCapped: `${name}_view`, size: 4096 })).toEqual([
      166,
      `cloneCollectionAsCapped not supported for views: ${DB}.${name}_view`,
    ]);
    expect(
      await refused({ cloneCollectionAsCapped: name, toCollection: `${name}_view`, size: 4096 }),
    ).toEqual([48, `Collection ${DB}.${name}_view already exists.`]);
    expect(
      await refused({ cloneCollectionAsCapped: name, toCollection: name, size: 4096 }),
    ).toEqual([
      48,
      `cloneCollectionAsCapped failed - destination collection ${DB}.${name} already exists. source collection: ${DB}.${name}`,
    ]);
    expect(
      await refused({ cloneCollectionAsCapped: name, toCollection: `${name}_copy`, size: -1 }),
    ).toEqual([2, 'size has to be >= 0']);
    const missingDb = fixture.client().db(`${DB}_missing`);
    const error = await refusal(missingDb.command({ convertToCapped: name, size: 4096 }));
    expect([error.code, error.message]).toEqual([26, `database ${DB}_missing not found`]);
  });
});

describe('tailable cursors', () => {
  const NS_DB = 'tailing';
  let store: StandInStore;
  let server: StandInWireServer;
  /** The reading client and, as in Hangfire.Mongo, another client that writes. */
  let reader: MongoClient;
  let writer: MongoClient;
  let testNumber = 0;
  let name: string;
  const readerDb = (): Db => reader.db(NS_DB);
  const writerDb = (): Db => writer.db(NS_DB);
  const ns = (): string => `${NS_DB}.${name}`;

  beforeAll(async () => {
    store = new StandInStore();
    server = new StandInWireServer(resolveStandInOptions({}), { store, dataCommands });
    await server.start();
    reader = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    writer = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await Promise.all([reader.connect(), writer.connect()]);
  });

  afterAll(async () => {
    await reader?.close();
    await writer?.close();
    await server?.stop();
  });

  beforeEach(async () => {
    testNumber += 1;
    name = `t${testNumber}`;
    await writerDb().createCollection(name, { capped: true, size: 100_000 });
  });

  afterEach(async () => {
    await writerDb()
      .dropCollection(name)
      .catch(() => undefined);
    expect(store.writes.listenerCount()).toBe(0);
  });

  /** Opens a tailable cursor with a raw find; returns its id and first batch. */
  async function openTail(extra: Document = {}): Promise<{ id: Long; firstBatch: Document[] }> {
    const reply = await readerDb().command(
      { find: name, tailable: true, awaitData: true, ...extra },
      { promoteLongs: false },
    );
    return { id: reply.cursor.id as Long, firstBatch: reply.cursor.firstBatch as Document[] };
  }

  function getMore(id: Long, extra: Document = {}): Promise<Document> {
    return readerDb().command({ getMore: id, collection: name, ...extra }, { promoteLongs: false });
  }

  /** A getMore still waiting at the stand-in: its promise, and whether it has settled. */
  async function waitingGetMore(id: Long, extra: Document = {}) {
    const started = Date.now();
    let settled = false;
    const reply = getMore(id, { maxTimeMS: 20_000, ...extra }).finally(() => {
      settled = true;
    });
    await waitFor('the getMore to wait for data', () => store.writes.listenerCount(ns()) === 1);
    return { reply, settled: () => settled, started };
  }

  it('refuses what mongod refuses, and opens none on a missing or empty collection', async () => {
    await writerDb().collection<Entry>('plain').insertOne({ _id: 1 });
    const refused = async (command: Document) => {
      const error = await refusal(readerDb().command(command));
      return [error.code, error.message];
    };

    expect(await refused({ find: 'plain', tailable: true })).toEqual([
      2,
      `error processing query: ns=${NS_DB}.plainTree: $and\nSort: {}\nProj: {}\n tailable cursor requested on non capped collection`,
    ]);
    expect(await refused({ find: name, awaitData: true })).toEqual([
      9,
      "Cannot set 'awaitData' without also setting 'tailable'",
    ]);
    expect(await refused({ find: name, tailable: true, sort: { _id: 1 } })).toEqual([
      2,
      'cannot use tailable option with a sort other than {$natural: 1}',
    ]);
    expect(await refused({ find: name, tailable: true, singleBatch: true })).toEqual([
      2,
      "cannot use tailable option with the 'singleBatch' option",
    ]);
    expect((await openTail()).id.isZero()).toBe(true);
    const missing = await readerDb().command({ find: 'missing', tailable: true, awaitData: true });
    expect(missing.cursor.id).toBe(0);
    await writerDb().dropCollection('plain');
  });

  it('stays open at its end and returns the documents inserted since', async () => {
    await writerDb()
      .collection<Entry>(name)
      .insertMany([{ _id: 1 }, { _id: 2 }]);
    const { id, firstBatch } = await openTail({ awaitData: false, sort: { $natural: 1 } });
    expect(firstBatch).toEqual([{ _id: 1 }, { _id: 2 }]);
    expect(id.isZero()).toBe(false);

    const empty = await getMore(id);
    expect(empty.cursor).toMatchObject({ id, nextBatch: [] });
    await writerDb()
      .collection<Entry>(name)
      .insertMany([{ _id: 3 }, { _id: 4 }]);
    expect((await getMore(id)).cursor).toMatchObject({ id, nextBatch: [{ _id: 3 }, { _id: 4 }] });

    const error = await refusal(getMore(id, { maxTimeMS: 100 }));
    expect([error.code, error.message]).toEqual([
      2,
      'cannot set maxTimeMS on getMore command for a non-awaitData cursor',
    ]);
    await readerDb().command({ killCursors: name, cursors: [id] });
  });

  it('dies with 136 CappedPositionLost once its position is evicted', async () => {
    await writerDb().command({ collMod: name, cappedMax: 2 });
    await writerDb()
      .collection<Entry>(name)
      .insertMany([{ _id: 1 }, { _id: 2 }]);
    const { id } = await openTail({ awaitData: false });
    await writerDb()
      .collection<Entry>(name)
      .insertMany([{ _id: 3 }, { _id: 4 }]);

    const error = await refusal(getMore(id));
    expect([error.code, error.codeName, error.message]).toEqual([
      136,
      'CappedPositionLost',
      'Executor error during getMore :: caused by :: CollectionScan died due to position in capped collection being deleted. Last seen record id: RecordId(2)',
    ]);
    expect((await refusal(getMore(id))).code).toBe(43);
  });

  it('holds an awaitData getMore until another client inserts, without holding others', async () => {
    await writerDb().collection<Entry>(name).insertOne({ _id: 'seed' });
    const { id } = await openTail();
    const waiting = await waitingGetMore(id);

    // Other connections, of both clients, are served meanwhile.
    await readerDb().command({ ping: 1 });
    expect(await writerDb().collection<Entry>(name).countDocuments()).toBe(1);
    expect(waiting.settled()).toBe(false);

    await writerDb().collection<Entry>(name).insertOne({ _id: 'new' });
    const reply = await withDeadline('the waiting getMore', waiting.reply);
    expect(reply.cursor).toMatchObject({ id, nextBatch: [{ _id: 'new' }] });
    expect(Date.now() - waiting.started).toBeLessThan(20_000);
    await readerDb().command({ killCursors: name, cursors: [id] });
  });

  it('keeps waiting through writes that bring nothing the cursor matches', async () => {
    await writerDb().collection<Entry>(name).insertOne({ _id: 'seed', kind: 'wanted' });
    const { id } = await openTail({ filter: { kind: 'wanted' } });
    const waiting = await waitingGetMore(id);

    await writerDb().collection<Entry>(name).insertOne({ _id: 'other', kind: 'unwanted' });
    await writerDb()
      .collection<Entry>(name)
      .updateOne({ _id: 'seed' }, { $set: { seen: true } });
    // The insert was answered after the stand-in had checked the cursor again.
    expect(store.writes.listenerCount(ns())).toBe(1);
    expect(waiting.settled()).toBe(false);

    await writerDb().collection<Entry>(name).insertOne({ _id: 'match', kind: 'wanted' });
    const reply = await withDeadline('the waiting getMore', waiting.reply);
    expect(reply.cursor.nextBatch).toEqual([{ _id: 'match', kind: 'wanted' }]);
    await readerDb().command({ killCursors: name, cursors: [id] });
  });

  it('answers an empty batch once maxTimeMS (or 1 s by default) passes, the cursor open', async () => {
    await writerDb().collection<Entry>(name).insertOne({ _id: 'seed' });
    const { id } = await openTail();

    let started = Date.now();
    const timedOut = await getMore(id, { maxTimeMS: 60 });
    expect(timedOut.cursor).toMatchObject({ id, nextBatch: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);

    started = Date.now();
    const byDefault = await getMore(id);
    expect(byDefault.cursor).toMatchObject({ id, nextBatch: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    expect((await getMore(id, { maxTimeMS: 0 })).cursor.nextBatch).toEqual([]);
    await readerDb().command({ killCursors: name, cursors: [id] });
  });

  it('releases a waiting getMore when its cursor is killed (237) or its collection dropped (175)', async () => {
    await writerDb().collection<Entry>(name).insertOne({ _id: 'seed' });
    const killed = await openTail();
    const waitingKilled = await waitingGetMore(killed.id);
    const killReply = await writerDb().command({ killCursors: name, cursors: [killed.id] });
    expect(killReply.cursorsKilled).toEqual([killed.id.toNumber()]);
    const killError = await refusal(withDeadline('the killed getMore', waitingKilled.reply));
    expect([killError.code, killError.codeName]).toEqual([237, 'CursorKilled']);

    const dropped = await openTail();
    const waitingDropped = await waitingGetMore(dropped.id);
    await writerDb().dropCollection(name);
    const dropError = await refusal(
      withDeadline('the getMore of a dropped collection', waitingDropped.reply),
    );
    expect([dropError.code, dropError.codeName]).toEqual([175, 'QueryPlanKilled']);
  });

  it('releases a waiting getMore when its connection closes or the stand-in stops', async () => {
    await writerDb().collection<Entry>(name).insertOne({ _id: 'seed' });
    const leaving = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await leaving.connect();
    const reply = await leaving.db(NS_DB).command({ find: name, tailable: true, awaitData: true });
    const pending = leaving
      .db(NS_DB)
      .command({ getMore: reply.cursor.id, collection: name, maxTimeMS: 20_000 })
      .catch((error: unknown) => error);
    await waitFor('the getMore to wait', () => store.writes.listenerCount(ns()) === 1);

    await leaving.close(true);
    await waitFor('the wait to be released', () => store.writes.listenerCount(ns()) === 0);
    await pending;

    const stopping = new StandInWireServer(resolveStandInOptions({}), { store, dataCommands });
    await stopping.start();
    const client = new MongoClient(stopping.uri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    const { cursor } = await client
      .db(NS_DB)
      .command({ find: name, tailable: true, awaitData: true });
    const abandoned = client
      .db(NS_DB)
      .command({ getMore: cursor.id, collection: name, maxTimeMS: 20_000 })
      .catch((error: unknown) => error);
    await waitFor('the getMore to wait', () => store.writes.listenerCount(ns()) === 1);
    await withDeadline('the stand-in to stop', stopping.stop(), 2_000);
    expect(store.writes.listenerCount(ns())).toBe(0);
    await abandoned;
    await client.close(true);
  });

  it('feeds a driver cursor used with for await, honouring maxAwaitTimeMS', async () => {
    // Hangfire.Mongo-style notifications: a capped collection seeded so that it can be tailed.
    await writerDb().collection<Entry>(name).insertOne({ _id: 0, kind: 'seed' });
    const getMores: Array<{ maxTimeMS?: unknown; durationMs: number; empty: boolean }> = [];
    const monitored = new MongoClient(server.uri, {
      serverSelectionTimeoutMS: 5_000,
      monitorCommands: true,
    });
    const started = new Map<number, Document>();
    monitored.on('commandStarted', (event) => {
      if (event.commandName === 'getMore') started.set(event.requestId, event.command);
    });
    monitored.on('commandSucceeded', (event) => {
      const command = started.get(event.requestId);
      if (!command) return;
      getMores.push({
        maxTimeMS: command.maxTimeMS,
        durationMs: event.duration,
        empty: (event.reply as Document).cursor.nextBatch.length === 0,
      });
    });
    await monitored.connect();
    const cursor = monitored
      .db(NS_DB)
      .collection<Entry>(name)
      .find({ kind: { $ne: 'seed' } }, { tailable: true, awaitData: true, maxAwaitTimeMS: 100 });
    const received: Document[] = [];
    const consumed = (async () => {
      for await (const document of cursor) {
        received.push(document);
        if (received.length === 3) return;
      }
    })();

    await waitFor('an empty getMore', () => getMores.some((getMore) => getMore.empty));
    for (let n = 1; n <= 3; n++) {
      await writerDb().collection<Entry>(name).insertOne({ _id: n, kind: 'notification' });
      await waitFor(`notification ${n}`, () => received.length === n);
    }
    await withDeadline('the consumer', consumed);
    await cursor.close();
    await monitored.close();

    expect(received.map((document) => document._id)).toEqual([1, 2, 3]);
    expect(getMores.every((getMore) => getMore.maxTimeMS === 100)).toBe(true);
    const emptyOnes = getMores.filter((getMore) => getMore.empty);
    expect(emptyOnes.length).toBeGreaterThan(0);
    expect(emptyOnes.every((getMore) => getMore.durationMs >= 90)).toBe(true);
  });

  it('feeds a driver cursor used as a stream', async () => {
    await writerDb().collection<Entry>(name).insertOne({ _id: 0 });
    const cursor = readerDb()
      .collection<Entry>(name)
      .find({}, { tailable: true, awaitData: true, maxAwaitTimeMS: 50 });
    const stream = cursor.stream();
    const received: unknown[] = [];
    stream.on('data', (document: Document) => received.push(document._id));

    await waitFor('the seed document', () => received.length === 1);
    await writerDb()
      .collection<Entry>(name)
      .insertMany([{ _id: 1 }, { _id: 2 }]);
    await waitFor('the inserted documents', () => received.length === 3);
    await cursor.close();

    expect(received).toEqual([0, 1, 2]);
  });
});
