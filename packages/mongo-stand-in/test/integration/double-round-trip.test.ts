/**
 * A double keeps its BSON type through the stand-in, as on mongod, even when its value is
 * integral (`Double(42)`, what an ODM's double schema type sends): reads with
 * `promoteValues: false` get a `Double` back and `$type` tells it from an int32.
 */
import { Double, MongoServerError } from 'mongodb';
import { standInPerFile } from './driver-fixture';

describe('doubles with integral values', () => {
  const fixture = standInPerFile('doubles');

  beforeEach(async () => {
    await fixture.collection().insertMany([
      { _id: 1, v: new Double(42), nested: { list: [new Double(1), 2] } },
      { _id: 2, v: 42 },
      { _id: 3, v: 42.5 },
    ]);
  });

  /** A raw value's BSON type and value: toEqual alone would take an Int32 for a Double. */
  const typed = (value: unknown): [string, number] => {
    const raw = value as { _bsontype: string; value: number };
    return [raw._bsontype, raw.value];
  };

  const ids = async (filter: object): Promise<number[]> =>
    (await fixture.collection().find(filter).sort({ _id: 1 }).toArray()).map(({ _id }) => _id);

  it('are read back as Double, beside int32 and fractional doubles', async () => {
    const raw = await fixture
      .collection()
      .find({}, { promoteValues: false })
      .sort({ _id: 1 })
      .toArray();
    expect(raw.map(({ v }) => typed(v))).toEqual([
      ['Double', 42],
      ['Int32', 42],
      ['Double', 42.5],
    ]);
    expect(raw[0].nested.list.map(typed)).toEqual([
      ['Double', 1],
      ['Int32', 2],
    ]);
  });

  it("match $type 'double' and not $type 'int'", async () => {
    await expect(ids({ v: { $type: 'double' } })).resolves.toEqual([1, 3]);
    await expect(ids({ v: { $type: 'int' } })).resolves.toEqual([2]);
    await expect(ids({ v: { $type: 'number' } })).resolves.toEqual([1, 2, 3]);
  });

  it('still equal the int32 of the same value, in queries and unique indexes', async () => {
    await expect(ids({ v: 42 })).resolves.toEqual([1, 2]);
    await expect(ids({ v: new Double(42) })).resolves.toEqual([1, 2]);
    await expect(ids({ v: { $gte: 42, $lt: 42.5 } })).resolves.toEqual([1, 2]);
    const error = await fixture
      .collection()
      .createIndex({ v: 1 }, { unique: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(11000);
  });

  it('stay doubles through $inc and $set, as mongod types the result', async () => {
    await fixture.collection().updateOne({ _id: 1 }, { $inc: { v: 1 } });
    await fixture.collection().updateOne({ _id: 2 }, { $set: { v: new Double(7) } });
    const raw = await fixture
      .collection()
      .find({ _id: { $in: [1, 2] } }, { promoteValues: false })
      .sort({ _id: 1 })
      .toArray();
    expect(raw.map(({ v }) => typed(v))).toEqual([
      ['Double', 43],
      ['Double', 7],
    ]);
  });

  it('add up with the others in an aggregation', async () => {
    const [total] = await fixture
      .collection()
      .aggregate([{ $group: { _id: null, sum: { $sum: '$v' }, max: { $max: '$v' } } }])
      .toArray();
    expect(total).toEqual({ _id: null, sum: 126.5, max: 42.5 });
  });

  it('take part in expressions of a find projection', async () => {
    const found = await fixture
      .collection()
      .find({}, { projection: { w: { $add: ['$v', 1] } } })
      .sort({ _id: 1 })
      .toArray();
    expect(found).toEqual([
      { _id: 1, w: 43 },
      { _id: 2, w: 43 },
      { _id: 3, w: 43.5 },
    ]);
    expect(Object.keys(found[0])).toEqual(['_id', 'w']);
  });
});
