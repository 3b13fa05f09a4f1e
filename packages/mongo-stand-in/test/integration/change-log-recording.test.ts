/**
 * The replica-set mode records every change in its change log, as mongod's oplog does, each
 * at its own cluster time; a command's operationTime is its last change's time, and reads
 * advance nothing. A standalone records nothing.
 */
import type { Document } from 'mongodb';
import { heldStandIns } from './driver-fixture';

describe('the change log of the replica-set mode', () => {
  const standIns = heldStandIns();

  afterEach(() => standIns.stopAll());

  async function standIn(replicaSet: string | undefined) {
    const { store, client } = await standIns.start({ replicaSet });
    return { store, db: client.db('recorded') };
  }

  it('records inserts, updates, replacements, deletes, renames and drops, in order', async () => {
    const { store, db } = await standIn('rs0');
    const items = db.collection<Document & { _id: number }>('items');
    await items.insertMany([{ _id: 1, n: 1 }, { _id: 2 }]);
    await items.updateOne({ _id: 1 }, { $set: { n: 2 } });
    await items.replaceOne({ _id: 2 }, { m: 1 });
    await items.deleteOne({ _id: 1 });
    await items.rename('renamed');
    await db.collection('renamed').drop();
    const events = store.changes!.after(0);
    expect(events.map((event) => event.operationType)).toEqual([
      'insert',
      'insert',
      'update',
      'replace',
      'delete',
      'rename',
      'drop',
    ]);
    expect(events[2].updateDescription).toEqual({
      updatedFields: { n: 2 },
      removedFields: [],
      truncatedArrays: [],
    });
    expect(events[5]).toMatchObject({
      ns: { db: 'recorded', coll: 'items' },
      to: { db: 'recorded', coll: 'renamed' },
    });
    const times = events.map((event) => event.clusterTime);
    for (let i = 1; i < times.length; i++) expect(times[i].greaterThan(times[i - 1])).toBe(true);
  });

  it("gives a command its last change's time as operationTime, and a read no time of its own", async () => {
    const { store, db } = await standIn('rs0');
    const insert = await db.command({ insert: 'timed', documents: [{}, {}, {}] });
    const events = store.changes!.after(0);
    expect(events).toHaveLength(3);
    expect(insert.operationTime).toEqual(events[2].clusterTime);
    const read = await db.command({ aggregate: 'timed', pipeline: [], cursor: {} });
    expect(read.operationTime).toEqual(insert.operationTime);
  });

  it('keeps no log on a standalone', async () => {
    const { store, db } = await standIn(undefined);
    await db.collection('plain').insertOne({});
    expect(store.changes).toBeUndefined();
  });
});
