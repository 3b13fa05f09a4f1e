/**
 * The stand-in's replica-set mode: the primary of a one-member set, as production runs
 * MongoDB. Drivers connect to it by set name, see cluster time on every reply, and retry
 * writes: a retried write is applied once. Before this mode the stand-in was a standalone
 * only, so nothing of a replica set could be tested.
 */
import { Long, MongoClient, type Db, type Document } from 'mongodb';
import { startStandIn, type StandInServer } from '../../src/start-stand-in';
import { refusal } from './driver-fixture';
import { RawWireClient } from './raw-wire-client';

describe('replica-set mode', () => {
  let server: StandInServer;
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    server = await startStandIn({ replicaSet: 'rs0' });
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    handClient = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await handClient.connect();
    db = client.db('replica_set_mode');
  });

  afterAll(async () => {
    await client?.close();
    await handClient?.close();
    await server?.stop();
  });

  /**
   * Runs commands as they are in an explicit session (the driver puts its `lsid` on them).
   * Their `txnNumber`s come from {@link nextTxnNumber}, and they go through a client of their
   * own: the driver pools ended sessions, and its own retryable writes on a session whose
   * numbers a test advanced by hand would be refused as too old, as mongod would.
   */
  async function inSession<T>(use: (run: (command: Document) => Promise<Document>) => Promise<T>) {
    const session = handClient.startSession();
    try {
      return await use((command) =>
        handClient.db('replica_set_mode').command(command, { session }),
      );
    } finally {
      await session.endSession();
    }
  }
  let handClient: MongoClient;
  let txnNumber = 0;
  const nextTxnNumber = () => Long.fromNumber((txnNumber += 10));

  it('is found by set name and answers hello as the primary of a one-member set', async () => {
    expect(server.uri).toMatch(/\?replicaSet=rs0$/);
    const hello = await db.admin().command({ hello: 1 });
    const host = `127.0.0.1:${server.port}`;
    expect(hello).toMatchObject({
      setName: 'rs0',
      hosts: [host],
      primary: host,
      me: host,
      isWritablePrimary: true,
      secondary: false,
      setVersion: 1,
    });
    expect(hello.lastWrite.opTime.ts).toBeDefined();
    const status = await db.admin().command({ replSetGetStatus: 1 });
    expect(status.members).toEqual([expect.objectContaining({ stateStr: 'PRIMARY', self: true })]);
  });

  it('gossips a cluster time that every write advances', async () => {
    const first = await db.command({ insert: 'clock', documents: [{ n: 1 }] });
    const second = await db.command({ insert: 'clock', documents: [{ n: 2 }] });
    expect(first.$clusterTime.clusterTime).toEqual(first.operationTime);
    expect(second.operationTime.greaterThan(first.operationTime)).toBe(true);
    // Unsigned: the stand-in has no keys (mongod without authentication sends a zeroed hash).
    expect(second.$clusterTime).toEqual({ clusterTime: second.operationTime });
    const read = await db.command({ find: 'clock' });
    expect(read.operationTime).toEqual(second.operationTime);
    const failed = await db.command({ find: 1 }).catch((error: Document) => error);
    expect(failed.errorResponse?.$clusterTime ?? failed.$clusterTime).toBeDefined();
  });

  it('applies a retried insert once and returns its first reply', async () => {
    const insert = { insert: 'retried', documents: [{ _id: 1 }], txnNumber: nextTxnNumber() };
    const [first, again] = await inSession(async (run) => [await run(insert), await run(insert)]);
    expect(first.n).toBe(1);
    expect(again.n).toBe(1);
    expect(again.writeErrors).toBeUndefined();
    expect(await db.collection('retried').countDocuments()).toBe(1);
  });

  it('returns the first reply of a retried findAndModify without applying it twice', async () => {
    await db.collection('counter').insertOne({ _id: 'c', n: 0 } as Document);
    const command = {
      findAndModify: 'counter',
      query: { _id: 'c' },
      update: { $inc: { n: 1 } },
      new: true,
      txnNumber: nextTxnNumber(),
    };
    await inSession(async (run) => {
      const first = await run(command);
      const again = await run(command);
      expect(again.value).toEqual({ _id: 'c', n: 1 });
      expect(again.value).toEqual(first.value);
      const older = await refusal(run({ ...command, txnNumber: command.txnNumber.subtract(1) }));
      expect(older).toMatchObject({ code: 225, codeName: 'TransactionTooOld' });
    });
    expect(await db.collection('counter').findOne({ _id: 'c' } as Document)).toEqual({
      _id: 'c',
      n: 1,
    });
  });

  it('labels a retryable failure so that the driver retries it, and the retry applies once', async () => {
    await db.admin().command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['insert'], errorCode: 189 },
    });
    const raw = await inSession((run) =>
      run({ insert: 'labelled', documents: [{ _id: 1 }], txnNumber: nextTxnNumber() }).catch(
        (error: Document) => error,
      ),
    );
    expect(raw).toMatchObject({ code: 189, errorLabels: ['RetryableWriteError'] });
    await db.admin().command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['insert'], errorCode: 262 },
    });
    await db.collection('labelled').insertOne({ _id: 2 } as Document);
    expect(await db.collection('labelled').countDocuments()).toBe(1);
  });

  it("matches a getMore's namespace by the collection its cursor reads, as mongod does", async () => {
    const coll = db.collection('paged');
    await coll.insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const failGetMore = (namespace: string) =>
      db.admin().command({
        configureFailPoint: 'failCommand',
        mode: { times: 1 },
        data: { failCommands: ['getMore'], errorCode: 2, namespace },
      });
    await failGetMore(`${db.databaseName}.other`);
    await expect(coll.find({}, { batchSize: 1 }).toArray()).resolves.toHaveLength(3);
    await failGetMore(`${db.databaseName}.paged`);
    await expect(coll.find({}, { batchSize: 1 }).toArray()).rejects.toMatchObject({ code: 2 });
  });

  it('refuses what a one-member set cannot satisfy, and what the stand-in does not yet do', async () => {
    const two = await refusal(
      db.command({ insert: 'wc', documents: [{}], writeConcern: { w: 2 } }),
    );
    expect(two.code).toBe(100);
    const tag = await refusal(
      db.command({ insert: 'wc', documents: [{}], writeConcern: { w: 'dc1' } }),
    );
    expect(tag.code).toBe(79);
    await expect(
      db.command({ insert: 'wc', documents: [{}], writeConcern: { w: 'majority' } }),
    ).resolves.toMatchObject({ n: 1 });
    await inSession(async (run) => {
      const multi = await refusal(
        run({
          update: 'wc',
          updates: [{ q: {}, u: { $set: { x: 1 } }, multi: true }],
          txnNumber: nextTxnNumber(),
        }),
      );
      expect(multi.code).toBe(72);
      // A replica set runs transactions (see transactions.test.ts); this one is aborted when
      // its session ends, at the latest when the client closes.
      await expect(
        run({
          insert: 'wc',
          documents: [{}],
          txnNumber: nextTxnNumber(),
          startTransaction: true,
          autocommit: false,
        }),
      ).resolves.toMatchObject({ n: 1 });
    });
  });

  it('returns the first reply when a write applied before its connection closed is retried', async () => {
    await db.admin().command({
      configureFailPoint: 'onPrimaryTransactionalWrite',
      mode: { times: 1 },
    });
    // The insert is applied, its connection closes before the reply, and the driver retries
    // with the same _id and txnNumber: applied twice it would be a duplicate key.
    await db.collection('applied_once').insertOne({ _id: 'once' } as Document);
    expect(await db.collection('applied_once').countDocuments()).toBe(1);
    await db.admin().command({
      configureFailPoint: 'onPrimaryTransactionalWrite',
      mode: { times: 1 },
      data: { closeConnection: false, failBeforeCommitExceptionCode: 91 },
    });
    const failed = await inSession((run) =>
      run({ insert: 'applied_never', documents: [{}], txnNumber: nextTxnNumber() }).catch(
        (error: Document) => error,
      ),
    );
    // The server's reply (the driver adds labels of its own to the error it throws).
    expect(failed.errorResponse).toMatchObject({ code: 91, errorLabels: ['RetryableWriteError'] });
    expect(await db.collection('applied_never').countDocuments()).toBe(0);
  });

  it('reads again at the snapshot a snapshot read answered at, after later writes', async () => {
    const snapshots = db.collection('snapshots');
    await snapshots.insertOne({ _id: 1, n: 1 } as Document);
    const read = await db.command({ find: 'snapshots', readConcern: { level: 'snapshot' } });
    const at = read.cursor.atClusterTime;
    expect(at).toEqual(read.operationTime);
    await snapshots.updateOne({ _id: 1 } as Document, { $set: { n: 2 } });
    await snapshots.insertOne({ _id: 2, n: 1 } as Document);
    const again = await db.command({
      find: 'snapshots',
      readConcern: { level: 'snapshot', atClusterTime: at },
    });
    expect(again.cursor.firstBatch).toEqual([{ _id: 1, n: 1 }]);
    expect(again.cursor.atClusterTime).toEqual(at);
    const distinct = await db.command({
      distinct: 'snapshots',
      key: 'n',
      readConcern: { level: 'snapshot', atClusterTime: at },
    });
    expect(distinct.values).toEqual([1]);
    await expect(snapshots.find().sort({ _id: 1 }).toArray()).resolves.toEqual([
      { _id: 1, n: 2 },
      { _id: 2, n: 1 },
    ]);
  });

  it('refuses a snapshot read at an earlier time it kept no snapshot of (239 SnapshotTooOld)', async () => {
    const { operationTime } = await db
      .collection('snapshots_unkept')
      .insertOne({ n: 1 })
      .then(() => db.command({ ping: 1 }));
    await db.collection('snapshots_unkept').insertOne({ n: 2 });
    const older = await refusal(
      db.command({
        find: 'snapshots_unkept',
        readConcern: { level: 'snapshot', atClusterTime: operationTime },
      }),
    );
    expect(older).toMatchObject({ code: 239, codeName: 'SnapshotTooOld' });
    const count = await refusal(
      db.command({ count: 'snapshots_unkept', readConcern: { level: 'snapshot' } }),
    );
    expect(count.code).toBe(72);
  });

  it('steps down only with force, then serves again as primary in a new term', async () => {
    const refused = await refusal(db.admin().command({ replSetStepDown: 1 }));
    expect(refused).toMatchObject({ code: 262, codeName: 'ExceededTimeLimit' });
    const before = await db.admin().command({ hello: 1 });
    const watcher = new MongoClient(server.uri, { serverSelectionTimeoutMS: 10_000 });
    await watcher.connect();
    const types: string[] = [];
    watcher.on('serverDescriptionChanged', (event) => types.push(event.newDescription.type));
    try {
      await db.admin().command({ replSetStepDown: 1, force: true });
      // Issued while the member is a secondary: refused (10107), which tells the driver (its
      // monitor may have told it first); the driver waits for a primary and retries.
      await watcher.db('replica_set_mode').collection('stepdown').insertOne({ n: 1 });
      expect(types.some((type) => type === 'RSSecondary' || type === 'Unknown')).toBe(true);
      expect(types.at(-1)).toBe('RSPrimary');
      expect(await watcher.db('replica_set_mode').collection('stepdown').countDocuments()).toBe(1);
      const after = await watcher.db('admin').command({ hello: 1 });
      expect(after.isWritablePrimary).toBe(true);
      expect(after.electionId.toHexString() > before.electionId.toHexString()).toBe(true);
    } finally {
      await watcher.close();
    }
  });

  it('refuses writes and primary reads while stepped down', async () => {
    // The member stays a secondary for 5 s, long enough for three commands. (A driver
    // connected directly would send every read as primaryPreferred, which a secondary serves.)
    await db.admin().command({ replSetStepDown: 5, force: true });
    const raw = await RawWireClient.connect(server.port);
    try {
      const $db = 'replica_set_mode';
      await expect(raw.command({ insert: 'down', documents: [{}], $db })).resolves.toMatchObject({
        ok: 0,
        code: 10107,
      });
      await expect(raw.command({ find: 'down', $db })).resolves.toMatchObject({
        ok: 0,
        code: 13435,
      });
      await expect(
        raw.command({ find: 'down', $readPreference: { mode: 'secondaryPreferred' }, $db }),
      ).resolves.toMatchObject({ ok: 1 });
    } finally {
      await raw.close();
    }
  });
});
