/**
 * The deprecated BSON symbol keeps its type, as on mongod: the stand-in's decoding promoted
 * it to a string, so `$type: 'symbol'` found nothing and a stored symbol came back a string.
 */
import { serialize } from 'bson';
import { BSONSymbol, Double, Int32 } from 'mongodb';
import { needsUnpromotedDecode } from '../../src/wire/bson-symbols';
import { standInPerFile } from './driver-fixture';

describe('BSON symbols', () => {
  const fixture = standInPerFile('bson_symbols');

  it('are stored as symbols beside numbers that stay numbers', async () => {
    const items = fixture.collection();
    await items.insertOne({
      _id: 1,
      s: new BSONSymbol('x'),
      nested: { list: [new BSONSymbol('y'), 2.5, 3] },
      n: 1,
      d: 1.5,
    });
    expect(await items.countDocuments({ s: { $type: 'symbol' } })).toBe(1);
    expect(await items.countDocuments({ 'nested.list': { $type: 'symbol' } })).toBe(1);
    expect(await items.countDocuments({ n: { $type: 'int' }, d: 1.5, 'nested.list': 3 })).toBe(1);
    const [raw] = await items.find({ _id: 1 }, { promoteValues: false }).toArray();
    expect(raw.s).toBeInstanceOf(BSONSymbol);
    expect(raw.n).toBeInstanceOf(Int32);
    expect(raw.d).toBeInstanceOf(Double);
  });

  it('are found by a walk over element headers, at any depth, without decoding', () => {
    expect(needsUnpromotedDecode(serialize({ a: 1, b: 'two', c: [{ d: new Date() }] }))).toBe(
      false,
    );
    expect(needsUnpromotedDecode(serialize({ a: 1, c: [{ d: new BSONSymbol('s') }] }))).toBe(true);
    // Malformed input is left to the decoder, which reports it.
    expect(needsUnpromotedDecode(Uint8Array.from([9, 0, 0, 0, 2, 97, 0, 200, 0]))).toBe(true);
  });
});
