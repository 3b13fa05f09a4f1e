import { Binary, Code, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { compareValues, identicalValues, valuesEqual } from '../../src/engine/bson-compare';
import { cloneDocument } from '../../src/engine/bson-clone';
import { canonicalKey } from '../../src/engine/canonical-key';
import { compileFilter } from '../../src/engine/query-matcher';
import { parseSortSpec, sortDocuments } from '../../src/engine/sort-documents';
import { CommandFailure } from '../../src/command-types';

describe('BSON comparison', () => {
  it('orders values of different types by the canonical BSON type order', () => {
    const id = new ObjectId();
    const ordered = [
      new MinKey(),
      null,
      -1,
      Long.fromNumber(2),
      2.5,
      'a',
      { a: 1 },
      [1],
      new Binary(Buffer.from('x')),
      id,
      false,
      true,
      new Date(0),
      new Timestamp({ t: 1, i: 1 }),
      /re/,
      new MaxKey(),
    ];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(compareValues)).toEqual(ordered);
  });

  it('compares numbers of every representation by value', () => {
    expect(valuesEqual(1, Long.fromNumber(1))).toBe(true);
    expect(valuesEqual(1, Decimal128.fromString('1.0'))).toBe(true);
    expect(compareValues(Long.fromString('9007199254740993'), 9007199254740992)).toBe(1);
    expect(compareValues(Long.fromNumber(10), 9.5)).toBe(1);
    expect(compareValues(Number.NaN, -Infinity)).toBe(-1);
  });

  it('orders the values index keys hold most as MongoDB does: strings, numbers, dates and ObjectIds', () => {
    expect(compareValues('b', 'ab')).toBe(1);
    expect(compareValues('', 'a')).toBe(-1);
    expect(compareValues(-0, 0)).toBe(0);
    expect(compareValues(Number.NaN, Number.NaN)).toBe(0);
    expect(compareValues(1, Number.NaN)).toBe(1);
    expect(compareValues(Number.NaN, Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(compareValues(1e300, Number.POSITIVE_INFINITY)).toBe(-1);
    expect(compareValues(new Date(5), new Date(4))).toBe(1);
    expect(compareValues(new Date(Number.NaN), new Date(Number.NaN))).toBe(0);
    expect(compareValues(new Date(0), 'a')).toBe(1);
    // ObjectIds order as their hex strings, byte by byte from the timestamp.
    const hexes = [
      '000000000000000000000000',
      '00000000000000000000000f',
      '0000000000000000000000f0',
      '7fffffff0000000000000000',
      '800000000000000000000000',
      'ffffffffffffffffffffffff',
    ];
    const ids = hexes.map((hex) => new ObjectId(hex));
    expect(
      [...ids]
        .reverse()
        .sort(compareValues)
        .map((id) => id.toHexString()),
    ).toEqual(hexes);
    expect(compareValues(new ObjectId(hexes[1]), new ObjectId(hexes[1]))).toBe(0);
  });

  it('gives equal values one canonical key and different values different keys', () => {
    expect(canonicalKey(1)).toBe(canonicalKey(Long.fromNumber(1)));
    expect(canonicalKey(1)).toBe(canonicalKey(1.0));
    expect(canonicalKey(-0)).toBe(canonicalKey(0));
    expect(canonicalKey('1')).not.toBe(canonicalKey(1));
    const id = new ObjectId();
    expect(canonicalKey(id)).toBe(canonicalKey(new ObjectId(id.toHexString())));
    expect(canonicalKey({ a: 1, b: 2 })).not.toBe(canonicalKey({ b: 2, a: 1 }));
    expect(canonicalKey(new Date(5))).toBe(canonicalKey(new Date(5)));
  });

  it('tells identical documents from merely equal ones', () => {
    expect(identicalValues({ a: 1, b: [1, { c: 'x' }] }, { a: 1, b: [1, { c: 'x' }] })).toBe(true);
    expect(identicalValues({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(identicalValues({ a: 1 }, { a: Long.fromNumber(1) })).toBe(false);
    // Code with scope orders by its code alone, but a different scope is a different value.
    expect(identicalValues(new Code('f()', { n: 1 }), new Code('f()', { n: 1 }))).toBe(true);
    expect(identicalValues(new Code('f()', { n: 1 }), new Code('f()', { n: 2 }))).toBe(false);
  });

  it('clones documents deeply but keeps bson classes', () => {
    const id = new ObjectId();
    const original = {
      _id: id,
      at: new Date(1),
      nested: { list: [1, { x: 2 }] },
      bin: new Binary(Buffer.from('ab')),
    };
    const copy = cloneDocument(original);
    expect(copy).toEqual(original);
    expect(copy._id).toBeInstanceOf(ObjectId);
    expect(copy.at).not.toBe(original.at);
    expect(copy.nested.list[1]).not.toBe(original.nested.list[1]);
    expect(copy.bin).toBeInstanceOf(Binary);
    expect(copy.bin).not.toBe(original.bin);
  });
});

describe('query matching', () => {
  const id = new ObjectId();
  const matches = (filter: Record<string, unknown>, document: Record<string, unknown>): boolean =>
    compileFilter(filter)(document);

  it('matches ObjectIds by value with equality, $in and $ne', () => {
    const same = new ObjectId(id.toHexString());
    expect(matches({ _id: same }, { _id: id })).toBe(true);
    expect(matches({ _id: { $in: [new ObjectId(), same] } }, { _id: id })).toBe(true);
    expect(matches({ _id: { $ne: same } }, { _id: id })).toBe(false);
    expect(matches({ _id: new ObjectId() }, { _id: id })).toBe(false);
  });

  it('matches numbers across representations and compares only within a type', () => {
    expect(matches({ n: 1 }, { n: Long.fromNumber(1) })).toBe(true);
    expect(matches({ n: { $gt: 0 } }, { n: Long.fromNumber(1) })).toBe(true);
    expect(matches({ n: { $gt: 0 } }, { n: Decimal128.fromString('0.5') })).toBe(true);
    expect(matches({ n: { $gt: 0 } }, { n: 'string' })).toBe(false);
    expect(matches({ n: { $lt: 'z' } }, { n: 5 })).toBe(false);
  });

  it('compares dates', () => {
    expect(matches({ at: { $lte: new Date(2000) } }, { at: new Date(1000) })).toBe(true);
    expect(matches({ at: { $gt: new Date(2000) } }, { at: new Date(1000) })).toBe(false);
    expect(matches({ at: { $gt: new Date(0) } }, { at: 5 })).toBe(false);
  });

  it('treats null as matching missing fields, including inside arrays of documents', () => {
    expect(matches({ a: null }, {})).toBe(true);
    expect(matches({ a: null }, { a: null })).toBe(true);
    expect(matches({ a: null }, { a: 0 })).toBe(false);
    expect(matches({ 'v.x': null }, { v: [{ x: 1 }, {}] })).toBe(true);
    expect(matches({ a: { $ne: null } }, {})).toBe(false);
    expect(matches({ a: { $gte: null } }, {})).toBe(true);
  });

  it('matches array fields element-wise and whole', () => {
    expect(matches({ tags: 'b' }, { tags: ['a', 'b'] })).toBe(true);
    expect(matches({ tags: ['a', 'b'] }, { tags: ['a', 'b'] })).toBe(true);
    expect(matches({ 'items.n': { $gt: 5 } }, { items: [{ n: 1 }, { n: 7 }] })).toBe(true);
    expect(
      matches(
        { items: { $elemMatch: { n: { $gt: 5 }, k: 'x' } } },
        {
          items: [
            { n: 7, k: 'y' },
            { n: 1, k: 'x' },
          ],
        },
      ),
    ).toBe(false);
  });

  it('supports $type with MongoDB aliases', () => {
    expect(matches({ _id: { $type: 'objectId' } }, { _id: id })).toBe(true);
    expect(matches({ _id: { $type: 'null' } }, { _id: null })).toBe(true);
    expect(matches({ n: { $type: 'number' } }, { n: Long.fromNumber(1) })).toBe(true);
    expect(matches({ n: { $type: 'long' } }, { n: Long.fromNumber(1) })).toBe(true);
    expect(matches({ n: { $type: 'string' } }, { n: 1 })).toBe(false);
  });

  it('supports $or, $and, $nor, $not, $exists, $regex and $expr', () => {
    expect(matches({ $or: [{ a: 1 }, { b: 2 }] }, { b: 2 })).toBe(true);
    expect(matches({ $and: [{ a: 1 }, { b: 2 }] }, { a: 1 })).toBe(false);
    expect(matches({ $nor: [{ a: 1 }] }, { a: 2 })).toBe(true);
    expect(matches({ a: { $not: { $gt: 5 } } }, { a: 3 })).toBe(true);
    expect(matches({ a: { $exists: false } }, {})).toBe(true);
    expect(matches({ s: { $regex: '^ab', $options: 'i' } }, { s: 'ABc' })).toBe(true);
    expect(matches({ s: /^ab/ }, { s: 'abc' })).toBe(true);
    expect(matches({ $expr: { $gt: ['$a', '$b'] } }, { a: 3, b: 2 })).toBe(true);
  });

  it('refuses unknown operators with BadValue like mongod', () => {
    expect(() => compileFilter({ a: { $foo: 1 } })).toThrow(
      expect.objectContaining({ code: 2, codeName: 'BadValue', message: 'unknown operator: $foo' }),
    );
    expect(() => compileFilter({ $foo: 1 })).toThrow(CommandFailure);
  });
});

describe('sorting', () => {
  it('sorts mixed types in BSON order, missing as null, arrays by their extreme element', () => {
    const docs = [
      { v: 'b' },
      { v: 3 },
      {},
      { v: null },
      { v: [5, 0] },
      { v: true },
      { v: new Date(1) },
    ];
    const ascending = sortDocuments(docs, parseSortSpec({ v: 1 }));
    expect(ascending.map((d) => d.v)).toEqual([undefined, null, [5, 0], 3, 'b', true, new Date(1)]);
    const descending = sortDocuments(docs, parseSortSpec({ v: -1 }));
    expect(descending.map((d) => d.v)).toEqual([
      new Date(1),
      true,
      'b',
      [5, 0],
      3,
      undefined,
      null,
    ]);
  });

  it('is stable and sorts by several keys', () => {
    const docs = [
      { a: 1, b: 2, i: 0 },
      { a: 0, b: 1, i: 1 },
      { a: 1, b: 1, i: 2 },
      { a: 1, b: 1, i: 3 },
    ];
    expect(sortDocuments(docs, parseSortSpec({ a: -1, b: 1 })).map((d) => d.i)).toEqual([
      2, 3, 0, 1,
    ]);
  });

  it('refuses directions other than 1, -1 and a textScore $meta', () => {
    expect(() => parseSortSpec({ a: 2 })).toThrow(expect.objectContaining({ code: 2 }));
    expect(() => parseSortSpec({ a: { $meta: 'searchScore' } })).toThrow(CommandFailure);
    expect(parseSortSpec({ a: { $meta: 'textScore' } })).toEqual([['__standInTextScore', -1]]);
  });
});
