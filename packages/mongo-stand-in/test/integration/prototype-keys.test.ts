/**
 * Field names that JavaScript objects treat specially (`__proto__`, `constructor`,
 * `prototype`) are plain fields to MongoDB. Apps run the stand-in inside their own test
 * process, so a path through one of them must store a field, never reach
 * `Object.prototype`: every test here checks the stored document and that no object of
 * the process gained a property.
 */
import { type Collection, type Document } from 'mongodb';
import { standInPerFile, type NumberedDocument as AnyDocument } from './driver-fixture';

/** An object literal with an own field named `__proto__` (a plain literal would set its prototype). */
function withProto(value: unknown, fields: Document = {}): AnyDocument {
  const document = { ...fields } as AnyDocument;
  Object.defineProperty(document, '__proto__', {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return document;
}

const ownKeys = (value: object): string[] => Object.keys(value);
/** Field names regardless of order (the stand-in's projections do not keep mongod's order). */
const fieldNames = (value: object): string[] => Object.keys(value).sort();

describe('prototype-named fields through the driver', () => {
  const fixture = standInPerFile('prototype_keys');
  let collection: Collection<AnyDocument>;
  beforeEach(() => {
    collection = fixture.collection();
  });

  afterEach(async () => {
    const polluted = ownKeys(Object.prototype);
    // Undo any pollution first, so that one failure does not cascade into every later test.
    for (const key of polluted) delete (Object.prototype as Record<string, unknown>)[key];
    expect(polluted).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await collection.drop().catch(() => undefined);
  });

  /** After a hostile write, the collection still behaves: single updates, projections. */
  async function expectStillSane(): Promise<void> {
    const sane = fixture
      .client()
      .db('prototype_keys')
      .collection<AnyDocument>(`sane_${collection.collectionName}`);
    await sane.insertMany([
      { _id: 1, a: 1, b: 1 },
      { _id: 2, a: 1, b: 2 },
    ]);
    const result = await sane.updateOne({ a: 1 }, { $set: { touched: true } });
    expect(result.modifiedCount).toBe(1);
    expect(await sane.countDocuments({ touched: true })).toBe(1);
    expect(await sane.find({}, { projection: { b: 1 } }).toArray()).toEqual([
      { _id: 1, b: 1 },
      { _id: 2, b: 2 },
    ]);
    await sane.drop();
  }

  describe('update paths', () => {
    it('$set through __proto__ stores a field named __proto__', async () => {
      await collection.insertOne({ _id: 1 });
      await collection.updateOne({ _id: 1 }, { $set: { '__proto__.polluted': 1 } });
      const [stored] = await collection.find({ _id: 1 }).toArray();
      expect(ownKeys(stored)).toEqual(['_id', '__proto__']);
      expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toEqual({ polluted: 1 });
      await expectStillSane();
    });

    it('$set of __proto__.multi leaves later single updates single', async () => {
      await collection.insertOne({ _id: 1 });
      await collection.updateOne({ _id: 1 }, { $set: { '__proto__.multi': true } });
      await expectStillSane();
    });

    it('$set through constructor.prototype stores nested fields', async () => {
      await collection.insertOne({ _id: 1 });
      await collection.updateOne({ _id: 1 }, { $set: { 'constructor.prototype.polluted': 1 } });
      expect(await collection.findOne({ _id: 1 })).toEqual({
        _id: 1,
        constructor: { prototype: { polluted: 1 } },
      });
      await expectStillSane();
    });

    it('$rename to a __proto__ path moves the value into a field', async () => {
      await collection.insertOne({ _id: 1, a: 'x' });
      await collection.updateOne({ _id: 1 }, { $rename: { a: '__proto__.polluted' } });
      const stored = await collection.findOne({ _id: 1 });
      expect(stored).not.toBeNull();
      expect(ownKeys(stored!)).toEqual(['_id', '__proto__']);
      expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toEqual({
        polluted: 'x',
      });
      await expectStillSane();
    });

    it('$unset through a stored __proto__ field removes only that field', async () => {
      await collection.insertOne(withProto({ polluted: 1, kept: 2 }, { _id: 1 }));
      await collection.updateOne({ _id: 1 }, { $unset: { '__proto__.polluted': '' } });
      const stored = await collection.findOne({ _id: 1 });
      expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toEqual({ kept: 2 });
      // A field the document lacks is missing, even when objects inherit one by that name.
      const result = await collection.updateOne({ _id: 1 }, { $unset: { constructor: '' } });
      expect(result.modifiedCount).toBe(0);
      await expectStillSane();
    });

    it('$inc creates __proto__ and constructor fields instead of reading inherited ones', async () => {
      await collection.insertOne({ _id: 1 });
      await collection.updateOne(
        { _id: 1 },
        { $inc: { '__proto__.polluted': 1, constructor: 2, toString: 3 } },
      );
      const stored = await collection.findOne({ _id: 1 });
      expect(stored).toMatchObject({ constructor: 2, toString: 3 });
      expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toEqual({ polluted: 1 });
      await expectStillSane();
    });

    it('$push through __proto__ creates an array field', async () => {
      await collection.insertOne({ _id: 1 });
      await collection.updateOne({ _id: 1 }, { $push: { '__proto__.polluted': 1 } as Document });
      const stored = await collection.findOne({ _id: 1 });
      expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toEqual({
        polluted: [1],
      });
      await expectStillSane();
    });

    it('positional and array-filter paths through __proto__ write into the element', async () => {
      await collection.insertOne({ _id: 1, list: [{ k: 1 }, { k: 2 }] });
      await collection.updateOne(
        { _id: 1, 'list.k': 1 },
        { $set: { 'list.$.__proto__.polluted': 'first' } },
      );
      await collection.updateOne(
        { _id: 1 },
        { $set: { 'list.$[e].__proto__.polluted': 'filtered' } },
        { arrayFilters: [{ 'e.k': 2 }] },
      );
      await collection.updateOne({ _id: 1 }, { $set: { 'list.$[].constructor': 'all' } });
      const stored = await collection.findOne({ _id: 1 });
      const [first, second] = stored!.list as Document[];
      expect(Object.getOwnPropertyDescriptor(first, '__proto__')?.value).toEqual({
        polluted: 'first',
      });
      expect(Object.getOwnPropertyDescriptor(second, '__proto__')?.value).toEqual({
        polluted: 'filtered',
      });
      expect([first.constructor, second.constructor]).toEqual(['all', 'all']);
      await expectStillSane();
    });

    it('an update pipeline setting a __proto__ path stores a field', async () => {
      await collection.insertOne({ _id: 1 });
      await collection.updateOne({ _id: 1 }, [{ $set: { '__proto__.polluted': 1 } }]);
      const stored = await collection.findOne({ _id: 1 });
      expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toEqual({ polluted: 1 });
      await expectStillSane();
    });
  });

  describe('stored documents', () => {
    it('an inserted field named __proto__ stays a field and its document stays findable', async () => {
      await collection.insertMany([withProto({ polluted: 1 }, { _id: 1, a: 1 }), { _id: 2 }]);
      expect(await collection.countDocuments({})).toBe(2);
      const stored = await collection.findOne({ _id: 1 });
      expect(stored).not.toBeNull();
      expect(ownKeys(stored!)).toEqual(['_id', 'a', '__proto__']);
      expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toEqual({ polluted: 1 });
      expect(await collection.countDocuments({ a: 1 })).toBe(1);
      expect(await collection.countDocuments({ '__proto__.polluted': 1 })).toBe(1);
      await expectStillSane();
    });

    it('an _id holding a __proto__ field is its own value, found and kept unique', async () => {
      const byDocument = fixture
        .client()
        .db('prototype_keys')
        .collection<{ _id: Document; n: number }>(collection.collectionName);
      const id = withProto({ polluted: 1 });
      await byDocument.insertOne({ _id: id, n: 1 });
      await byDocument.insertOne({ _id: {}, n: 2 });
      await expect(byDocument.insertOne({ _id: id, n: 3 })).rejects.toMatchObject({
        code: 11000,
      });
      const stored = await byDocument.findOne({ _id: id });
      expect(stored?.n).toBe(1);
      expect(Object.getOwnPropertyDescriptor(stored!._id, '__proto__')?.value).toEqual({
        polluted: 1,
      });
      await expectStillSane();
    });

    it('a query on a name objects inherit only matches stored fields', async () => {
      await collection.insertMany([{ _id: 1 }, { _id: 2, constructor: 'set' }]);
      const present = await collection.find({ constructor: { $exists: true } }).toArray();
      expect(present.map((d) => d._id)).toEqual([2]);
      const absent = await collection.find({ toString: { $exists: false } }).toArray();
      expect(absent.map((d) => d._id)).toEqual([1, 2]);
      const sorted = await collection.find({}, { sort: [['constructor', -1]] }).toArray();
      expect(sorted.map((d) => d._id)).toEqual([2, 1]);
    });
  });

  describe('projections', () => {
    it('a find projection includes and excludes __proto__ and constructor fields', async () => {
      await collection.insertOne(withProto({ polluted: 1, b: 2 }, { _id: 1, constructor: 'c' }));
      const included = await collection.findOne(
        { _id: 1 },
        { projection: { '__proto__.polluted': 1, constructor: 1 } },
      );
      expect(fieldNames(included!)).toEqual(['__proto__', '_id', 'constructor']);
      expect(Object.getOwnPropertyDescriptor(included, '__proto__')?.value).toEqual({
        polluted: 1,
      });
      const excluded = await collection.findOne({ _id: 1 }, { projection: { ['__proto__']: 0 } });
      expect(excluded).toEqual({ _id: 1, constructor: 'c' });
      const missing = await collection.findOne({ _id: 1 }, { projection: { toString: 1 } });
      expect(missing).toEqual({ _id: 1 });
      await expectStillSane();
    });

    it('findOneAndUpdate returns a projected __proto__ field', async () => {
      await collection.insertOne({ _id: 1 });
      const after = await collection.findOneAndUpdate(
        { _id: 1 },
        { $set: { '__proto__.polluted': 1, other: 1 } },
        { returnDocument: 'after', projection: { ['__proto__']: 1 } },
      );
      expect(fieldNames(after!)).toEqual(['__proto__', '_id']);
      await expectStillSane();
    });
  });

  describe('upserts', () => {
    it('seeds an upserted document from a query through __proto__ and constructor', async () => {
      await collection.updateOne(
        { _id: 1, '__proto__.polluted': 1, 'constructor.prototype': 2 },
        { $set: { a: 1 } },
        { upsert: true },
      );
      const stored = await collection.findOne({ _id: 1 });
      expect(stored).toMatchObject({ _id: 1, a: 1, constructor: { prototype: 2 } });
      expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toEqual({ polluted: 1 });
      await expectStillSane();
    });
  });

  describe('aggregation', () => {
    beforeEach(async () => {
      await collection.insertMany([
        withProto({ polluted: 1 }, { _id: 1, g: 'x' }),
        withProto({ polluted: 2 }, { _id: 2, g: 'x' }),
      ]);
    });

    it('$project keeps and computes __proto__ fields', async () => {
      const out = await collection
        .aggregate([
          { $project: { ['__proto__']: 1, constructor: '$__proto__.polluted' } },
          { $sort: { _id: 1 } },
        ])
        .toArray();
      expect(out.map(fieldNames)).toEqual([
        ['__proto__', '_id', 'constructor'],
        ['__proto__', '_id', 'constructor'],
      ]);
      expect(out.map((d) => d.constructor)).toEqual([1, 2]);
      await expectStillSane();
    });

    it('$set and $addFields write __proto__ and constructor paths as fields', async () => {
      const out = await collection
        .aggregate([
          { $set: { '__proto__.added': true } },
          { $addFields: { 'constructor.prototype.polluted': 1 } },
          { $sort: { _id: 1 } },
        ])
        .toArray();
      expect(Object.getOwnPropertyDescriptor(out[0], '__proto__')?.value).toEqual({
        polluted: 1,
        added: true,
      });
      expect(out[0].constructor).toEqual({ prototype: { polluted: 1 } });
      await expectStillSane();
    });

    it('$group by a __proto__ path names its accumulators as given', async () => {
      const out = await collection
        .aggregate([
          {
            $group: {
              _id: '$g',
              ['__proto__']: { $sum: '$__proto__.polluted' },
              constructor: { $sum: 1 },
            },
          },
        ])
        .toArray();
      expect(out).toHaveLength(1);
      expect(ownKeys(out[0])).toEqual(['_id', '__proto__', 'constructor']);
      expect(Object.getOwnPropertyDescriptor(out[0], '__proto__')?.value).toBe(3);
      expect(out[0].constructor).toBe(2);
      await expectStillSane();
    });

    it('$replaceRoot can promote a __proto__ field', async () => {
      const out = await collection
        .aggregate([{ $sort: { _id: 1 } }, { $replaceRoot: { newRoot: '$__proto__' } }])
        .toArray();
      expect(out).toEqual([{ polluted: 1 }, { polluted: 2 }]);
      await expectStillSane();
    });
  });
});
