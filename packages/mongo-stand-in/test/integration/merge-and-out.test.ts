/**
 * `$merge` and `$out`, the aggregation stages that write, as MongoDB 7.0 runs them. Before
 * `$merge` was implemented the stand-in refused it outright (code 2), and `$out` wrote to
 * `system.` collections, internal databases and capped collections that mongod refuses.
 */
import type { Document } from 'mongodb';
import { refusal, standInPerFile } from './driver-fixture';

/** Documents with the numbers and strings these tests use as `_id`. */
type Stored = Document & { _id: number | string };

describe('$merge', () => {
  const fixture = standInPerFile('merge_stage');
  const db = () => fixture.client().db('merge_stage');
  const target = () => db().collection<Stored>(`${fixture.collection().collectionName}_target`);
  const merge = (stage: unknown, pipeline: Document[] = []) =>
    fixture
      .collection()
      .aggregate([...pipeline, { $merge: stage }])
      .toArray();
  const stored = () =>
    target()
      .find({}, { sort: { _id: 1 } })
      .toArray();

  beforeEach(async () => {
    await fixture.collection().insertMany([
      { _id: 1, a: 1, k: 'x' },
      { _id: 2, a: 2, k: 'y' },
    ]);
  });

  afterEach(async () => {
    await target().drop();
  });

  it('inserts into a new collection, then merges fields into matching documents', async () => {
    await expect(merge(target().collectionName)).resolves.toEqual([]);
    expect(await stored()).toEqual([
      { _id: 1, a: 1, k: 'x' },
      { _id: 2, a: 2, k: 'y' },
    ]);
    await target().updateOne({ _id: 1 }, { $set: { kept: true } });
    await merge(target().collectionName, [{ $set: { a: { $add: ['$a', 10] } } }]);
    expect(await stored()).toEqual([
      { _id: 1, a: 11, k: 'x', kept: true },
      { _id: 2, a: 12, k: 'y' },
    ]);
  });

  it('replaces, keeps or refuses a matched document, as whenMatched says', async () => {
    await target().insertOne({ _id: 1, old: true });
    await merge({ into: target().collectionName, whenMatched: 'keepExisting' });
    expect(await stored()).toEqual([
      { _id: 1, old: true },
      { _id: 2, a: 2, k: 'y' },
    ]);
    await merge({ into: target().collectionName, whenMatched: 'replace' });
    expect(await stored()).toEqual([
      { _id: 1, a: 1, k: 'x' },
      { _id: 2, a: 2, k: 'y' },
    ]);
    const error = await refusal(merge({ into: target().collectionName, whenMatched: 'fail' }));
    expect(error.code).toBe(11000);
  });

  it('runs a whenMatched pipeline that reads the result as $$new and its let variables', async () => {
    await target().insertMany([
      { _id: 1, total: 100 },
      { _id: 3, total: 7 },
    ]);
    await merge({
      into: target().collectionName,
      let: { bonus: { $multiply: ['$a', 1000] } },
      whenMatched: [{ $set: { total: { $add: ['$total', '$$new.a', '$$bonus'] } } }],
      whenNotMatched: 'insert',
    });
    expect(await stored()).toEqual([
      { _id: 1, total: 1101 },
      { _id: 2, a: 2, k: 'y' },
      { _id: 3, total: 7 },
    ]);
  });

  it('discards or refuses unmatched results, as whenNotMatched says', async () => {
    await target().insertOne({ _id: 1 });
    await merge({ into: target().collectionName, whenNotMatched: 'discard' });
    expect(await stored()).toEqual([{ _id: 1, a: 1, k: 'x' }]);
    const error = await refusal(merge({ into: target().collectionName, whenNotMatched: 'fail' }));
    expect(error).toMatchObject({ code: 13113, codeName: 'MergeStageNoMatchingDocument' });
  });

  it('matches on other fields only with a unique index on exactly them', async () => {
    const refused = await refusal(merge({ into: target().collectionName, on: 'k' }));
    expect(refused.code).toBe(51183);
    await target().createIndex({ k: 1 }, { unique: true });
    await target().insertOne({ _id: 'other', k: 'x', old: true });
    await merge({ into: target().collectionName, on: 'k' }, [{ $project: { _id: 0 } }]);
    expect(await target().find({ k: 'x' }).toArray()).toEqual([
      { _id: 'other', k: 'x', old: true, a: 1 },
    ]);
    expect(await target().countDocuments({ k: 'y' })).toBe(1);
  });

  it('writes into another database', async () => {
    const other = fixture.client().db('merge_stage_other').collection('into');
    await merge({ into: { db: 'merge_stage_other', coll: 'into' } });
    expect(await other.countDocuments()).toBe(2);
    await fixture.client().db('merge_stage_other').dropDatabase();
  });

  it('merges a collection into itself', async () => {
    await fixture
      .collection()
      .aggregate([
        { $set: { a: { $multiply: ['$a', 3] } } },
        { $merge: fixture.collection().collectionName },
      ])
      .toArray();
    expect(
      await fixture
        .collection()
        .find({}, { sort: { _id: 1 } })
        .toArray(),
    ).toEqual([
      { _id: 1, a: 3, k: 'x' },
      { _id: 2, a: 6, k: 'y' },
    ]);
  });

  it.each([
    [{ whenMatched: 'keepExisting', whenNotMatched: 'fail' }, 51181],
    [{ whenMatched: 'merge', let: { v: 1 } }, 51199],
    [{ whenMatched: [{ $set: { x: 1 } }], let: { new: 1 } }, 51273],
    [{ on: ['_id', '_id'] }, 31465],
    [{ whenMatched: 'sometimes' }, 2],
    [{ unknown: 1 }, 40415],
  ])('refuses the spec %j with %i', async (spec, code) => {
    const error = await refusal(merge({ into: target().collectionName, ...spec }));
    expect(error.code).toBe(code);
  });

  it('refuses results whose on field is missing or an array', async () => {
    await target().createIndex({ k: 1 }, { unique: true });
    const missing = await refusal(
      merge({ into: target().collectionName, on: 'k' }, [{ $unset: 'k' }]),
    );
    expect(missing.code).toBe(51132);
    const array = await refusal(
      merge({ into: target().collectionName, on: 'k' }, [{ $set: { k: ['$k'] } }]),
    );
    expect(array.code).toBe(51185);
  });

  it.each([
    ['system.things', 'merge_stage', 31319],
    ['things', 'admin', 31320],
  ])('refuses to write into %s of %s', async (coll, dbName, code) => {
    const error = await refusal(merge({ into: { db: dbName, coll } }));
    expect(error.code).toBe(code);
  });

  it('must be the last stage, and is refused inside a sub-pipeline', async () => {
    const early = await refusal(
      fixture
        .collection()
        .aggregate([{ $merge: target().collectionName }, { $match: {} }])
        .toArray(),
    );
    expect(early.code).toBe(40601);
    const nested = await refusal(
      fixture
        .collection()
        .aggregate([
          {
            $lookup: {
              from: target().collectionName,
              pipeline: [{ $merge: 'elsewhere' }],
              as: 'x',
            },
          },
        ])
        .toArray(),
    );
    expect(nested.code).toBe(51047);
  });
});

