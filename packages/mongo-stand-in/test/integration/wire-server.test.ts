/**
 * The stand-in's wire layer (framing, handshake, routing, refusals, fail points, monitor
 * streaming, lifecycle) through the official driver and raw sockets, with a small fake in
 * place of the storage engine so that only this layer is under test.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Long, deserialize, serialize, type Document } from 'bson';
import { MongoClient, MongoServerError, type ServerHeartbeatSucceededEvent } from 'mongodb';
import type { CommandHandler } from '../../src/command-types';
import type { StandInStore } from '../../src/engine/stand-in-store';
import { resolveStandInOptions } from '../../src/stand-in-options';
import { StandInWireServer } from '../../src/stand-in-server';
import { MessageFramer, OpCode, readHeader } from '../../src/wire';
import { waitFor, withDeadline } from './wait-for';
import { opMsg } from './raw-wire-client';

const stored: Document[] = [];
const fakeDataCommands: Record<string, CommandHandler> = {
  insert: (command) => {
    stored.push(...(command.documents as Document[]));
    return { n: (command.documents as Document[]).length };
  },
  find: (command, context) => ({
    cursor: {
      id: Long.fromNumber(0),
      ns: `${context.dbName}.${String(command.find)}`,
      firstBatch: stored,
    },
  }),
  // Only the router's change-stream refusal is under test; the engine provides the real one.
  aggregate: () => ({ cursor: { id: Long.fromNumber(0), ns: 'x.c', firstBatch: [] } }),
  explode: () => {
    throw new Error('kaboom');
  },
};
const expireTtl = jest.fn<void, [Date]>();
const fakeStore = { expireTtl } as unknown as StandInStore;

// Everything sits in one describe block: its afterAll then runs before the leak check's
// top-level afterAll (jest runs same-level afterAll hooks in declaration order).
describe('stand-in wire server', () => {
  let server: StandInWireServer;
  let client: MongoClient;

  beforeAll(async () => {
    server = new StandInWireServer(resolveStandInOptions({ ttlMonitorIntervalMs: 20 }), {
      store: fakeStore,
      dataCommands: fakeDataCommands,
    });
    await server.start();
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  describe('handshake and admin commands', () => {
    it('answers hello as a standalone mongod 7.0', async () => {
      const hello = await client.db('admin').command({ hello: 1 });
      expect(hello).toMatchObject({
        isWritablePrimary: true,
        maxBsonObjectSize: 16_777_216,
        maxMessageSizeBytes: 48_000_000,
        maxWriteBatchSize: 100_000,
        logicalSessionTimeoutMinutes: 30,
        minWireVersion: 0,
        maxWireVersion: 21,
        readOnly: false,
        ok: 1,
      });
      expect(hello.localTime).toBeInstanceOf(Date);
      expect(typeof hello.connectionId).toBe('number');
      expect(hello.topologyVersion.processId).toBeDefined();
      expect(hello).not.toHaveProperty('setName');
      expect(hello).not.toHaveProperty('msg');
      expect(hello).not.toHaveProperty('ismaster');

      const legacy = await client.db('admin').command({ isMaster: 1, helloOk: true });
      expect(legacy).toMatchObject({ ismaster: true, helloOk: true });
      expect(legacy).not.toHaveProperty('isWritablePrimary');
    });

    it('is seen by the driver as a standalone', () => {
      const servers = [...client.options.hosts];
      expect(servers).toHaveLength(1);
      // `directConnection=true` + no setName: the driver's description says Standalone.
      const description = (
        client as unknown as {
          topology: { description: { servers: Map<string, { type: string }> } };
        }
      ).topology.description;
      expect([...description.servers.values()].map((s) => s.type)).toEqual(['Standalone']);
    });

    it('answers ping, buildInfo, getParameter, whatsmyuri and connectionStatus', async () => {
      const admin = client.db('admin');
      await expect(admin.command({ ping: 1 })).resolves.toEqual({ ok: 1 });
      const buildInfo = await admin.command({ buildInfo: 1 });
      expect(buildInfo).toMatchObject({
        version: '7.0.0',
        gitVersion: 'docket-stand-in',
        versionArray: [7, 0, 0, 0],
        bits: 64,
        maxBsonObjectSize: 16_777_216,
        storageEngines: ['stand-in'],
      });
      await expect(admin.command({ buildinfo: 1 })).resolves.toMatchObject({ version: '7.0.0' });
      await expect(
        admin.command({ getParameter: 1, featureCompatibilityVersion: 1 }),
      ).resolves.toMatchObject({
        featureCompatibilityVersion: { version: '7.0' },
      });
      await expect(admin.command({ whatsmyuri: 1 })).resolves.toMatchObject({
        you: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      });
      await expect(admin.command({ connectionStatus: 1 })).resolves.toMatchObject({
        authInfo: { authenticatedUsers: [] },
      });
      await expect(admin.command({ getLog: 'global' })).resolves.toMatchObject({ log: [] });
      await expect(admin.command({ hostInfo: 1 })).resolves.toMatchObject({
        system: { cpuAddrSize: 64 },
      });
      await expect(admin.command({ getCmdLineOpts: 1 })).resolves.toMatchObject({ parsed: {} });
    });

    it('counts operations and connections in serverStatus', async () => {
      const db = client.db('status');
      const before = (await db.command({ serverStatus: 1 })).opcounters;
      await db.collection('c').insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
      await db.collection('c').find({}).toArray();
      const status = await db.command({ serverStatus: 1 });
      expect(status.opcounters.insert - before.insert).toBe(3);
      expect(status.opcounters.query - before.query).toBe(1);
      expect(status.opcounters.command - before.command).toBeGreaterThanOrEqual(1);
      expect(status.connections.current).toBeGreaterThanOrEqual(1);
      expect(status.connections.totalCreated).toBeGreaterThanOrEqual(status.connections.current);
      expect(status.uptime).toBeGreaterThanOrEqual(0);
    });
  });

  describe('unacknowledged writes', () => {
    it('executes a moreToCome (w: 0) write without replying, then answers the next command', async () => {
      const before = stored.length;
      const collection = client.db('w0').collection('c');
      await collection.insertOne({ fireAndForget: true }, { writeConcern: { w: 0 } });
      // Same connection pool, commands in order: the ping is answered after the insert ran.
      await client.db('admin').command({ ping: 1 });
      await waitFor('the unacknowledged insert', () => stored.length === before + 1);
      expect(stored[stored.length - 1]).toMatchObject({ fireAndForget: true });
    });
  });

  describe('refusals and errors', () => {
    it('answers an unknown command with CommandNotFound (59) naming it', async () => {
      const error = await client
        .db('x')
        .command({ foo: 1 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
      expect((error as Error).message).toBe("no such command: 'foo'");
    });

    it('turns an unexpected handler error into InternalError (1)', async () => {
      await expect(client.db('x').command({ explode: 1 })).rejects.toMatchObject({
        code: 1,
        codeName: 'InternalError',
        message: 'kaboom',
      });
    });

    it('refuses transactions as a standalone does (IllegalOperation, 20)', async () => {
      const collection = client.db('x').collection('c');
      const session = client.startSession();
      try {
        session.startTransaction();
        // A read in a transaction surfaces the server's error as it is.
        await expect(collection.findOne({}, { session })).rejects.toMatchObject({
          code: 20,
          codeName: 'IllegalOperation',
          message: 'Transaction numbers are only allowed on a replica set member or mongos',
        });
        await session.abortTransaction().catch(() => undefined);

        // For a write, the driver wraps code 20 in its "does not support retryable writes"
        // error and keeps the server's reply as `originalError`, as against a real standalone.
        session.startTransaction();
        const error = await collection.insertOne({ a: 1 }, { session }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MongoServerError);
        expect((error as Error).message).toContain('does not support retryable writes');
        expect((error as { originalError?: unknown }).originalError).toMatchObject({
          code: 20,
          message: 'Transaction numbers are only allowed on a replica set member or mongos',
        });
        await session.abortTransaction().catch(() => undefined);
      } finally {
        await session.endSession();
      }
      await expect(client.db('admin').command({ commitTransaction: 1 })).rejects.toMatchObject({
        code: 20,
      });
    });

    it('refuses change streams (40573) and replSetGetStatus (76)', async () => {
      const stream = client.db('x').collection('c').watch();
      try {
        await expect(stream.tryNext()).rejects.toMatchObject({ code: 40573 });
      } finally {
        await stream.close();
      }
      await expect(client.db('admin').command({ replSetGetStatus: 1 })).rejects.toMatchObject({
        code: 76,
        codeName: 'NoReplicationEnabled',
        message: 'not running with --replSet',
      });
    });

    it('runs admin-only commands against admin only', async () => {
      await expect(
        client.db('x').command({ getParameter: 1, featureCompatibilityVersion: 1 }),
      ).rejects.toMatchObject({
        code: 13,
      });
    });
  });

  describe('failCommand fail point', () => {
    const admin = (): ReturnType<MongoClient['db']> => client.db('admin');
    afterEach(async () => {
      await admin().command({ configureFailPoint: 'failCommand', mode: 'off' });
    });

    it('fails the named command the given number of times with errorCode and labels', async () => {
      await admin().command({
        configureFailPoint: 'failCommand',
        mode: { times: 1 },
        data: { failCommands: ['ping'], errorCode: 91, errorLabels: ['Custom'] },
      });
      const error = await admin()
        .command({ ping: 1 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 91, codeName: 'ShutdownInProgress' });
      expect((error as MongoServerError).hasErrorLabel('Custom')).toBe(true);
      await expect(admin().command({ ping: 1 })).resolves.toEqual({ ok: 1 });
    });

    it('closes the connection with closeConnection, and blocks it with blockConnection', async () => {
      await admin().command({
        configureFailPoint: 'failCommand',
        mode: { times: 1 },
        data: { failCommands: ['buildInfo'], closeConnection: true },
      });
      await expect(admin().command({ buildInfo: 1 })).rejects.toMatchObject({
        name: 'MongoNetworkError',
      });

      await admin().command({
        configureFailPoint: 'failCommand',
        mode: { times: 1 },
        data: { failCommands: ['buildInfo'], blockConnection: true, blockTimeMS: 150 },
      });
      const started = Date.now();
      await expect(admin().command({ buildInfo: 1 })).resolves.toMatchObject({ ok: 1 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('attaches a writeConcernError after running the command', async () => {
      await admin().command({
        configureFailPoint: 'failCommand',
        mode: { times: 1 },
        data: { failCommands: ['insert'], writeConcernError: { code: 100, errmsg: 'wc failed' } },
      });
      const reply = await client
        .db('x')
        .command({ insert: 'c', documents: [{ a: 1 }] })
        .catch((e: unknown) => e);
      // The driver surfaces a writeConcernError of a runCommand as a MongoWriteConcernError.
      expect(reply).toMatchObject({ code: 100 });
    });
  });

  describe('streaming monitor', () => {
    it('holds awaitable hellos and streams them with moreToCome, without resetting the pool', async () => {
      const monitored = new MongoClient(server.uri, { heartbeatFrequencyMS: 500 });
      const awaited: ServerHeartbeatSucceededEvent[] = [];
      let poolCleared = 0;
      let failures = 0;
      monitored.on('serverHeartbeatSucceeded', (event) => {
        if (event.awaited) awaited.push(event);
      });
      monitored.on('serverHeartbeatFailed', () => (failures += 1));
      monitored.on('connectionPoolCleared', () => (poolCleared += 1));
      try {
        await monitored.connect();
        await waitFor('three streamed heartbeats', () => awaited.length >= 3, 5_000);
        // Each streamed reply arrives about maxAwaitTimeMS (500 ms) after the previous one.
        expect(awaited[2].duration).toBeGreaterThanOrEqual(0);
        expect(failures).toBe(0);
        expect(poolCleared).toBe(0);
        await expect(monitored.db('admin').command({ ping: 1 })).resolves.toEqual({ ok: 1 });
      } finally {
        await monitored.close();
      }
    });
  });

  describe('raw wire', () => {
    let socket: Socket;
    let framer: MessageFramer;
    let replies: Buffer[];

    beforeEach(async () => {
      socket = connect(server.port, '127.0.0.1');
      socket.setNoDelay(true);
      framer = new MessageFramer();
      replies = [];
      socket.on('data', (chunk: Buffer) => replies.push(...framer.push(chunk)));
      await once(socket, 'connect');
    });

    afterEach(() => {
      socket.destroy();
    });

    function opQuery(requestId: number, query: Document): Buffer {
      const name = Buffer.from('admin.$cmd\0');
      const body = Buffer.concat([
        Buffer.alloc(4),
        name,
        Buffer.alloc(8),
        Buffer.from(serialize(query)),
      ]);
      const header = Buffer.alloc(16);
      header.writeInt32LE(16 + body.length, 0);
      header.writeInt32LE(requestId, 4);
      header.writeInt32LE(OpCode.query, 12);
      return Buffer.concat([header, body]);
    }

    const write = (bytes: Buffer): Promise<void> =>
      new Promise((resolve, reject) =>
        socket.write(bytes, (error) => (error ? reject(error) : resolve())),
      );

    function bodyOf(reply: Buffer): Document {
      return reply.readInt32LE(12) === OpCode.reply
        ? deserialize(reply.subarray(36))
        : deserialize(reply.subarray(21));
    }

    it('answers a legacy OP_QUERY isMaster with OP_REPLY and refuses other OP_QUERY commands', async () => {
      await write(
        Buffer.concat([opQuery(1, { isMaster: 1, helloOk: true }), opQuery(2, { find: 'c' })]),
      );
      await waitFor('two replies', () => replies.length === 2);
      expect(readHeader(replies[0])).toMatchObject({ opCode: OpCode.reply, responseTo: 1 });
      expect(bodyOf(replies[0])).toMatchObject({
        ismaster: true,
        helloOk: true,
        maxWireVersion: 21,
        ok: 1,
      });
      expect(bodyOf(replies[1])).toMatchObject({ ok: 0, code: 352 });
    });

    it('parses a message split across TCP writes', async () => {
      const message = opMsg(7, { ping: 1, $db: 'admin' });
      await write(message.subarray(0, 3));
      await write(message.subarray(3, 25));
      await write(message.subarray(25));
      await waitFor('a reply', () => replies.length === 1);
      expect(readHeader(replies[0])).toMatchObject({ opCode: OpCode.msg, responseTo: 7 });
      expect(bodyOf(replies[0])).toEqual({ ok: 1 });
    });

    it('answers two messages sent in one write, in order', async () => {
      await write(
        Buffer.concat([opMsg(11, { ping: 1, $db: 'admin' }), opMsg(12, { foo: 1, $db: 'admin' })]),
      );
      await waitFor('two replies', () => replies.length === 2);
      expect(replies.map((r) => readHeader(r).responseTo)).toEqual([11, 12]);
      expect(bodyOf(replies[1])).toMatchObject({ ok: 0, code: 59 });
    });

    it('requires $db on OP_MSG', async () => {
      await write(opMsg(13, { ping: 1 }));
      await waitFor('a reply', () => replies.length === 1);
      expect(bodyOf(replies[0])).toMatchObject({ ok: 0, code: 40571 });
    });

    it('hangs up on an invalid message length', async () => {
      const closed = once(socket, 'close');
      const bad = Buffer.alloc(16);
      bad.writeInt32LE(48_000_001, 0);
      await write(bad);
      await withDeadline('the server to close the socket', closed);
      expect(replies).toHaveLength(0);
    });
  });

  describe('TTL monitor and lifecycle', () => {
    it('calls store.expireTtl periodically with the current time', async () => {
      await waitFor('two TTL passes', () => expireTtl.mock.calls.length >= 2, 5_000);
      expect(expireTtl.mock.calls[0][0]).toBeInstanceOf(Date);
    });

    it('stops idempotently, closing open connections and the listener', async () => {
      const other = new StandInWireServer(resolveStandInOptions(), {
        store: fakeStore,
        dataCommands: {},
      });
      await other.start();
      expect(other.port).toBeGreaterThan(0);
      const otherClient = new MongoClient(other.uri, { serverSelectionTimeoutMS: 1_000 });
      try {
        await otherClient.connect();
        await waitFor('the client connections', () => other.connectionCount > 0);
        const first = other.stop();
        expect(other.stop()).toBe(first);
        await first;
        expect(other.connectionCount).toBe(0);
        await expect(otherClient.db('admin').command({ ping: 1 })).rejects.toThrow();
      } finally {
        await otherClient.close();
      }
    });
  });
});
