/**
 * What mongod 7.0 refuses to store, refused through the driver with its codes, and nothing
 * written: arrays padded past 1,500,000 nulls, documents over 16 MiB, nesting over 100
 * levels. One such update used to grow the stand-in until V8 died, taking the host test
 * process with it, or stored a document no client could read back.
 */
import { type Collection, type Document } from 'mongodb';
import { refusal, standInPerFile, type NumberedDocument } from './driver-fixture';

const MIB = 1024 * 1024;

/** A document whose deepest field sits at `depth` (a top-level field is at depth 1). */
function nestedTo(depth: number): Document {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value as Document;
}

describe('document limits through the driver', () => {
  const fixture = standInPerFile('document_limits');
  let collection: Collection<NumberedDocument>;
  beforeEach(() => {
    collection = fixture.collection();
  });

  it('refuses to pad an array past 1,500,000 nulls (34 CannotBackfillArray)', async () => {
    await collection.insertOne({ _id: 1, a: [] });
    const error = await refusal(collection.updateOne({ _id: 1 }, { $set: { 'a.150000000': 1 } }));
    expect(error.code).toBe(34);
    expect(error.message).toBe("can't backfill more than 1500000 elements");
    await refusal(collection.updateOne({ _id: 1 }, { $set: { 'a.1500001': 1 } }));
    expect(await collection.findOne({ _id: 1 })).toEqual({ _id: 1, a: [] });
    await collection.updateOne({ _id: 1 }, { $set: { 'a.3': 1 } });
    expect(await collection.findOne({ _id: 1 })).toEqual({ _id: 1, a: [null, null, null, 1] });
    await expect(fixture.client().db('admin').command({ ping: 1 })).resolves.toEqual({ ok: 1 });
  });

  it('refuses an update that grows a document past 16 MiB (17419), leaving it as it was', async () => {
    const nineMiB = 'x'.repeat(9 * MIB);
    await collection.insertOne({ _id: 1, a: nineMiB });
    const error = await refusal(
      collection.updateOne({ _id: 1 }, { $set: { b: 'y'.repeat(8 * MIB) } }),
    );
    expect(error).toMatchObject({ code: 17419 });
    expect(error.message).toBe('Resulting document after update is larger than 16777216');
    const piped = await refusal(collection.updateOne({ _id: 1 }, [{ $set: { b: '$a' } }]));
    expect(piped.code).toBe(17419);
    const stored = await collection.findOne({ _id: 1 });
    expect(Object.keys(stored!)).toEqual(['_id', 'a']);
    expect((stored!.a as string).length).toBe(9 * MIB);
  });

  it('measures an update of an updated document by what it changes, nested writes and -0 included', async () => {
    // { _id: 1, a: <string>, n: 0, m: 1 } takes 36 bytes besides the string's characters.
    const characters = 16 * MIB - 38;
    await collection.insertOne({ _id: 1, a: 'x'.repeat(characters), n: 0 });
    await collection.updateOne({ _id: 1 }, { $set: { m: 1 } });
    // 0 is an int32 (4 bytes), -0 a double (8): the document would be 2 bytes over.
    const negativeZero = await refusal(collection.updateOne({ _id: 1 }, { $set: { n: -0 } }));
    expect(negativeZero.code).toBe(17419);
    const nested = await refusal(collection.updateOne({ _id: 1 }, { $set: { 'o.p': 1 } }));
    expect(nested.code).toBe(17419);
    // Shrinking one field makes room for the others: 3 bytes to spare after.
    await collection.updateOne({ _id: 1 }, { $set: { a: 'x'.repeat(characters - 20) } });
    await collection.updateOne({ _id: 1 }, { $set: { 'o.p': 1, n: -0 } });
    const stored = await collection.findOne({ _id: 1 }, { projection: { a: 0 } });
    expect(stored).toEqual({ _id: 1, n: -0, m: 1, o: { p: 1 } });
    expect(Object.is(stored!.n, -0)).toBe(true);
    const over = await refusal(collection.updateOne({ _id: 1 }, { $set: { q: 'abcd' } }));
    expect(over.code).toBe(17419);
  });

  it('refuses an upsert that would insert more than 16 MiB (17420), inserting nothing', async () => {
    const nineMiB = 'x'.repeat(9 * MIB);
    const error = await refusal(
      collection.updateOne({ _id: 1, a: nineMiB }, [{ $set: { b: '$a' } }], { upsert: true }),
    );
    expect(error).toMatchObject({ code: 17420 });
    expect(error.message).toBe('Document to upsert is larger than 16777216');
    expect(await collection.countDocuments({})).toBe(0);
  });

  it('refuses to insert a document over 16 MiB (2 BadValue)', async () => {
    const error = await refusal(collection.insertOne({ _id: 1, a: 'x'.repeat(16 * MIB) }));
    expect(error.code).toBe(2);
    expect(error.message).toMatch(
      /^object to insert too large\. size in bytes: \d+, max size: 16777216$/,
    );
    expect(await collection.countDocuments({})).toBe(0);
  });

  it('stores 100 levels of nesting and refuses 101 on insert (74 Overflow)', async () => {
    await collection.insertOne({ _id: 1, ...nestedTo(100) });
    const error = await refusal(collection.insertOne({ _id: 2, ...nestedTo(101) }));
    expect(error.code).toBe(74);
    expect(error.message).toBe('cannot insert document because it exceeds 100 levels of nesting');
    // Empty documents and arrays add no level.
    await collection.insertOne({ _id: 3, ...nestedTo(99), b: nestedTo(99), c: {} });
    expect(await collection.countDocuments({})).toBe(2);
  });

  it('refuses an update that nests deeper than 100 levels (74 Overflow)', async () => {
    await collection.insertOne({ _id: 1 });
    const path = (depth: number): string => Array.from({ length: depth }, () => 'a').join('.');
    await collection.updateOne({ _id: 1 }, { $set: { [path(100)]: 1 } });
    const error = await refusal(
      collection.updateOne({ _id: 1 }, { $set: { [`b.${path(100)}`]: 1 } }),
    );
    expect(error).toMatchObject({ code: 74 });
    expect(error.message).toBe('Document exceeds maximum nesting depth of 100');
    expect(await collection.findOne({ _id: 1 })).toEqual({ _id: 1, ...nestedTo(100) });
    const upsert = await refusal(
      collection.updateOne({ _id: 2 }, { $set: { [path(101)]: 1 } }, { upsert: true }),
    );
    expect(upsert.code).toBe(74);
    expect(await collection.countDocuments({})).toBe(1);
  });
});
