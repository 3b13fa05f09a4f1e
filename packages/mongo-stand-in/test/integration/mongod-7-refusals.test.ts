/**
 * What a standalone mongod 7.0 refuses, the stand-in refuses too, with mongod's codes, so
 * code that would fail in production fails in tests: unknown command fields (`sort` on an
 * update is 8.0), write concerns only a replica set satisfies, hints to missing indexes.
 * Collations other than the simple one are refused as not implemented rather than
 * ignored; dropping a missing collection succeeds, as on 7.0.
 */
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import { refusal } from './driver-fixture';
import { startStandIn, type StandInServer } from '../../src/start-stand-in';

describe('what mongod 7.0 refuses', () => {
  let server: StandInServer;
  let client: MongoClient;
  let db: Db;
  let items: Collection<{ _id: number; n: number; s?: string } & Document>;

  beforeAll(async () => {
    server = await startStandIn();
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    db = client.db('refusals');
    items = db.collection('items');
  });

  beforeEach(async () => {
    await items.drop();
    await items.insertMany([
      { _id: 1, n: 2, s: 'a' },
      { _id: 2, n: 1, s: 'A' },
    ]);
    await items.createIndex({ n: 1 }, { name: 'by_n' });
  });

  afterAll(async () => {
    await client?.db('refusals').dropDatabase();
    await client?.close();
    await server?.stop();
  });

  describe('unknown command fields (40415)', () => {
    it('refuses sort on updateOne and replaceOne, an 8.0 option, and changes nothing', async () => {
      for (const operation of [
        () => items.updateOne({}, { $set: { x: 1 } }, { sort: { n: 1 } }),
        () => items.replaceOne({}, { n: 9 }, { sort: { n: 1 } }),
      ]) {
        const error = await refusal(operation());
        expect(error.code).toBe(40415);
        expect(error.message).toBe("BSON field 'update.updates.sort' is an unknown field.");
      }
      expect(await items.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
        { _id: 1, n: 2, s: 'a' },
        { _id: 2, n: 1, s: 'A' },
      ]);
    });

    it.each([
      ['find', { find: 'items', filter: {}, bogus: 1 }],
      ['aggregate', { aggregate: 'items', pipeline: [], cursor: {}, bogus: 1 }],
      ['insert', { insert: 'items', documents: [{ _id: 3 }], bogus: 1 }],
      ['delete', { delete: 'items', deletes: [{ q: {}, limit: 1 }], bogus: 1 }],
      ['findAndModify', { findAndModify: 'items', query: {}, remove: true, bogus: 1 }],
      ['count', { count: 'items', bogus: 1 }],
      ['distinct', { distinct: 'items', key: 'n', bogus: 1 }],
      ['createIndexes', { createIndexes: 'items', indexes: [], bogus: 1 }],
      ['drop', { drop: 'items', bogus: 1 }],
    ])('refuses an unknown field of %s', async (name, command) => {
      const error = await refusal(db.command(command));
      expect(error.code).toBe(40415);
      expect(error.message).toBe(`BSON field '${name}.bogus' is an unknown field.`);
    });

    it('refuses an unknown field of a delete statement, and hint on distinct (7.1)', async () => {
      const statement = await refusal(
        db.command({ delete: 'items', deletes: [{ q: {}, limit: 1, sort: { n: 1 } }] }),
      );
      expect(statement.message).toBe("BSON field 'delete.deletes.sort' is an unknown field.");
      const distinct = await refusal(db.command({ distinct: 'items', key: 'n', hint: 'by_n' }));
      expect(distinct.message).toBe("BSON field 'distinct.hint' is an unknown field.");
      expect(await items.countDocuments()).toBe(2);
    });

    it('accepts the generic arguments and the options each command has on 7.0', async () => {
      const options = { comment: 'c', maxTimeMS: 1_000, readConcern: { level: 'local' } } as const;
      await expect(
        items.find({ n: 2 }, { ...options, allowDiskUse: true }).toArray(),
      ).resolves.toHaveLength(1);
      await expect(items.countDocuments({}, options)).resolves.toBe(2);
      await expect(items.distinct('n', {}, options)).resolves.toEqual([1, 2]);
      await expect(
        items.updateOne({ _id: 1 }, { $set: { x: 1 } }, { comment: 'c', hint: 'by_n' }),
      ).resolves.toMatchObject({ modifiedCount: 1 });
      await expect(
        items.findOneAndUpdate({ _id: 2 }, { $set: { x: 1 } }, { comment: 'c', hint: { n: 1 } }),
      ).resolves.toMatchObject({ _id: 2 });
      await expect(
        db.command({ ping: 1, comment: 'anything', apiVersion: '1' }),
      ).resolves.toMatchObject({ ok: 1 });
    });
  });

  describe('write concerns', () => {
    it.each([
      [{ w: 2 }, 2, "cannot use 'w' > 1 when a host is not replicated"],
      [
        { w: 'dc1' },
        2,
        "cannot use non-majority 'w' mode dc1 when a host is not a member of a replica set",
      ],
      [{ w: 51 }, 9, 'w has to be a non-negative number and not greater than 50; found: 51'],
      [{ w: -1 }, 9, 'w has to be a non-negative number and not greater than 50; found: -1'],
      [{ w: true }, 9, 'w has to be a number, string, or object'],
      [{ j: 'yes' }, 14, undefined],
      [{ j: true, fsync: true }, 9, 'fsync and j options cannot be used together'],
      [{ w: 1, x: 1 }, 40415, "BSON field 'WriteConcernOptions.x' is an unknown field."],
    ])('refuses %j before writing anything', async (writeConcern, code, message) => {
      const error = await refusal(
        db.command({ insert: 'items', documents: [{ _id: 10 }], writeConcern }),
      );
      expect(error.code).toBe(code);
      if (message !== undefined) expect(error.message).toBe(message);
      expect(await items.countDocuments({ _id: 10 })).toBe(0);
    });

    it('refuses a write concern that is not a document (14)', async () => {
      const error = await refusal(
        db.command({ insert: 'items', documents: [{ _id: 10 }], writeConcern: 'majority' }),
      );
      expect(error.code).toBe(14);
    });

    it("accepts w: 'majority', 1 and 0, j and wtimeout", async () => {
      await items.insertOne({ _id: 11, n: 0 }, { writeConcern: { w: 'majority', wtimeout: 100 } });
      await items.insertOne({ _id: 12, n: 0 }, { writeConcern: { w: 1, journal: true } });
      await db.command({
        delete: 'items',
        deletes: [{ q: { _id: 11 }, limit: 1 }],
        writeConcern: { w: 1, j: false },
      });
      const unacknowledged = await items.insertOne({ _id: 13, n: 0 }, { writeConcern: { w: 0 } });
      expect(unacknowledged.acknowledged).toBe(false);
      await expect(items.countDocuments({ n: 0 })).resolves.toBe(2);
    });
  });

  describe('collation', () => {
    const caseInsensitive = { locale: 'en', strength: 2 };

    it('refuses any collation but the simple one (238 NotImplemented), never ignoring it', async () => {
      for (const operation of [
        () => items.find({ s: 'a' }, { collation: caseInsensitive }).toArray(),
        () => items.countDocuments({ s: 'a' }, { collation: caseInsensitive }),
        () => items.updateOne({ s: 'a' }, { $set: { x: 1 } }, { collation: caseInsensitive }),
        () => items.deleteMany({ s: 'a' }, { collation: caseInsensitive }),
        () => items.createIndex({ s: 1 }, { unique: true, collation: caseInsensitive }),
        () => db.createCollection('collated', { collation: caseInsensitive }),
      ]) {
        const error = await refusal(operation());
        expect(error.code).toBe(238);
        expect(error.message).toContain('the stand-in implements only the simple collation');
      }
      expect(await items.countDocuments({ x: 1 })).toBe(0);
      expect(await items.indexes()).toHaveLength(2);
    });

    it('accepts the simple collation, which compares binary as the stand-in does', async () => {
      const simple = { locale: 'simple' };
      await expect(items.find({ s: 'a' }, { collation: simple }).toArray()).resolves.toEqual([
        { _id: 1, n: 2, s: 'a' },
      ]);
    });

    it('refuses a collation that is not a document (14)', async () => {
      const error = await refusal(db.command({ find: 'items', collation: 'en' }));
      expect(error.code).toBe(14);
    });
  });

  describe('hint', () => {
    it.each([
      ['find', () => items.find({}, { hint: 'missing' }).toArray()],
      ['find by key', () => items.find({}, { hint: { s: 1 } }).toArray()],
      ['count', () => db.command({ count: 'items', hint: 'missing' })],
      ['aggregate', () => items.aggregate([], { hint: { n: -1 } }).toArray()],
      ['updateOne', () => items.updateOne({}, { $set: { x: 1 } }, { hint: 'missing' })],
      ['deleteOne', () => items.deleteOne({}, { hint: { s: 1 } })],
      ['findOneAndDelete', () => items.findOneAndDelete({}, { hint: { missing: 1 } })],
    ])('refuses %s naming a missing index (2 BadValue)', async (_name, operation) => {
      const error = await refusal(operation());
      expect(error.code).toBe(2);
      expect(error.message).toContain('hint provided does not correspond to an existing index');
      expect(await items.countDocuments()).toBe(2);
    });

    it('accepts an existing index by name or key, $natural, and any hint on a missing collection', async () => {
      await expect(items.find({}, { hint: 'by_n' }).toArray()).resolves.toHaveLength(2);
      await expect(items.find({}, { hint: { _id: 1 } }).toArray()).resolves.toHaveLength(2);
      await expect(items.find({}, { hint: { $natural: -1 } }).toArray()).resolves.toHaveLength(2);
      await expect(
        db.collection('absent').find({}, { hint: 'missing' }).toArray(),
      ).resolves.toEqual([]);
    });
  });

  it('drops a missing collection without error, as 7.0 does', async () => {
    await expect(db.command({ drop: 'never-created' })).resolves.toMatchObject({ ok: 1 });
    await expect(db.collection('never-created').drop()).resolves.toBe(true);
  });

  it('refuses a $-prefixed field anywhere in an _id document (52), storing nothing', async () => {
    const ids = db.collection<{ _id: Document }>('dollar_ids');
    for (const _id of [{ $a: 1 }, { a: { $b: 1 } }]) {
      const error = await refusal(ids.insertOne({ _id }));
      expect(error).toMatchObject({ code: 52 });
      expect(error.message).toContain("_id fields may not contain '$'-prefixed fields");
    }
    const upsert = await refusal(ids.replaceOne({ k: 1 }, { _id: { $c: 1 } }, { upsert: true }));
    expect(upsert.code).toBe(52);
    expect(await ids.countDocuments()).toBe(0);
    await ids.drop();
  });

  it.each([
    ['a clustered index', { clusteredIndex: { key: { _id: 1 }, unique: true } }],
    ['encrypted fields', { encryptedFields: { fields: [] } }],
  ])(
    'refuses to create a collection with %s it would not enforce (238)',
    async (_what, options) => {
      const error = await refusal(db.createCollection('unenforced', options));
      expect(error).toMatchObject({ code: 238, codeName: 'NotImplemented' });
      expect(await db.listCollections({ name: 'unenforced' }).toArray()).toEqual([]);
    },
  );

  it('refuses snapshot reads, which need a replica set (123)', async () => {
    const error = await refusal(db.command({ find: 'items', readConcern: { level: 'snapshot' } }));
    expect(error).toMatchObject({ code: 123, codeName: 'NotAReplicaSet' });
  });
});
