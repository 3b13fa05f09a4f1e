import { Code, ObjectId } from 'bson';
import { StandInHarness } from './stand-in-harness';

const seeded = (documents: Array<Record<string, unknown>>): StandInHarness => {
  const h = new StandInHarness();
  h.insert('c', documents);
  return h;
};
const update = (
  h: StandInHarness,
  statement: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => h.ok({ update: 'c', updates: [statement], ...extra });

describe('update with operators', () => {
  it('counts matched and actually modified documents', () => {
    const h = seeded([
      { _id: 1, x: 1 },
      { _id: 2, x: 2 },
      { _id: 3, x: 2 },
    ]);
    expect(update(h, { q: { x: 2 }, u: { $set: { x: 2 } }, multi: true })).toEqual({
      n: 2,
      nModified: 0,
      ok: 1,
    });
    expect(update(h, { q: {}, u: { $max: { x: 2 } }, multi: true })).toEqual({
      n: 3,
      nModified: 1,
      ok: 1,
    });
    expect(update(h, { q: { x: 2 }, u: { $inc: { x: 1 } } })).toEqual({
      n: 1,
      nModified: 1,
      ok: 1,
    });
    expect(h.all('c').map((d) => d.x)).toEqual([3, 2, 2]);
  });

  it('counts a new scope of a code-with-scope value as a modification', () => {
    const h = seeded([{ _id: 1, f: new Code('f()', { n: 1 }) }]);
    expect(update(h, { q: { _id: 1 }, u: { $set: { f: new Code('f()', { n: 1 }) } } })).toEqual({
      n: 1,
      nModified: 0,
      ok: 1,
    });
    expect(update(h, { q: { _id: 1 }, u: { $set: { f: new Code('f()', { n: 2 }) } } })).toEqual({
      n: 1,
      nModified: 1,
      ok: 1,
    });
    expect((h.all('c')[0].f as Code).scope).toEqual({ n: 2 });
  });

  it('applies the common operators with mongod semantics', () => {
    const h = seeded([
      { _id: 1, a: { b: 1 }, n: 5, low: 5, list: [3, 1], s: [1], old: 'x', gone: true },
    ]);
    update(h, {
      q: { _id: 1 },
      u: {
        $set: { 'a.c': 2, 'deep.new.path': 1 },
        $unset: { gone: '' },
        $inc: { n: 2, fresh: 1 },
        $mul: { zero: 3 },
        $min: { low: 1 },
        $push: { list: { $each: [2, 5], $sort: 1, $slice: -3 } },
        $addToSet: { s: { $each: [1, 2, 2] } },
        $rename: { old: 'renamed' },
        $currentDate: { at: true },
      },
    });
    const [doc] = h.all('c');
    expect(doc).toMatchObject({
      _id: 1,
      a: { b: 1, c: 2 },
      deep: { new: { path: 1 } },
      n: 7,
      low: 1,
      fresh: 1,
      zero: 0,
      list: [2, 3, 5],
      s: [1, 2],
      renamed: 'x',
    });
    expect(doc.gone).toBeUndefined();
    expect(doc.old).toBeUndefined();
    expect(doc.at).toBeInstanceOf(Date);
  });

  it('supports $pop, $pull with conditions, $pullAll and $push $position', () => {
    const h = seeded([
      { _id: 1, a: [1, 2, 3, 4], b: [{ k: 1 }, { k: 2 }], c: [1, 2, 1], d: [1, 2] },
    ]);
    update(h, {
      q: { _id: 1 },
      u: {
        $pop: { a: -1 },
        $pull: { b: { k: 2 } },
        $pullAll: { c: [1] },
        $push: { d: { $each: [0], $position: 0 } },
      },
    });
    update(h, { q: { _id: 1 }, u: { $pull: { a: { $gte: 4 } } } });
    expect(h.all('c')[0]).toEqual({ _id: 1, a: [2, 3], b: [{ k: 1 }], c: [2], d: [0, 1, 2] });
  });

  it('applies arrayFilters like the CRUD spec expects', () => {
    const documents = [
      { _id: 1, y: [{ b: 3 }, { b: 1 }] },
      { _id: 2, y: [{ b: 0 }, { b: 1 }] },
      { _id: 3, y: [{ b: 5, c: [{ d: 2 }, { d: 1 }] }] },
    ];
    const none = seeded(documents);
    expect(
      update(none, {
        q: {},
        u: { $set: { 'y.$[i].b': 2 } },
        arrayFilters: [{ 'i.b': 4 }],
        multi: true,
      }),
    ).toMatchObject({ n: 3, nModified: 0 });

    const many = seeded(documents);
    expect(
      update(many, {
        q: {},
        u: { $set: { 'y.$[i].b': 2 } },
        arrayFilters: [{ 'i.b': 1 }],
        multi: true,
      }),
    ).toMatchObject({ n: 3, nModified: 2 });
    expect(many.all('c').map((d) => d.y)).toEqual([
      [{ b: 3 }, { b: 2 }],
      [{ b: 0 }, { b: 2 }],
      documents[2].y,
    ]);

    const nested = seeded(documents);
    update(nested, {
      q: { _id: 3 },
      u: { $set: { 'y.$[i].c.$[j].d': 0 } },
      arrayFilters: [{ 'i.b': 5 }, { 'j.d': 1 }],
    });
    expect(nested.all('c', { _id: 3 })[0].y).toEqual([{ b: 5, c: [{ d: 2 }, { d: 0 }] }]);
  });

  it('supports the positional $ and $[] operators', () => {
    const h = seeded([
      {
        _id: 1,
        grades: [80, 95, 95],
        items: [
          { k: 'a', n: 1 },
          { k: 'b', n: 1 },
        ],
      },
    ]);
    update(h, { q: { _id: 1, grades: 95 }, u: { $set: { 'grades.$': 96 } } });
    update(h, { q: { 'items.k': 'b' }, u: { $inc: { 'items.$.n': 5 } } });
    update(h, { q: { _id: 1 }, u: { $inc: { 'grades.$[]': 1 } } });
    expect(h.all('c')[0]).toEqual({
      _id: 1,
      grades: [81, 97, 96],
      items: [
        { k: 'a', n: 1 },
        { k: 'b', n: 6 },
      ],
    });
    const reply = update(h, { q: { _id: 1 }, u: { $set: { 'grades.$': 0 } } });
    expect(reply.writeErrors[0]).toMatchObject({ code: 2 });
  });

  it('reports per-statement problems as write errors with mongod codes', () => {
    const h = seeded([{ _id: 1, s: 'text', a: 1 }]);
    const error = (u: unknown, extra: Record<string, unknown> = {}) =>
      update(h, { q: { _id: 1 }, u, ...extra }).writeErrors[0];
    expect(error({ $foo: { a: 1 } })).toMatchObject({
      code: 9,
      errmsg: expect.stringContaining('Unknown modifier: $foo'),
    });
    expect(error({ $set: { _id: 2 } })).toMatchObject({ code: 66 });
    expect(error({ _id: 2, a: 1 })).toMatchObject({ code: 66 });
    expect(error({ $inc: { s: 1 } })).toMatchObject({ code: 14 });
    expect(error({ $set: { 'a.b': 1 } })).toMatchObject({ code: 28 });
    expect(error({ $set: { a: 1 }, $inc: { a: 1 } })).toMatchObject({ code: 40 });
    expect(error({ a: 1, $set: { b: 1 } })).toMatchObject({ code: 2 });
    expect(error({ $set: { 'y.$[i]': 1 } })).toMatchObject({ code: 2 });
    expect(error({ $set: { a: 2 } }, { arrayFilters: [{ 'i.b': 1 }] })).toMatchObject({ code: 9 });
    expect(error([{ $group: { _id: 1 } }])).toMatchObject({ code: 72 });
    expect(error({ a: 2 }, { multi: true })).toMatchObject({ code: 9 });
    expect(update(h, { q: { _id: 1 }, u: { $set: { _id: 1, a: 5 } } })).toMatchObject({
      n: 1,
      nModified: 1,
    });
    expect(h.all('c')).toEqual([{ _id: 1, s: 'text', a: 5 }]);
  });

  it('stops an ordered batch at the first write error and goes on when unordered', () => {
    const h = seeded([{ _id: 1, a: 1 }]);
    const statements = [
      { q: { _id: 1 }, u: { $foo: {} } },
      { q: { _id: 1 }, u: { $set: { a: 2 } } },
    ];
    expect(h.ok({ update: 'c', updates: statements })).toMatchObject({ n: 0, nModified: 0 });
    expect(h.ok({ update: 'c', updates: statements, ordered: false })).toMatchObject({
      n: 1,
      nModified: 1,
    });
  });
});

describe('update with a replacement or a pipeline', () => {
  it('replaces the document keeping its _id', () => {
    const h = seeded([{ _id: 1, a: 1, b: 2 }]);
    expect(update(h, { q: { _id: 1 }, u: { x: 9 } })).toMatchObject({ n: 1, nModified: 1 });
    expect(h.all('c')).toEqual([{ _id: 1, x: 9 }]);
    expect(Object.keys(h.all('c')[0])).toEqual(['_id', 'x']);
  });

  it('runs pipeline updates and puts a dropped _id back', () => {
    const h = seeded([
      { _id: 1, x: 1, y: 1, t: { u: { v: 1 } } },
      { _id: 2, x: 2, y: 1 },
    ]);
    update(h, {
      q: { _id: 1 },
      u: [{ $replaceRoot: { newRoot: '$t' } }, { $addFields: { foo: 1 } }],
    });
    expect(h.all('c', { _id: 1 })).toEqual([{ _id: 1, u: { v: 1 }, foo: 1 }]);
    expect(
      update(h, { q: {}, u: [{ $project: { x: 1 } }, { $addFields: { foo: 1 } }], multi: true }),
    ).toMatchObject({ n: 2, nModified: 2 });
    expect(h.all('c')).toEqual([
      { _id: 1, foo: 1 },
      { _id: 2, x: 2, foo: 1 },
    ]);
  });
});

describe('upsert', () => {
  it('seeds the new document from the query equalities and $setOnInsert, _id first', () => {
    const h = new StandInHarness();
    const reply = update(h, {
      q: { $and: [{ name: 'n' }, { 'meta.kind': 'k' }], v: { $eq: 2 }, w: { $gt: 5 }, _id: 7 },
      u: { $set: { s: 1 }, $setOnInsert: { created: true } },
      upsert: true,
    });
    expect(reply).toEqual({ n: 1, nModified: 0, upserted: [{ index: 0, _id: 7 }], ok: 1 });
    const [doc] = h.all('c');
    expect(doc).toEqual({ _id: 7, name: 'n', meta: { kind: 'k' }, v: 2, s: 1, created: true });
    expect(Object.keys(doc)[0]).toBe('_id');
  });

  it('generates an ObjectId and ignores $setOnInsert when the document exists', () => {
    const h = new StandInHarness();
    const first = update(h, {
      q: { key: 'a' },
      u: { $inc: { n: 1 }, $setOnInsert: { at: 1 } },
      upsert: true,
    });
    expect(first.upserted[0]._id).toBeInstanceOf(ObjectId);
    const second = update(h, {
      q: { key: 'a' },
      u: { $inc: { n: 1 }, $setOnInsert: { at: 2 } },
      upsert: true,
    });
    expect(second).toEqual({ n: 1, nModified: 1, ok: 1 });
    expect(h.all('c')).toEqual([{ _id: first.upserted[0]._id, key: 'a', n: 2, at: 1 }]);
  });

  it('keeps only the query _id for a replacement upsert, and supports a null _id', () => {
    const h = new StandInHarness();
    update(h, { q: { _id: 4, other: 1 }, u: { x: 1 }, upsert: true });
    update(h, { q: { _id: null }, u: { $unset: { a: '' } }, upsert: true });
    expect(h.all('c')).toEqual([{ _id: null }, { _id: 4, x: 1 }].reverse());
  });

  it('reports the upserted index within a batch', () => {
    const h = new StandInHarness();
    const reply = h.ok({
      update: 'c',
      updates: [
        { q: { _id: 1 }, u: { $set: { a: 1 } } },
        { q: { _id: 1 }, u: { $set: { a: 1 } }, upsert: true },
      ],
    });
    expect(reply).toEqual({ n: 1, nModified: 0, upserted: [{ index: 1, _id: 1 }], ok: 1 });
  });
});

describe('delete', () => {
  it('deletes one or all matches', () => {
    const h = seeded([
      { _id: 1, x: 1 },
      { _id: 2, x: 1 },
      { _id: 3, x: 2 },
    ]);
    expect(h.ok({ delete: 'c', deletes: [{ q: { x: 1 }, limit: 1 }] })).toEqual({ n: 1, ok: 1 });
    expect(h.ok({ delete: 'c', deletes: [{ q: {}, limit: 0 }] })).toEqual({ n: 2, ok: 1 });
    expect(h.ok({ delete: 'missing', deletes: [{ q: {}, limit: 0 }] })).toEqual({ n: 0, ok: 1 });
    expect(h.run({ delete: 'c', deletes: [{ q: {}, limit: 2 }] })).toMatchObject({
      ok: 0,
      code: 9,
    });
  });
});
