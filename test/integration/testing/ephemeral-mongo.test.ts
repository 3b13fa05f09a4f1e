/**
 * startEphemeralMongo() starts the deployment a test asks for: by default a one-member
 * replica set (what production runs), with a URI that names the set, or a standalone.
 */
import { MongoClient } from 'mongodb';
import { InvalidOptionsError } from '../../../src/errors';
import { startEphemeralMongo, type EphemeralMongoTopology } from '../../../src/testing';
import { waitFor } from '../../helpers/wait-for';

describe('startEphemeralMongo topology', () => {
  it.each<[EphemeralMongoTopology | undefined, string | undefined]>([
    [undefined, 'docket'],
    ['standalone', undefined],
    ['replica-set', 'docket'],
  ])('with topology %s starts a server whose hello says setName %s', async (topology, setName) => {
    const mongo = await startEphemeralMongo({
      env: {},
      prefer: 'stand-in',
      announce: false,
      ...(topology ? { topology } : {}),
    });
    const client = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.connect();
      const hello = await client.db('admin').command({ hello: 1 });
      expect(hello.setName).toBe(setName);
      expect(mongo.uri.includes('replicaSet=docket')).toBe(setName !== undefined);
    } finally {
      await client.close();
      await mongo.stop();
    }
  });
});

describe('startEphemeralMongo ttlMonitorIntervalMs', () => {
  it('makes a started stand-in expire TTL documents at that interval', async () => {
    const mongo = await startEphemeralMongo({
      env: {},
      prefer: 'stand-in',
      announce: false,
      ttlMonitorIntervalMs: 100,
    });
    const client = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.connect();
      const sessions = client.db('ephemeral-ttl').collection('sessions');
      await sessions.createIndex({ at: 1 }, { expireAfterSeconds: 0 });
      await sessions.insertOne({ at: new Date(Date.now() - 1_000) });
      // The default interval (60 s) would run past this deadline.
      await waitFor(async () => (await sessions.countDocuments()) === 0, {
        timeoutMs: 5_000,
        what: 'the TTL monitor to delete the expired document',
      });
    } finally {
      await client.close();
      await mongo.stop();
    }
  });

  it.each([5, 1.5, Number.NaN])(
    'refuses %s with InvalidOptionsError before starting',
    async (ms) => {
      await expect(
        startEphemeralMongo({
          env: {},
          prefer: 'stand-in',
          announce: false,
          ttlMonitorIntervalMs: ms,
        }),
      ).rejects.toThrow(
        new InvalidOptionsError(
          `ttlMonitorIntervalMs must be an integer from 10 to 2147483647, got ${ms}`,
        ),
      );
    },
  );
});
