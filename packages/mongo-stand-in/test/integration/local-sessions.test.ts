/**
 * `$listLocalSessions`: the logical sessions the stand-in has seen, as mongod's session cache
 * lists them, forgotten when ended, killed or timed out, and bounded as mongod's is. Before,
 * the stage was unknown (40324) and the stand-in kept no record of sessions at all.
 */
import { Binary, MongoClient, type Document } from 'mongodb';
import { LocalSessionCache } from '../../src/engine/local-sessions';
import type { StandInOptions } from '../../src/stand-in-options';
import { heldStandIns, refusal } from './driver-fixture';
import { waitFor } from './wait-for';

/** SHA-256 of nothing: the user digest of every session opened without authentication. */
const NO_AUTH_UID = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('$listLocalSessions', () => {
  const standIns = heldStandIns();

  afterEach(() => standIns.stopAll());

  async function standIn(options: StandInOptions = {}) {
    const { server, client } = await standIns.start(options);
    const listed = async (spec: Document = {}): Promise<string[]> =>
      (
        await client
          .db('admin')
          .aggregate([{ $listLocalSessions: spec }])
          .toArray()
      ).map((record) => (record._id as { id: Binary }).id.toString('hex'));
    return { uri: server.uri, client, listed };
  }

  it('lists a session in use with its user digest and last use, and forgets it once ended', async () => {
    const { uri, client, listed } = await standIn();
    const session = client.startSession();
    await client.db('s').collection('c').insertOne({ x: 1 }, { session });
    const id = (session.id!.id as Binary).toString('hex');
    expect(await listed()).toContain(id);
    const [record] = await client
      .db('admin')
      .aggregate([{ $listLocalSessions: { allUsers: true } }, { $limit: 1 }])
      .toArray();
    expect((record._id as { uid: Binary }).uid.toString('hex')).toBe(NO_AUTH_UID);
    expect(record.lastUse).toBeInstanceOf(Date);
    // Ended, as a closing driver ends its pooled sessions; listed through a fresh pooled
    // session (the driver would reuse the ended one for its next command).
    await client.db('admin').command({ endSessions: [{ id: session.id!.id }] });
    await session.endSession();
    const other = new MongoClient(uri);
    standIns.track({ stop: () => other.close() });
    const ids = (
      await other
        .db('admin')
        .aggregate([{ $listLocalSessions: {} }])
        .toArray()
    ).map((row) => (row._id as { id: Binary }).id.toString('hex'));
    expect(ids).not.toContain(id);
  });

  it('lists no session for a user other than the caller', async () => {
    const { listed } = await standIn();
    expect(await listed({ allUsers: true })).not.toEqual([]);
    expect(await listed({ users: [{ user: 'someone', db: 'admin' }] })).toEqual([]);
  });

  it('forgets sessions unused for the session timeout', async () => {
    const { client, listed } = await standIn({ sessionTimeoutMs: 300 });
    const session = client.startSession();
    await client.db('s').command({ ping: 1 }, { session });
    const id = (session.id!.id as Binary).toString('hex');
    expect(await listed()).toContain(id);
    await waitFor('the idle session to be forgotten', async () => !(await listed()).includes(id));
  });

  it('is refused on a collection, after the first stage, and with both allUsers and users', async () => {
    const { client } = await standIn();
    const onCollection = await refusal(
      client
        .db('s')
        .collection('c')
        .aggregate([{ $listLocalSessions: {} }])
        .toArray(),
    );
    expect(onCollection.code).toBe(73);
    const late = await refusal(
      client
        .db('admin')
        .aggregate([{ $documents: [] }, { $listLocalSessions: {} }])
        .toArray(),
    );
    expect(late.code).toBe(40602);
    const both = await refusal(
      client
        .db('admin')
        .aggregate([{ $listLocalSessions: { allUsers: true, users: [{ user: 'a', db: 'b' }] } }])
        .toArray(),
    );
    expect(both.code).toBe(12);
  });

  it('refuses a session past the bound, as mongod does past maxSessions', () => {
    const cache = new LocalSessionCache(2);
    const lsid = (byte: number) => ({ id: new Binary(Buffer.alloc(16, byte), 4) });
    cache.touch(lsid(1));
    cache.touch(lsid(2));
    cache.touch(lsid(1));
    expect(() => cache.touch(lsid(3))).toThrow(
      expect.objectContaining({ code: 261, codeName: 'TooManyLogicalSessions' }),
    );
    cache.end([Buffer.alloc(16, 1).toString('hex')]);
    expect(() => cache.touch(lsid(3))).not.toThrow();
    expect(cache.size).toBe(2);
  });
});
