/**
 * What the driver-level tests of one file share: a stand-in and a client for the whole file,
 * a fresh collection of numbered documents per test (dropped after it), and the error a
 * refused call fails with.
 */
import { MongoClient, MongoServerError, type Collection, type Document } from 'mongodb';
import { dataCommands } from '../../src/commands/data-commands';
import { StandInStore } from '../../src/engine/stand-in-store';
import { resolveStandInOptions, type StandInOptions } from '../../src/stand-in-options';
import { StandInWireServer } from '../../src/stand-in-server';
import { startStandIn, type StandInServer } from '../../src/start-stand-in';

/** The documents these tests store: numbered, with any fields. */
export type NumberedDocument = Document & { _id: number };

export interface StandInFixture {
  readonly server: () => StandInServer;
  readonly client: () => MongoClient;
  /** This test's own collection (`c1`, `c2`, … in `dbName`). */
  readonly collection: () => Collection<NumberedDocument>;
}

/** Registers the hooks, inside the calling `describe`. */
export function standInPerFile(dbName: string): StandInFixture {
  let server: StandInServer | undefined;
  let client: MongoClient | undefined;
  let collection: Collection<NumberedDocument> | undefined;
  let testNumber = 0;

  beforeAll(async () => {
    server = await startStandIn();
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  beforeEach(() => {
    testNumber += 1;
    collection = client!.db(dbName).collection<NumberedDocument>(`c${testNumber}`);
  });

  afterEach(async () => {
    await collection?.drop().catch(() => undefined);
  });

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not ready: call it inside a test`);
    return value;
  };
  return {
    server: () => required(server, 'the stand-in'),
    client: () => required(client, 'the client'),
    collection: () => required(collection, "the test's collection"),
  };
}

/** The server error `call` failed with; fails the test when it did not fail so. */
export async function refusal(call: Promise<unknown>): Promise<MongoServerError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

/** A stand-in whose store a test holds, with a connected client. */
export interface HeldStandIn {
  readonly server: StandInWireServer;
  readonly store: StandInStore;
  readonly client: MongoClient;
}

/**
 * Starts a stand-in whose store the test can inspect, for tests that look inside it
 * (cursors, sessions, the change log), and a client connected to it. Both are stopped by
 * the returned fixture's `stopAll`, to be called in `afterEach`.
 */
export function heldStandIns(): {
  start(options?: StandInOptions): Promise<HeldStandIn>;
  /** Stops `stoppable` too (a raw client, another driver client), before the stand-ins. */
  track(stoppable: { stop(): Promise<void> }): void;
  stopAll(): Promise<void>;
} {
  const running: Array<{ stop(): Promise<void> }> = [];
  return {
    async start(options = {}) {
      const resolved = resolveStandInOptions(options);
      const store = new StandInStore({
        transactionLifetimeLimitMs: resolved.transactionLifetimeLimitMs,
      });
      const server = new StandInWireServer(resolved, { store, dataCommands });
      await server.start();
      running.push(server);
      const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
      await client.connect();
      running.push({ stop: () => client.close() });
      return { server, store, client };
    },
    track(stoppable) {
      running.push(stoppable);
    },
    async stopAll() {
      for (const stoppable of running.splice(0).reverse()) await stoppable.stop();
    },
  };
}
