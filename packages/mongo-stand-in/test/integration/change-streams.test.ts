/**
 * Change streams on the replica-set mode, through the driver's `watch()`: the events of a
 * collection, a database and the deployment, as mongod 7.0 shows them; invalidation; resume
 * tokens; getMores that wait for the next change; and the failures a stream resumes after.
 * Before, `watch()` was refused (238) and Docket's wake-up on new work could not be tested.
 */
import {
  MongoClient,
  MongoServerError,
  type ChangeStream,
  type ChangeStreamDocument,
  type ChangeStreamOptions,
  type Db,
  type Document,
  type ResumeToken,
} from 'mongodb';
import { startStandIn, type StandInServer } from '../../src/start-stand-in';
import { refusal } from './driver-fixture';

describe('change streams (replica-set mode)', () => {
  let server: StandInServer;
  let client: MongoClient;
  let db: Db;
  const streams: ChangeStream[] = [];

  beforeAll(async () => {
    server = await startStandIn({ replicaSet: 'rs0' });
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  let testNumber = 0;
  beforeEach(() => {
    testNumber += 1;
    db = client.db(`change_streams_${testNumber}`);
  });

  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.close()));
  });

  /** A stream that the test's end closes; `watch()` opens it on the first `next()`. */
  function tracked<T extends Document>(stream: ChangeStream<T>): ChangeStream<T> {
    streams.push(stream as unknown as ChangeStream);
    return stream;
  }

  /** The next `count` events of a stream, in order. */
  async function take<T extends Document>(stream: ChangeStream<T>, count: number) {
    const events: ChangeStreamDocument<T>[] = [];
    while (events.length < count) events.push((await stream.next()) as ChangeStreamDocument<T>);
    return events;
  }

  /** Anything `watch()` can be called on. */
  type Watchable = Pick<Db, 'watch'>;

  /**
   * Opens a stream now (the driver sends its aggregate lazily, on the first read) and waits
   * until it is open: the first read is a getMore that waits at most `maxAwaitTimeMS`.
   */
  async function watching(
    target: Watchable,
    pipeline: Document[] = [],
    options: ChangeStreamOptions = {},
  ): Promise<ChangeStream> {
    const stream = tracked(target.watch(pipeline, { maxAwaitTimeMS: 10, ...options }));
    await stream.tryNext();
    return stream;
  }

  it('shows a collection’s inserts, updates, replacements and deletes, in order, as mongod does', async () => {
    const jobs = db.collection('jobs');
    const stream = await watching(jobs);
    await jobs.insertOne({ _id: 1, state: 'ready', tags: ['a', 'b', 'c'] } as Document);
    await jobs.updateOne({ _id: 1 } as Document, {
      $set: { state: 'running', 'lease.owner': 'w1' },
      $pop: { tags: 1 },
    });
    await jobs.replaceOne({ _id: 1 } as Document, { state: 'done' });
    await jobs.deleteOne({ _id: 1 } as Document);
    const events = await take(stream, 4);
    expect(events.map((event) => event.operationType)).toEqual([
      'insert',
      'update',
      'replace',
      'delete',
    ]);
    const [insert, update, replace, deletion] = events as Document[];
    expect(insert).toMatchObject({
      ns: { db: db.databaseName, coll: 'jobs' },
      documentKey: { _id: 1 },
      fullDocument: { _id: 1, state: 'ready', tags: ['a', 'b', 'c'] },
    });
    expect(insert.clusterTime._bsontype).toBe('Timestamp');
    expect(insert.wallTime).toBeInstanceOf(Date);
    expect(update.updateDescription).toEqual({
      updatedFields: { state: 'running', lease: { owner: 'w1' } },
      removedFields: [],
      truncatedArrays: [{ field: 'tags', newSize: 2 }],
    });
    expect(update).not.toHaveProperty('fullDocument');
    expect(replace.fullDocument).toEqual({ _id: 1, state: 'done' });
    expect(deletion).toMatchObject({ documentKey: { _id: 1 } });
    expect(deletion).not.toHaveProperty('fullDocument');
    // Each event's token comes after the one before it, and each event has its own time.
    const times = events.map((event) => (event as Document).clusterTime.toString());
    expect(new Set(times).size).toBe(4);
  });

  it('looks up the current document for updates with fullDocument: updateLookup', async () => {
    const jobs = db.collection('jobs');
    await jobs.insertOne({ _id: 'a', n: 0 } as Document);
    const stream = await watching(jobs, [], { fullDocument: 'updateLookup' });
    await jobs.updateOne({ _id: 'a' } as Document, { $inc: { n: 1 } });
    await jobs.updateOne({ _id: 'a' } as Document, { $inc: { n: 1 } });
    const [first, second] = (await take(stream, 2)) as Document[];
    // The lookup is made when the event is read: both see the document as it is now.
    expect(first.fullDocument).toEqual({ _id: 'a', n: 2 });
    expect(second.fullDocument).toEqual({ _id: 'a', n: 2 });
    expect(first.updateDescription.updatedFields).toEqual({ n: 1 });
  });

  it('watches a database, or the whole deployment but for its internal databases', async () => {
    const other = client.db(`${db.databaseName}_other`);
    const dbStream = await watching(db);
    const clusterStream = await watching(client);
    await db.collection('a').insertOne({ x: 1 });
    await other.collection('b').insertOne({ x: 2 });
    await client.db('admin').command({ ping: 1 });
    await db.collection('c').insertOne({ x: 3 });
    const seenByDb = (await take(dbStream, 2)) as Document[];
    expect(seenByDb.map((event) => event.ns)).toEqual([
      { db: db.databaseName, coll: 'a' },
      { db: db.databaseName, coll: 'c' },
    ]);
    const seenByCluster = (await take(clusterStream, 3)) as Document[];
    expect(seenByCluster.map((event) => event.fullDocument.x)).toEqual([1, 2, 3]);
  });

  it('ends a collection’s stream with invalidate when the collection is dropped', async () => {
    const jobs = db.collection('jobs');
    await jobs.insertOne({ _id: 1 } as Document);
    const stream = await watching(jobs);
    await jobs.drop();
    const [drop, invalidate] = (await take(stream, 2)) as Document[];
    expect(drop).toMatchObject({
      operationType: 'drop',
      ns: { db: db.databaseName, coll: 'jobs' },
    });
    expect(invalidate.operationType).toBe('invalidate');
    expect(invalidate._id).not.toEqual(drop._id);
    await expect(stream.tryNext()).resolves.toBeNull();
    expect(stream.closed).toBe(true);
  });

  it('shows a rename with where the collection went, then invalidates', async () => {
    const jobs = db.collection('jobs');
    await jobs.insertOne({ _id: 1 } as Document);
    const stream = await watching(jobs);
    await jobs.rename('jobs_archive');
    const [rename, invalidate] = (await take(stream, 2)) as Document[];
    expect(rename).toMatchObject({
      operationType: 'rename',
      ns: { db: db.databaseName, coll: 'jobs' },
      to: { db: db.databaseName, coll: 'jobs_archive' },
    });
    expect(invalidate.operationType).toBe('invalidate');
  });

  it('ends a database’s stream after its drops and dropDatabase', async () => {
    await db.collection('a').insertOne({});
    await db.collection('b').insertOne({});
    const stream = await watching(db);
    await db.dropDatabase();
    const events = (await take(stream, 4)) as Document[];
    expect(events.map((event) => event.operationType).sort()).toEqual(
      ['drop', 'drop', 'dropDatabase', 'invalidate'].sort(),
    );
    expect(events.slice(2).map((event) => event.operationType)).toEqual([
      'dropDatabase',
      'invalidate',
    ]);
  });

  it('resumes after a token, starts after an invalidate, and starts at an operation time', async () => {
    const jobs = db.collection('jobs');
    const first = await watching(jobs);
    const inserted = await jobs.insertOne({ _id: 1 } as Document);
    expect(inserted.acknowledged).toBe(true);
    const [one] = await take(first, 1);
    const token: ResumeToken = one._id;
    await jobs.insertMany([{ _id: 2 }, { _id: 3 }] as Document[]);

    const resumed = tracked(jobs.watch([], { resumeAfter: token, maxAwaitTimeMS: 10 }));
    expect(((await take(resumed, 2)) as Document[]).map((e) => e.documentKey._id)).toEqual([2, 3]);

    const operationTime = one.clusterTime;
    const atTime = tracked(
      jobs.watch([], { startAtOperationTime: operationTime, maxAwaitTimeMS: 10 }),
    );
    expect(((await take(atTime, 3)) as Document[]).map((e) => e.documentKey._id)).toEqual([
      1, 2, 3,
    ]);

    await jobs.drop();
    const [, invalidate] = (await take(resumed, 2)) as Document[];
    expect(invalidate.operationType).toBe('invalidate');
    await jobs.insertOne({ _id: 4 } as Document);
    const after = tracked(jobs.watch([], { startAfter: invalidate._id, maxAwaitTimeMS: 10 }));
    expect(((await take(after, 1)) as Document[])[0].documentKey).toEqual({ _id: 4 });

    const refused = await refusal(
      db.command({
        aggregate: 'jobs',
        pipeline: [{ $changeStream: { resumeAfter: invalidate._id } }],
        cursor: {},
      }),
    );
    expect(refused).toMatchObject({ code: 260, codeName: 'InvalidResumeToken' });
  });

  it('answers a postBatchResumeToken with every batch, moving on past filtered changes', async () => {
    const jobs = db.collection('jobs');
    const opening = await db.command({
      aggregate: 'jobs',
      pipeline: [{ $changeStream: {} }, { $match: { 'fullDocument.wanted': true } }],
      cursor: {},
    });
    const { id, postBatchResumeToken: before } = opening.cursor;
    expect(before._data).toEqual(expect.any(String));
    await jobs.insertOne({ wanted: false });
    const more = await db.command({ getMore: id, collection: 'jobs', maxTimeMS: 0 });
    expect(more.cursor.nextBatch).toEqual([]);
    expect(more.cursor.postBatchResumeToken._data > before._data).toBe(true);
    await db.command({ killCursors: 'jobs', cursors: [id] });
  });

  it('holds a getMore until a change arrives, instead of answering empty at once', async () => {
    const opening = await db.command({
      aggregate: 'jobs',
      pipeline: [{ $changeStream: {} }],
      cursor: {},
    });
    const held = db.command({ getMore: opening.cursor.id, collection: 'jobs', maxTimeMS: 60_000 });
    // Sent before the insert: it is answered with the change only if it waited for it.
    await db.collection('jobs').insertOne({ _id: 'wake' } as Document);
    const reply = await held;
    expect(reply.cursor.nextBatch.map((event: Document) => event.documentKey)).toEqual([
      { _id: 'wake' },
    ]);
    await db.command({ killCursors: 'jobs', cursors: [opening.cursor.id] });
  });

  it('fails a stream whose pipeline changes the resume token, never to be resumed', async () => {
    const jobs = db.collection('jobs');
    const stream = await watching(jobs, [{ $project: { _id: 0 } }]);
    await jobs.insertOne({});
    const error = await refusal(stream.next());
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 280, codeName: 'ChangeStreamFatalError' });
    expect(error.errorLabels).toContain('NonResumableChangeStreamError');
  });

  it('resumes through a getMore that fails with a resumable error, losing no event', async () => {
    const jobs = db.collection('jobs');
    const stream = await watching(jobs);
    await client.db('admin').command({
      configureFailPoint: 'failGetMoreAfterCursorCheckout',
      mode: { times: 1 },
      data: { errorCode: 262 },
    });
    await jobs.insertOne({ _id: 'after-failure' } as Document);
    const [event] = (await take(stream, 1)) as Document[];
    expect(event.documentKey).toEqual({ _id: 'after-failure' });
    const { count } = await client
      .db('admin')
      .command({ configureFailPoint: 'failGetMoreAfterCursorCheckout', mode: 'off' });
    expect(count).toBe(1);
  });

  it('labels a resumable getMore failure, and closes its cursor', async () => {
    const opening = await db.command({
      aggregate: 'jobs',
      pipeline: [{ $changeStream: {} }],
      cursor: {},
    });
    await client.db('admin').command({
      configureFailPoint: 'failGetMoreAfterCursorCheckout',
      mode: { times: 1 },
      // Not a state-change code: the driver would then wait for its monitor to see a primary.
      data: { errorCode: 234 },
    });
    const failed = await refusal(
      db.command({ getMore: opening.cursor.id, collection: 'jobs', maxTimeMS: 0 }),
    );
    expect(failed).toMatchObject({ code: 234 });
    expect(failed.errorLabels).toContain('ResumableChangeStreamError');
    const gone = await refusal(
      db.command({ getMore: opening.cursor.id, collection: 'jobs', maxTimeMS: 0 }),
    );
    expect(gone.code).toBe(43);
  });

  it.each([
    ['an unknown stage', [{ $unsupported: 'foo' }], 40324],
    ['a stage that needs every event', [{ $group: { _id: null } }], 20],
    ['a second $changeStream', [{ $changeStream: {} }], 40602],
  ])('refuses %s after $changeStream', async (_case, stages, code) => {
    const error = await refusal(
      db.command({ aggregate: 'jobs', pipeline: [{ $changeStream: {} }, ...stages], cursor: {} }),
    );
    expect(error.code).toBe(code);
  });

  it.each([
    ['an unknown option', { nope: 1 }, 40415],
    ['an unknown fullDocument', { fullDocument: 'sometimes' }, 2],
    ['two start options', { resumeAfter: { _data: '00' }, startAtOperationTime: 1 }, 40674],
    ['a token this server never issued', { resumeAfter: { _data: 'zz' } }, 2],
  ])('refuses %s in $changeStream', async (_case, spec, code) => {
    const error = await refusal(
      db.command({ aggregate: 'jobs', pipeline: [{ $changeStream: spec }], cursor: {} }),
    );
    expect(error.code).toBe(code);
  });

  it('refuses a database stream on admin, and a deployment stream elsewhere', async () => {
    const onAdmin = await refusal(
      client.db('admin').command({ aggregate: 1, pipeline: [{ $changeStream: {} }], cursor: {} }),
    );
    expect(onAdmin.code).toBe(73);
    const wide = await refusal(
      db.command({
        aggregate: 1,
        pipeline: [{ $changeStream: { allChangesForCluster: true } }],
        cursor: {},
      }),
    );
    expect(wide.code).toBe(73);
  });
});

describe('change streams on a standalone', () => {
  it('are refused with 40573, as mongod refuses them', async () => {
    const server = await startStandIn();
    const client = new MongoClient(server.uri);
    try {
      const error = await refusal(client.db('standalone').collection('jobs').watch().next());
      expect(error).toMatchObject({ code: 40573 });
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
