/**
 * Queries that applications written over an ODM (Mongoose, Typegoose, Prisma's MongoDB
 * connector) send, answered as mongod 7.0 answers them: `$all` on scalars and BSON values,
 * results in a hinted index's order, `explain` of aggregations, and `$where`, which the
 * stand-in refuses as a mongod without server-side JavaScript does.
 */
import { Binary, UUID, type Document } from 'mongodb';
import { refusal, standInPerFile } from './driver-fixture';

describe('queries ODM-backed applications send', () => {
  const fixture = standInPerFile('odm_queries');

  const ids = (documents: Document[]) => documents.map((document) => document._id as number);

  describe('$all', () => {
    it('matches a scalar field equal to its only member, as an equality would', async () => {
      const collection = fixture.collection();
      await collection.insertMany([
        { _id: 1, tags: 'a' },
        { _id: 2, tags: ['a', 'b'] },
        { _id: 3, tags: 'b' },
        { _id: 4, tags: [['a']] },
      ]);
      expect(ids(await collection.find({ tags: { $all: ['a'] } }).toArray())).toEqual([1, 2]);
      expect(ids(await collection.find({ tags: { $all: ['a', 'b'] } }).toArray())).toEqual([2]);
      expect(ids(await collection.find({ tags: { $all: [['a']] } }).toArray())).toEqual([4]);
      expect(await collection.countDocuments({ tags: { $all: [] } })).toBe(0);
    });

    it('matches UUID and Binary values, alone or in arrays', async () => {
      const collection = fixture.collection();
      const [first, second] = [new UUID(), new UUID()];
      await collection.insertMany([
        { _id: 1, owners: [first, second] },
        { _id: 2, owners: first },
        { _id: 3, owners: [second] },
      ]);
      const wanted = new UUID(first.toHexString());
      expect(ids(await collection.find({ owners: { $all: [wanted] } }).toArray())).toEqual([1, 2]);
      const asBinary = new Binary(Buffer.from(first.buffer), Binary.SUBTYPE_UUID);
      expect(
        ids(await collection.find({ owners: { $all: [asBinary, second] } }).toArray()),
      ).toEqual([1]);
    });

    it('takes $elemMatch members, each matched by some element, and refuses mixing them', async () => {
      const collection = fixture.collection();
      await collection.insertMany([
        {
          _id: 1,
          lines: [
            { sku: 'x', qty: 1 },
            { sku: 'y', qty: 5 },
          ],
        },
        { _id: 2, lines: [{ sku: 'x', qty: 5 }] },
      ]);
      const filter = {
        lines: { $all: [{ $elemMatch: { sku: 'x' } }, { $elemMatch: { qty: { $gt: 2 } } }] },
      };
      expect(ids(await collection.find(filter).toArray())).toEqual([1, 2]);
      const both = { lines: { $all: [{ $elemMatch: { sku: 'x', qty: { $gt: 2 } } }] } };
      expect(ids(await collection.find(both).toArray())).toEqual([2]);
      const error = await refusal(
        collection.find({ lines: { $all: [{ $elemMatch: { sku: 'x' } }, 'y'] } }).toArray(),
      );
      expect([error.code, error.message]).toEqual([2, '$all/$elemMatch has to be consistent']);
    });
  });

  describe('$where', () => {
    it('is refused as by a mongod without server-side JavaScript, naming $expr', async () => {
      const collection = fixture.collection();
      await collection.insertOne({ _id: 1, a: 1, b: 1 });
      for (const filter of [
        { $where: 'this.a == this.b' },
        { $or: [{ $where: 'true' }, { a: 2 }] },
      ]) {
        const error = await refusal(collection.find(filter).toArray());
        expect([error.code, error.codeName]).toEqual([6108304, 'Location6108304']);
        expect(error.message).toContain('no globalScriptEngine in $where parsing');
        expect(error.message).toContain('$expr');
      }
      const missing = fixture.client().db('odm_queries').collection('missing');
      expect((await refusal(missing.find({ $where: 'true' }).toArray())).code).toBe(6108304);
      expect((await refusal(collection.deleteMany({ $where: 'true' }))).code).toBe(6108304);
      // What it would have said, in the query language:
      expect(await collection.countDocuments({ $expr: { $eq: ['$a', '$b'] } })).toBe(1);
    });

    it('is refused in an aggregation $match whatever the server settings (2)', async () => {
      const collection = fixture.collection();
      await collection.insertOne({ _id: 1 });
      const error = await refusal(collection.aggregate([{ $match: { $where: 'true' } }]).toArray());
      expect([error.code, error.message]).toEqual([2, '$where is not allowed in this context']);
    });
  });
});
