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

  describe('hint', () => {
    /** Inserted out of `rank` order, with an index on it and a sparse one on `team`, `rank`. */
    async function ranked() {
      const collection = fixture.collection();
      await collection.insertMany([
        { _id: 1, rank: 3, team: 'b' },
        { _id: 2, rank: 1 },
        { _id: 3, rank: 2, team: 'a' },
        { _id: 4, rank: 1, team: 'a' },
        { _id: 5 },
      ]);
      await collection.createIndex({ rank: 1 }, { name: 'by_rank' });
      await collection.createIndex({ team: -1, rank: 1 }, { sparse: true });
      return collection;
    }

    it("returns an unsorted find's documents in the hinted index's order, ties in insertion order", async () => {
      const collection = await ranked();
      expect(ids(await collection.find({}, { hint: { rank: 1 } }).toArray())).toEqual([
        5, 2, 4, 3, 1,
      ]);
      expect(
        ids(await collection.find({ rank: { $gte: 1 } }, { hint: 'by_rank' }).toArray()),
      ).toEqual([2, 4, 3, 1]);
      const page = await collection.find({}, { hint: { rank: 1 }, skip: 2, limit: 2 }).toArray();
      expect(ids(page)).toEqual([4, 3]);
      const byId = await collection.find({}, { hint: { _id: 1 }, sort: {} }).toArray();
      expect(ids(byId)).toEqual([1, 2, 3, 4, 5]);
      // An explicit sort still decides; the hint only chooses the index.
      const sorted = await collection.find({}, { hint: { rank: 1 }, sort: { _id: -1 } }).toArray();
      expect(ids(sorted)).toEqual([5, 4, 3, 2, 1]);
    });

    it('shows the hinted index in explain, even where the planner would scan', async () => {
      const collection = await ranked();
      const plan = async (hint: Document) =>
        (await collection.find({ rank: { $gte: 1 } }, { hint }).explain()).queryPlanner
          .winningPlan as Document;
      expect(await plan({ rank: 1 })).toMatchObject({
        stage: 'FETCH',
        inputStage: {
          stage: 'IXSCAN',
          indexName: 'by_rank',
          indexBounds: { rank: ['[1, inf.0]'] },
        },
      });
      expect(await plan({ team: -1, rank: 1 })).toMatchObject({
        inputStage: {
          indexName: 'team_-1_rank_1',
          indexBounds: { team: ['[MaxKey, MinKey]'] },
        },
      });
    });

    it('makes a single update, findAndModify or delete take the first document in hinted order', async () => {
      const collection = await ranked();
      await collection.updateOne(
        { rank: { $gte: 1 } },
        { $set: { picked: 1 } },
        { hint: { rank: 1 } },
      );
      expect(ids(await collection.find({ picked: 1 }).toArray())).toEqual([2]);
      const found = await collection.findOneAndUpdate(
        { team: { $exists: true } },
        { $set: { picked: 2 } },
        { hint: { team: -1, rank: 1 } },
      );
      expect(found?._id).toBe(1);
      await collection.deleteOne({ rank: { $gte: 2 } }, { hint: 'by_rank' });
      expect(ids(await collection.find({ rank: { $gte: 2 } }).toArray())).toEqual([1]);
    });

    it('reads a sparse index only where it has entries, and $natural: -1 backwards', async () => {
      const collection = await ranked();
      // Documents with neither field (5) are not in it; a missing team sorts as null, last.
      const sparse = await collection.find({}, { hint: { team: -1, rank: 1 } }).toArray();
      expect(ids(sparse)).toEqual([1, 4, 3, 2]);
      expect(ids(await collection.find({}, { hint: { $natural: -1 } }).toArray())).toEqual([
        5, 4, 3, 2, 1,
      ]);
    });
  });

  describe('explain of an aggregation', () => {
    async function indexed() {
      const collection = fixture.collection();
      // One open item among ten: the index is worth reading for it.
      await collection.insertMany(
        Array.from({ length: 10 }, (_, i) => ({
          _id: i,
          status: i === 3 ? 'open' : 'done',
          size: i,
        })),
      );
      await collection.createIndex({ status: 1 });
      return collection;
    }

    it('answers the driver with the index plan of a leading $match and the other stages', async () => {
      const collection = await indexed();
      const pipeline = [
        { $match: { status: 'open' } },
        { $group: { _id: null, total: { $sum: '$size' } } },
      ];
      const explained = await collection.aggregate(pipeline).explain();
      expect(explained.explainVersion).toBe('1');
      const [cursor, group] = explained.stages as Document[];
      expect(cursor.$cursor.queryPlanner).toMatchObject({
        namespace: `odm_queries.${collection.collectionName}`,
        parsedQuery: { status: 'open' },
        winningPlan: {
          stage: 'FETCH',
          inputStage: {
            stage: 'IXSCAN',
            indexName: 'status_1',
            indexBounds: { status: ['["open", "open"]'] },
          },
        },
      });
      expect(group).toEqual(pipeline[1]);
      expect(explained.command).toMatchObject({ aggregate: collection.collectionName, pipeline });
    });

    it('gives a pipeline the planner runs whole as queryPlanner, also for explain: true', async () => {
      const collection = await indexed();
      const pipeline = [
        { $match: { status: { $gte: 'a' } } },
        { $sort: { status: 1 } },
        { $limit: 1 },
      ];
      const db = fixture.client().db('odm_queries');
      const reply = await db.command({
        aggregate: collection.collectionName,
        pipeline,
        explain: true,
      });
      expect(reply.stages).toBeUndefined();
      expect(reply.queryPlanner.winningPlan).toMatchObject({
        stage: 'LIMIT',
        limitAmount: 1,
        inputStage: { stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: 'status_1' } },
      });
      const wrapped = await db.command({
        explain: { aggregate: collection.collectionName, pipeline: [], cursor: {} },
      });
      expect(wrapped.queryPlanner.winningPlan).toEqual({
        stage: 'COLLSCAN',
        filter: {},
        direction: 'forward',
      });
      // Explaining runs nothing: a final $out writes no collection.
      await collection.aggregate([{ $out: 'never_written' }]).explain();
      const names = await db.listCollections({ name: 'never_written' }).toArray();
      expect(names).toEqual([]);
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