describe('$out', () => {
  const fixture = standInPerFile('out_stage');
  const out = (spec: unknown) =>
    fixture
      .collection()
      .aggregate([{ $out: spec }])
      .toArray();

  beforeEach(async () => {
    await fixture.collection().insertMany([
      { _id: 1, k: 'same' },
      { _id: 2, k: 'same' },
    ]);
  });

  it('writes into another database, replacing what was there', async () => {
    const other = fixture.client().db('out_stage_other').collection<Stored>('into');
    await other.insertOne({ _id: 'old' });
    await out({ db: 'out_stage_other', coll: 'into' });
    expect(await other.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, k: 'same' },
      { _id: 2, k: 'same' },
    ]);
    await fixture.client().db('out_stage_other').dropDatabase();
  });

  it('leaves the target as it was when a result breaks its unique index', async () => {
    const into = fixture.client().db('out_stage').collection<Stored>('unique_into');
    await into.createIndex({ k: 1 }, { unique: true });
    await into.insertOne({ _id: 'kept', k: 'only' });
    const error = await refusal(out('unique_into'));
    expect(error.code).toBe(11000);
    expect(await into.find().toArray()).toEqual([{ _id: 'kept', k: 'only' }]);
    await into.drop();
  });

  it.each([
    [{ db: 'out_stage', coll: 'system.things' }, 17385],
    [{ db: 'config', coll: 'things' }, 31321],
  ])('refuses the target %j with %i', async (spec, code) => {
    const error = await refusal(out(spec));
    expect(error.code).toBe(code);
  });

  it('refuses a view and a capped collection as its target', async () => {
    const db = fixture.client().db('out_stage');
    await db.createCollection('a_view', { viewOn: fixture.collection().collectionName });
    await db.createCollection('a_capped', { capped: true, size: 4096 });
    expect((await refusal(out('a_view'))).code).toBe(166);
    expect((await refusal(out('a_capped'))).code).toBe(17152);
    await db.dropCollection('a_view');
    await db.dropCollection('a_capped');
  });
});
