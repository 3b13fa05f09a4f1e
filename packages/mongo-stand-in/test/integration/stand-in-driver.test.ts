/**
 * The whole stand-in (wire layer + storage engine) through the official driver, on the
 * behaviours Docket relies on: atomic claims under concurrency, unique and partial unique
 * indexes, cursors across batches, and the refusals of a standalone mongod.
 */
import { Long, MongoBulkWriteError, MongoClient, MongoServerError, type Document } from 'mongodb';
import { startStandIn, type StandInServer } from '../../src/start-stand-in';

// One describe block, so that its afterAll runs before the leak check's top-level afterAll.
describe('stand-in through the driver', () => {
  let server: StandInServer;
  let client: MongoClient;

  beforeAll(async () => {
    server = await startStandIn();
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('gives a mongodb:// URI for a direct connection on the loopback interface', () => {
    expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/?directConnection=true`);
  });

  it('completes the driver handshake and answers ping and buildInfo', async () => {
    const admin = client.db('admin');
    await expect(admin.command({ ping: 1 })).resolves.toEqual({ ok: 1 });
    await expect(admin.command({ buildInfo: 1 })).resolves.toMatchObject({
      version: '7.0.0',
      versionArray: [7, 0, 0, 0],
    });
  });

  describe('atomic claims', () => {
    it('lets 50 concurrent callers on 50 connections claim 500 documents, each exactly once', async () => {
      const jobs = client
        .db('claims')
        .collection<{ _id: number; state: string; owner?: string }>('jobs');
      await jobs.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: i, state: 'waiting' })));
      const connectionsBefore = (await client.db('admin').command({ serverStatus: 1 })).connections
        .totalCreated as number;

      // Five clients with ten connections each: fifty claims are on the wire at once.
      const clients = Array.from(
        { length: 5 },
        () => new MongoClient(server.uri, { maxPoolSize: 10 }),
      );
      try {
        await Promise.all(clients.map((c) => c.connect()));
        const claims = new Map<number, string[]>();
        const claimer = async (owner: string, worker: MongoClient): Promise<void> => {
          const collection = worker.db('claims').collection<{ _id: number; state: string }>('jobs');
          for (;;) {
            const claimed = await collection.findOneAndUpdate(
              { state: 'waiting' },
              { $set: { state: 'claimed', owner } },
              { returnDocument: 'after' },
            );
            if (claimed === null) return;
            expect(claimed).toMatchObject({ state: 'claimed', owner });
            claims.set(claimed._id, [...(claims.get(claimed._id) ?? []), owner]);
          }
        };
        await Promise.all(
          Array.from({ length: 50 }, (_, i) => claimer(`worker-${i}`, clients[i % clients.length])),
        );

        expect(claims.size).toBe(500);
        expect([...claims.values()].every((owners) => owners.length === 1)).toBe(true);
        const stored = await jobs.find({}).toArray();
        expect(stored).toHaveLength(500);
        for (const job of stored) {
          expect(job.state).toBe('claimed');
          expect(job.owner).toBe(claims.get(job._id)?.[0]);
        }
        const owners = new Set([...claims.values()].map((o) => o[0]));
        expect(owners.size).toBeGreaterThan(1);
        const connectionsAfter = (await client.db('admin').command({ serverStatus: 1 })).connections
          .totalCreated as number;
        expect(connectionsAfter - connectionsBefore).toBeGreaterThanOrEqual(10);
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    });
  });

  describe('unique indexes', () => {
    it('rejects a duplicate key with code 11000, keyPattern and keyValue', async () => {
      const users = client.db('unique').collection('users');
      await users.createIndex({ email: 1 }, { unique: true });
      await users.insertOne({ email: 'a@example.com' });

      const error = await users.insertOne({ email: 'a@example.com' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({
        code: 11000,
        keyPattern: { email: 1 },
        keyValue: { email: 'a@example.com' },
      });
      expect((error as Error).message).toMatch(/E11000 duplicate key error/);

      const bulk = await users
        .insertMany([{ email: 'b@example.com' }, { email: 'b@example.com' }])
        .catch((e: unknown) => e);
      expect(bulk).toBeInstanceOf(MongoBulkWriteError);
      expect((bulk as MongoBulkWriteError).code).toBe(11000);
      expect((bulk as MongoBulkWriteError).insertedCount).toBe(1);

      const update = await users
        .updateOne({ email: 'b@example.com' }, { $set: { email: 'a@example.com' } })
        .catch((e: unknown) => e);
      expect(update).toMatchObject({ code: 11000 });
      expect(await users.countDocuments({})).toBe(2);
    });

    it('enforces a partial unique index only on documents its filter selects', async () => {
      const jobs = client.db('unique').collection('jobs');
      await jobs.createIndex(
        { key: 1 },
        {
          unique: true,
          partialFilterExpression: { state: 'waiting' },
          name: 'one_waiting_per_key',
        },
      );
      await jobs.insertMany([
        { key: 'k', state: 'done' },
        { key: 'k', state: 'done' },
        { key: 'k', state: 'waiting' },
      ]);
      const error = await jobs.insertOne({ key: 'k', state: 'waiting' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 11000, keyPattern: { key: 1 }, keyValue: { key: 'k' } });
      await expect(
        jobs.updateOne({ key: 'k', state: 'done' }, { $set: { state: 'waiting' } }),
      ).rejects.toMatchObject({ code: 11000 });
      await jobs.updateOne({ key: 'k', state: 'waiting' }, { $set: { state: 'done' } });
      await expect(jobs.insertOne({ key: 'k', state: 'waiting' })).resolves.toMatchObject({
        acknowledged: true,
      });
      const indexes = await jobs.listIndexes().toArray();
      expect(indexes.find((i) => i.name === 'one_waiting_per_key')).toMatchObject({
        unique: true,
        partialFilterExpression: { state: 'waiting' },
      });
    });
  });

  describe('cursors', () => {
    const commands: Document[] = [];
    let monitored: MongoClient;

    beforeAll(async () => {
      monitored = new MongoClient(server.uri, { monitorCommands: true });
      monitored.on('commandStarted', (event) => commands.push(event.command));
      await monitored.connect();
      await monitored
        .db('cursors')
        .collection('items')
        .insertMany(Array.from({ length: 100 }, (_, i) => ({ i })));
    });

    afterAll(async () => {
      await monitored?.close();
    });

    it('iterates 100 documents in batches of 7 through getMore', async () => {
      commands.length = 0;
      const items = await monitored
        .db('cursors')
        .collection('items')
        .find({}, { batchSize: 7, sort: { i: 1 } })
        .toArray();
      expect(items.map((d) => d.i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      const getMores = commands.filter((c) => 'getMore' in c);
      expect(getMores.length).toBeGreaterThanOrEqual(14);
      expect(getMores.length).toBeLessThanOrEqual(15);
      expect(Long.isLong(getMores[0].getMore)).toBe(true);
    });

    it('kills a cursor on close, after which getMore fails with CursorNotFound (43)', async () => {
      commands.length = 0;
      const cursor = monitored.db('cursors').collection('items').find({}, { batchSize: 7 });
      await cursor.next();
      const id = cursor.id;
      expect(id?.isZero()).toBe(false);
      await cursor.close();
      const kill = commands.find((c) => 'killCursors' in c);
      expect(kill?.cursors).toEqual([id]);
      await expect(
        monitored.db('cursors').command({ getMore: id, collection: 'items' }),
      ).rejects.toMatchObject({ code: 43 });
    });
  });

  describe('refusals of a standalone', () => {
    it('refuses transactions with IllegalOperation (20)', async () => {
      const session = client.startSession();
      try {
        session.startTransaction();
        await expect(
          client.db('refusals').collection('c').findOne({}, { session }),
        ).rejects.toMatchObject({
          code: 20,
          message: 'Transaction numbers are only allowed on a replica set member or mongos',
        });
        await session.abortTransaction().catch(() => undefined);
      } finally {
        await session.endSession();
      }
    });

    it('refuses change streams with 40573', async () => {
      const stream = client.db('refusals').collection('c').watch();
      try {
        await expect(stream.tryNext()).rejects.toMatchObject({ code: 40573 });
      } finally {
        await stream.close();
      }
    });

    it('answers an unknown command with CommandNotFound (59) naming it', async () => {
      await expect(client.db('refusals').command({ foo: 1 })).rejects.toMatchObject({
        code: 59,
        codeName: 'CommandNotFound',
        message: "no such command: 'foo'",
      });
    });
  });
});
