/**
 * What the driver-level tests of one file share: a stand-in and a client for the whole file,
 * a fresh collection of numbered documents per test (dropped after it), and the error a
 * refused call fails with.
 */
import { MongoClient, MongoServerError, type Collection, type Document } from 'mongodb';
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
