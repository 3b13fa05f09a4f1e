/**
 * What an ODM reads back is what mongod would give it: `_id` stored as the first field, and
 * index options listed as they were given.
 */
import { standInPerFile } from './driver-fixture';

describe('stored document shape', () => {
  const fixture = standInPerFile('shape');

  it('stores _id first on insert', async () => {
    await fixture.collection().insertOne({ a: 1, _id: 5 });
    const found = await fixture.collection().findOne({ _id: 5 });
    expect(Object.keys(found!)).toEqual(['_id', 'a']);
  });

  it('stores _id first on a replacement and a replacing upsert', async () => {
    await fixture.collection().insertOne({ _id: 1, a: 1 });
    await fixture.collection().replaceOne({ _id: 1 }, { b: 2, _id: 1 });
    await fixture.collection().replaceOne({ _id: 2 }, { c: 3, _id: 2 }, { upsert: true });
    const found = await fixture.collection().find().sort({ _id: 1 }).toArray();
    expect(found.map((document) => Object.keys(document))).toEqual([
      ['_id', 'b'],
      ['_id', 'c'],
    ]);
  });

  it('stores _id first on an upsert whose query names it after other fields', async () => {
    await fixture.collection().updateOne({ z: 10, _id: 11 }, { $set: { q: 2 } }, { upsert: true });
    const found = await fixture.collection().findOne({ _id: 11 });
    expect(Object.keys(found!)).toEqual(['_id', 'z', 'q']);
  });

  it('lists background as given, as mongod 7.0 echoes it', async () => {
    await fixture.collection().createIndex({ a: 1 }, { background: false });
    await fixture.collection().createIndex({ b: 1 }, { background: true, sparse: true });
    const indexes = await fixture.collection().listIndexes().toArray();
    expect(indexes.slice(1)).toEqual([
      { v: 2, key: { a: 1 }, name: 'a_1', background: false },
      { v: 2, key: { b: 1 }, name: 'b_1', background: true, sparse: true },
    ]);
  });
});
