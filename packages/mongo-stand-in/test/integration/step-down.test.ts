/**
 * A step-down as mongod ≥ 4.2 has it: the member keeps its clients' connections and cursors,
 * tells their monitors at once (awaitable `hello`), refuses writes with 10107 and a
 * `topologyVersion`, and aborts the transactions in progress. Before, the stand-in closed
 * every connection, as mongod 4.0 did: drivers then reset their pools and resumed their
 * change streams, which is not what an application meets in production.
 */
import { Long, MongoClient, MongoServerError, type Document } from 'mongodb';
import { startStandIn, type StandInServer } from '../../src/start-stand-in';
import { RawWireClient } from './raw-wire-client';
import { waitFor } from './wait-for';

describe('a step-down (replica-set mode)', () => {
  let server: StandInServer;
  const clients: MongoClient[] = [];

  beforeEach(async () => {
    server = await startStandIn({ replicaSet: 'rs0' });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await server.stop();
  });

  /**
   * A client whose monitor checks only every minute: it learns of a step-down and of the
   * election after it within this test's time only when the member answers its awaitable
   * `hello` as soon as its state changes.
   */
  async function connect(options: { monitorCommands?: boolean } = {}): Promise<MongoClient> {
    const client = new MongoClient(server.uri, {
      heartbeatFrequencyMS: 60_000,
      serverSelectionTimeoutMS: 20_000,
      ...options,
    });
    clients.push(client);
    await client.connect();
    return client;
  }

  /** The server types the client's monitor reports from now on. */
  function serverTypes(client: MongoClient): string[] {
    const types: string[] = [];
    client.on('serverDescriptionChanged', (event) => types.push(event.newDescription.type));
    return types;
  }

  /**
   * Resolves once the client's monitor streams: its awaitable `hello` is sent (the driver
   * sends the first one half a second after connecting), so the member holds it.
   */
  function untilStreaming(client: MongoClient): Promise<void> {
    return new Promise((resolve) => {
      const onStarted = (event: { awaited: boolean }) => {
        if (!event.awaited) return;
        client.off('serverHeartbeatStarted', onStarted);
        // Sent just after the event: give it a moment to reach the member.
        setImmediate(resolve);
      };
      client.on('serverHeartbeatStarted', onStarted);
    });
  }

  const stepDown = (client: MongoClient, seconds = 1) =>
    client.db('admin').command({ replSetStepDown: seconds, force: true });

  it('keeps connections and cursors open, and tells monitors at once', async () => {
    const client = await connect();
    const streaming = untilStreaming(client);
    const items = client.db('step_down').collection<{ _id: number }>('items');
    await items.insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: i })));
    let poolCleared = 0;
    let connectionsClosed = 0;
    client.on('connectionPoolCleared', () => poolCleared++);
    client.on('connectionClosed', () => connectionsClosed++);
    const types = serverTypes(client);
    const cursor = items.find({}, { batchSize: 2 });
    await cursor.next();
    await streaming;
    await stepDown(client);
    // Told by its held `hello`: no command of the client has met the secondary yet.
    await waitFor('the monitor to see a secondary', () => types.includes('RSSecondary'));
    // Opened on the primary, read on the secondary: a getMore goes on.
    expect(await cursor.toArray()).toHaveLength(4);
    // Issued while the member is a secondary: the driver waits for the election, then writes.
    await items.insertOne({ _id: 5 });
    expect(types.at(-1)).toBe('RSPrimary');
    expect(await items.countDocuments()).toBe(6);
    expect({ poolCleared, connectionsClosed }).toEqual({ poolCleared: 0, connectionsClosed: 0 });
  });

  it('refuses writes with 10107 and the topology version of the step-down', async () => {
    const client = await connect();
    const before = await client.db('admin').command({ hello: 1 });
    const raw = await RawWireClient.connect(server.port);
    try {
      await stepDown(client, 5);
      const $db = 'step_down';
      const refused = await raw.command({ insert: 'down', documents: [{}], $db });
      expect(refused).toMatchObject({ ok: 0, code: 10107, codeName: 'NotWritablePrimary' });
      expect(refused.errorLabels).toBeUndefined();
      const version = refused.topologyVersion as { processId: unknown; counter: Long };
      expect(version.processId).toEqual(before.topologyVersion.processId);
      expect(Long.fromValue(version.counter).greaterThan(before.topologyVersion.counter)).toBe(
        true,
      );
      // Primary reads: NotPrimaryNoSecondaryOk, of the same category.
      const read = await raw.command({ find: 'down', $db });
      expect(read).toMatchObject({ ok: 0, code: 13435, topologyVersion: version });
      // Other errors carry none.
      const other = await raw.command({ find: 1, $readPreference: { mode: 'secondary' }, $db });
      expect(other.ok).toBe(0);
      expect(other.topologyVersion).toBeUndefined();
    } finally {
      await raw.close();
    }
  });

  it('goes on with a change stream opened before it, without resuming', async () => {
    const client = await connect({ monitorCommands: true });
    const types = serverTypes(client);
    const opened: string[] = [];
    client.on('commandStarted', (event) => {
      if (event.commandName === 'aggregate') opened.push(event.commandName);
    });
    const items = client.db('step_down').collection<{ _id: number }>('watched');
    const stream = items.watch();
    try {
      const first = stream.next();
      await items.insertOne({ _id: 1 });
      expect(((await first) as Document).documentKey).toEqual({ _id: 1 });
      const second = stream.next();
      await stepDown(client);
      await waitFor('the step-down', () => types.includes('RSSecondary'));
      await items.insertOne({ _id: 2 });
      expect(((await second) as Document).documentKey).toEqual({ _id: 2 });
      expect(opened).toHaveLength(1);
    } finally {
      await stream.close();
    }
  });

  it('aborts the transactions in progress: their commit fails and writes nothing', async () => {
    const client = await connect();
    const items = client.db('step_down').collection<{ _id: number }>('transacted');
    await items.insertOne({ _id: 0 });
    const session = client.startSession();
    try {
      session.startTransaction();
      await items.insertOne({ _id: 1 }, { session });
      const types = serverTypes(client);
      await stepDown(client);
      await waitFor('the step-down', () => types.includes('RSSecondary'));
      // Refused on the secondary (10107), retried on the new primary, where it is unknown.
      const error = await session.commitTransaction().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(MongoServerError);
      expect((error as MongoServerError).code).toBe(251);
      expect((error as MongoServerError).hasErrorLabel('TransientTransactionError')).toBe(true);
      expect(await items.countDocuments()).toBe(1);
    } finally {
      await session.endSession();
    }
  });
});
