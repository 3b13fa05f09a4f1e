/**
 * startEphemeralMongo() starts the deployment a test asks for: by default a one-member
 * replica set (what production runs), with a URI that names the set, or a standalone.
 */
import { MongoClient } from 'mongodb';
import { startEphemeralMongo, type EphemeralMongoTopology } from '../../../src/testing';

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
