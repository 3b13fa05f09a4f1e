import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { startEphemeralMongo, type EphemeralMongo } from '../../src/testing';

/**
 * The test server (resolved once per run by the global setup) and a database of the
 * caller's own, dropped by `cleanup()`.
 */
export interface TestDatabase {
  readonly mongo: EphemeralMongo;
  readonly uri: string;
  readonly dbName: string;
  readonly client: MongoClient;
  cleanup(): Promise<void>;
}

/** Opens a client on the shared test server with a fresh, uniquely named database. */
export async function openTestDatabase(label: string): Promise<TestDatabase> {
  const mongo = await startEphemeralMongo();
  const dbName = `test_${label.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const client = await new MongoClient(mongo.uri).connect();
  return {
    mongo,
    uri: mongo.uri,
    dbName,
    client,
    cleanup: async () => {
      await client
        .db(dbName)
        .dropDatabase()
        .catch(() => undefined);
      await client.close();
      await mongo.stop();
    },
  };
}

/**
 * A stand-in of the test's own, in the given topology, with a client and a database: for
 * tests that need a standalone or a replica set whatever the shared test server is, or that
 * set fail points (server-wide: on the shared server they would fail other files' commands).
 * `cleanup()` closes the client and stops the stand-in.
 */
export async function openOwnStandIn(
  label: string,
  topology: 'standalone' | 'replica-set',
): Promise<TestDatabase> {
  const mongo = await startEphemeralMongo({
    env: {},
    prefer: 'stand-in',
    topology,
    announce: false,
  });
  const client = await new MongoClient(mongo.uri).connect();
  return {
    mongo,
    uri: mongo.uri,
    dbName: label.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40),
    client,
    cleanup: async () => {
      await client.close();
      await mongo.stop();
    },
  };
}
