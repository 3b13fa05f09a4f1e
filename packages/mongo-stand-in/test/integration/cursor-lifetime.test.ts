/**
 * Cursors end as in mongod 7.0, so that abandoned ones cannot pin their results in the
 * memory of a stand-in every test shares: with their session (`endSessions`, `killSessions`,
 * or the session timing out), after the cursor timeout when opened outside a session, and,
 * outside a session, with the connection that opened them.
 */
import { MongoClient, type Collection } from 'mongodb';
import type { StandInOptions } from '../../src/stand-in-options';
import { heldStandIns } from './driver-fixture';
import { RawWireClient } from './raw-wire-client';
import { waitFor } from './wait-for';

describe('cursor lifetime', () => {
  const standIns = heldStandIns();

  afterEach(() => standIns.stopAll());

  async function standIn(options: StandInOptions = {}) {
    const { server, store, client } = await standIns.start(options);
    const items: Collection<{ _id: number }> = client.db('cursors').collection('items');
    await items.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    return { server, store, client, items };
  }

  it('frees 10,000 abandoned cursors once their sessions time out', async () => {
    const { store, client } = await standIn({ sessionTimeoutMs: 500, cursorTimeoutMs: 500 });
    const db = client.db('cursors');
    // Each find leaves a cursor holding two documents on the stand-in, never read nor closed.
    const abandon = () => db.command({ find: 'items', batchSize: 1 });
    for (let started = 0; started < 10_000; started += 100) {
      await Promise.all(Array.from({ length: 100 }, abandon));
    }
    expect(store.cursors.openCount).toBeGreaterThan(1_000);
    await waitFor('every abandoned cursor to be freed', () => store.cursors.openCount === 0);
  });

  it('closes the cursors of a session that endSessions or killSessions ends', async () => {
    const { store, client, items } = await standIn();
    for (const end of ['endSessions', 'killSessions'] as const) {
      const session = client.startSession();
      const kept = client.startSession();
      try {
        await items.find({}, { batchSize: 1, session }).next();
        await items.find({}, { batchSize: 1, session: kept }).next();
        expect(store.cursors.openCount).toBe(2);
        await client.db('admin').command({ [end]: [session.id] });
        expect(store.cursors.openCount).toBe(1);
        await client.db('admin').command({ endSessions: [kept.id] });
        expect(store.cursors.openCount).toBe(0);
      } finally {
        await session.endSession();
        await kept.endSession();
      }
    }
  });

  it('closes an idle cursor opened outside any session after the cursor timeout', async () => {
    const { server, store } = await standIn({ cursorTimeoutMs: 50 });
    const raw = await RawWireClient.connect(server.port);
    standIns.track({ stop: () => raw.close() });
    const reply = await raw.command({ find: 'items', batchSize: 1, $db: 'cursors' });
    expect(reply.cursor.id.isZero()).toBe(false);
    expect(store.cursors.openCount).toBe(1);
    await waitFor('the idle cursor to be closed', () => store.cursors.openCount === 0);
    const more = await raw.command({
      getMore: reply.cursor.id,
      collection: 'items',
      $db: 'cursors',
    });
    expect(more).toMatchObject({ ok: 0, code: 43 });
  });

  it('frees the cursors a closed connection opened outside any session, not those of a session', async () => {
    const { server, store, client } = await standIn();
    const raw = await RawWireClient.connect(server.port);
    const session = client.startSession();
    try {
      const outside = await raw.command({ find: 'items', batchSize: 1, $db: 'cursors' });
      const inside = await raw.command({
        find: 'items',
        batchSize: 1,
        lsid: session.id,
        $db: 'cursors',
      });
      expect([outside.ok, inside.ok]).toEqual([1, 1]);
      expect(store.cursors.openCount).toBe(2);
      await raw.close();
      await waitFor('the connection to be gone', () => server.connectionCount <= 2);
      await waitFor('the session-less cursor to be freed', () => store.cursors.openCount === 1);
      // A session's cursor may go on from any connection, as with mongod.
      const more = await client
        .db('cursors')
        .command({ getMore: inside.cursor.id, collection: 'items', batchSize: 10 }, { session });
      expect(more.cursor.nextBatch).toHaveLength(2);
      expect(store.cursors.openCount).toBe(0);
    } finally {
      await session.endSession();
    }
  });

  it.each([
    ['drop', (client: MongoClient) => client.db('cursors').collection('items').drop()],
    ['dropDatabase', (client: MongoClient) => client.db('cursors').dropDatabase()],
  ])(
    'fails the next getMore of a cursor whose collection %s removed with 175',
    async (_what, remove) => {
      const { client, items } = await standIn();
      const cursor = items.find({}, { batchSize: 1 });
      await cursor.next();
      await remove(client);
      await expect(cursor.toArray()).rejects.toMatchObject({
        code: 175,
        codeName: 'QueryPlanKilled',
      });
    },
  );
});
