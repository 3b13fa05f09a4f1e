import { Long, ObjectId } from 'bson';
import { StandInHarness } from './stand-in-harness';

const orders = (): StandInHarness => {
  const h = new StandInHarness();
  h.insert('orders', [
    { _id: 1, customer: 'a', total: 10, items: ['x', 'y'] },
    { _id: 2, customer: 'b', total: 5, items: ['x'] },
    { _id: 3, customer: 'a', total: 7, items: [] },
  ]);
  h.insert('customers', [
    { _id: 'a', name: 'Ann' },
    { _id: 'b', name: 'Bob' },
  ]);
  return h;
};
const aggregate = (h: StandInHarness, pipeline: unknown[], collection: unknown = 'orders') =>
  h.ok({ aggregate: collection, pipeline, cursor: {} }).cursor.firstBatch;

describe('aggregate', () => {
  it('runs $match, $group, $sort, $project, $limit and $skip', () => {
    const h = orders();
    expect(
      aggregate(h, [
        { $match: { total: { $gt: 1 } } },
        { $group: { _id: '$customer', sum: { $sum: '$total' }, n: { $sum: 1 } } },
        { $sort: { sum: -1 } },
        { $project: { _id: 0, customer: '$_id', sum: 1 } },
      ]),
    ).toEqual([
      { customer: 'a', sum: 17 },
      { customer: 'b', sum: 5 },
    ]);
    expect(aggregate(h, [{ $sort: { _id: 1 } }, { $skip: 1 }, { $limit: 1 }])).toEqual([
      { _id: 2, customer: 'b', total: 5, items: ['x'] },
    ]);
  });

  it('runs $count, $facet, $unwind, $addFields, $unset and $replaceRoot', () => {
    const h = orders();
    expect(aggregate(h, [{ $count: 'n' }])).toEqual([{ n: 3 }]);
    expect(aggregate(h, [{ $unwind: '$items' }, { $count: 'n' }])).toEqual([{ n: 3 }]);
    expect(
      aggregate(h, [
        {
          $facet: {
            big: [{ $match: { total: { $gte: 7 } } }, { $count: 'n' }],
            all: [{ $count: 'n' }],
          },
        },
      ]),
    ).toEqual([{ big: [{ n: 2 }], all: [{ n: 3 }] }]);
    expect(
      aggregate(h, [
        { $match: { _id: 2 } },
        { $set: { double: { $multiply: ['$total', 2] } } },
        { $unset: ['items', 'customer'] },
      ]),
    ).toEqual([{ _id: 2, total: 5, double: 10 }]);
    expect(
      aggregate(h, [{ $match: { _id: 2 } }, { $replaceRoot: { newRoot: { t: '$total' } } }]),
    ).toEqual([{ t: 5 }]);
  });

  it('sorts mixed types in BSON order', () => {
    const h = new StandInHarness();
    const id = new ObjectId();
    h.insert('c', [
      { _id: 1, v: true },
      { _id: 2, v: id },
      { _id: 3, v: 'a' },
      { _id: 4, v: Long.fromNumber(10) },
      { _id: 5, v: 9 },
      { _id: 6 },
    ]);
    expect(aggregate(h, [{ $sort: { v: 1 } }], 'c').map((d: { _id: number }) => d._id)).toEqual([
      6, 5, 4, 3, 2, 1,
    ]);
  });

  it('joins with $lookup within the database', () => {
    const h = orders();
    const [joined] = aggregate(h, [
      { $match: { _id: 2 } },
      { $lookup: { from: 'customers', localField: 'customer', foreignField: '_id', as: 'who' } },
    ]);
    expect(joined.who).toEqual([{ _id: 'b', name: 'Bob' }]);
  });

  it('returns batches through getMore', () => {
    const h = orders();
    const reply = h.ok({
      aggregate: 'orders',
      pipeline: [{ $match: {} }],
      cursor: { batchSize: 2 },
    });
    expect(reply.cursor.firstBatch).toHaveLength(2);
    const more = h.ok({ getMore: reply.cursor.id, collection: 'orders', batchSize: 2 });
    expect(more.cursor).toMatchObject({
      id: Long.ZERO,
      nextBatch: [{ _id: 3 }].map((d) => expect.objectContaining(d)),
    });
  });

  it('writes $out into a collection, keeping its indexes', () => {
    const h = orders();
    h.ok({
      createIndexes: 'summary',
      indexes: [{ key: { customer: 1 }, name: 'customer_1', unique: true }],
    });
    h.insert('summary', [{ _id: 'old', customer: 'z' }]);
    expect(
      aggregate(h, [
        { $group: { _id: '$customer', total: { $sum: '$total' } } },
        { $project: { customer: '$_id', total: 1 } },
        { $out: 'summary' },
      ]),
    ).toEqual([]);
    expect(h.all('summary', {}, { _id: 1 })).toEqual([
      { _id: 'a', customer: 'a', total: 17 },
      { _id: 'b', customer: 'b', total: 5 },
    ]);
    expect(h.ok({ listIndexes: 'summary' }).cursor.firstBatch).toHaveLength(2);
  });

  it('serves $documents with aggregate: 1 and reads views', () => {
    const h = orders();
    expect(aggregate(h, [{ $documents: [{ a: 1 }, { a: 2 }] }, { $match: { a: 2 } }], 1)).toEqual([
      { a: 2 },
    ]);
  });

  it('refuses $changeStream, missing cursor, unknown stages and an early $merge like mongod', () => {
    const h = orders();
    expect(h.run({ aggregate: 'orders', pipeline: [{ $changeStream: {} }], cursor: {} })).toEqual({
      ok: 0,
      code: 40573,
      codeName: 'Location40573',
      errmsg: 'The $changeStream stage is only supported on replica sets',
    });
    expect(h.run({ aggregate: 'orders', pipeline: [] })).toMatchObject({ ok: 0, code: 9 });
    expect(h.run({ aggregate: 'orders', pipeline: [{ $bogus: {} }], cursor: {} })).toMatchObject({
      ok: 0,
      code: 40324,
    });
    expect(
      h.run({ aggregate: 'orders', pipeline: [{ $merge: 'x' }, { $match: {} }], cursor: {} }),
    ).toMatchObject({ ok: 0, code: 40601 });
    expect(
      h.run({ aggregate: 'orders', pipeline: [{ $out: 'x' }, { $match: {} }], cursor: {} }),
    ).toMatchObject({ ok: 0, code: 40601 });
  });
});

describe('count and distinct', () => {
  it('count with query, skip and limit', () => {
    const h = orders();
    expect(h.ok({ count: 'orders' })).toEqual({ n: 3, ok: 1 });
    expect(h.ok({ count: 'orders', query: { customer: 'a' } })).toEqual({ n: 2, ok: 1 });
    expect(h.ok({ count: 'orders', query: {}, skip: 1, limit: 3 })).toEqual({ n: 2, ok: 1 });
    expect(h.ok({ count: 'missing' })).toEqual({ n: 0, ok: 1 });
  });

  it('distinct unwinds arrays, skips missing values and sorts', () => {
    const h = orders();
    expect(h.ok({ distinct: 'orders', key: 'items' }).values).toEqual(['x', 'y']);
    expect(
      h.ok({ distinct: 'orders', key: 'customer', query: { total: { $lt: 10 } } }).values,
    ).toEqual(['a', 'b']);
    h.insert('n', [
      { v: 2 },
      { v: 1 },
      { v: Long.fromNumber(2) },
      { v: null },
      {},
      { v: [[1], 3] },
    ]);
    expect(h.ok({ distinct: 'n', key: 'v' }).values).toEqual([null, 1, 2, 3, [1]]);
  });
});
