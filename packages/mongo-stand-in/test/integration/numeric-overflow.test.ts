/**
 * `$inc` and `$mul` keep mongod's number types: an int32 result that leaves the int32
 * range becomes an int64 (not a double, as the stand-in gave before), and an int64 result
 * that leaves the int64 range is refused rather than wrapped.
 */
import { Long, MongoServerError, type Collection } from 'mongodb';
import { standInPerFile, type NumberedDocument } from './driver-fixture';

describe('$inc and $mul overflow through the driver', () => {
  const fixture = standInPerFile('numeric_overflow');
  let collection: Collection<NumberedDocument>;
  beforeEach(() => {
    collection = fixture.collection();
  });

  /** The stored value of `n`, int64 as bigint and int32/double as number. */
  async function storedN(id: number): Promise<unknown> {
    const stored = await collection.findOne({ _id: id }, { useBigInt64: true });
    return stored?.n;
  }

  it('widens an int32 $inc result past the int32 range to an int64', async () => {
    await collection.insertMany([
      { _id: 1, n: 2_147_483_647 },
      { _id: 2, n: -2_147_483_648 },
      { _id: 3, n: 1 },
    ]);
    await collection.updateOne({ _id: 1 }, { $inc: { n: 1 } });
    await collection.updateOne({ _id: 2 }, { $inc: { n: -1 } });
    await collection.updateOne({ _id: 3 }, { $inc: { n: 1 } });
    expect(await storedN(1)).toBe(2_147_483_648n);
    expect(await storedN(2)).toBe(-2_147_483_649n);
    expect(await storedN(3)).toBe(2);
    expect(await collection.countDocuments({ n: { $type: 'long' } })).toBe(2);
  });

  it('widens an int32 $mul result past the int32 range to an int64', async () => {
    await collection.insertOne({ _id: 1, n: 65_536 });
    await collection.updateOne({ _id: 1 }, { $mul: { n: 65_536 } });
    expect(await storedN(1)).toBe(4_294_967_296n);
  });

  it('keeps int64 arithmetic exact and refuses to overflow it (2 BadValue)', async () => {
    await collection.insertMany([
      { _id: 1, n: Long.fromBigInt(9_223_372_036_854_775_806n) },
      { _id: 2, n: Long.fromBigInt(4_611_686_018_427_387_904n) },
    ]);
    await collection.updateOne({ _id: 1 }, { $inc: { n: 1 } });
    expect(await storedN(1)).toBe(9_223_372_036_854_775_807n);

    const inc = await collection.updateOne({ _id: 1 }, { $inc: { n: 1 } }).catch((e: unknown) => e);
    expect(inc).toBeInstanceOf(MongoServerError);
    expect(inc).toMatchObject({
      code: 2,
      message:
        'Failed to apply $inc operations to current value ((NumberLong)9223372036854775807) for document {_id: 1}',
    });
    expect(await storedN(1)).toBe(9_223_372_036_854_775_807n);

    const mul = await collection.updateOne({ _id: 2 }, { $mul: { n: 2 } }).catch((e: unknown) => e);
    expect(mul).toMatchObject({ code: 2 });
    expect(await storedN(2)).toBe(4_611_686_018_427_387_904n);
  });

  it('gives a double when either operand is a double', async () => {
    await collection.insertOne({ _id: 1, n: 2_147_483_647 });
    await collection.updateOne({ _id: 1 }, { $inc: { n: 0.5 } });
    expect(await storedN(1)).toBe(2_147_483_647.5);
  });
});
