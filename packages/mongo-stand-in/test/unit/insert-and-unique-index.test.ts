import { Long, ObjectId } from 'bson';
import { StandInHarness } from './stand-in-harness';

describe('insert', () => {
  it('generates a leading ObjectId _id and stores copies', () => {
    const h = new StandInHarness();
    const original = { x: { y: 1 } };
    expect(h.insert('c', [original])).toEqual({ n: 1, ok: 1 });
    original.x.y = 2;
    const [stored] = h.all('c');
    expect(Object.keys(stored)).toEqual(['_id', 'x']);
    expect(stored._id).toBeInstanceOf(ObjectId);
    expect(stored.x).toEqual({ y: 1 });
    stored.x.y = 3;
    expect(h.all('c')[0].x).toEqual({ y: 1 });
  });

  it('stops an ordered insert at the first duplicate _id', () => {
    const h = new StandInHarness();
    h.insert('c', [{ _id: 1 }]);
    const reply = h.ok({ insert: 'c', documents: [{ _id: 2 }, { _id: 1 }, { _id: 3 }] });
    expect(reply).toEqual({
      n: 1,
      ok: 1,
      writeErrors: [
        {
          index: 1,
          code: 11000,
          errmsg: 'E11000 duplicate key error collection: test.c index: _id_ dup key: { _id: 1 }',
          keyPattern: { _id: 1 },
          keyValue: { _id: 1 },
        },
      ],
    });
    expect(h.all('c').map((d) => d._id)).toEqual([1, 2]);
  });

  it('goes on after errors when unordered', () => {
    const h = new StandInHarness();
    const reply = h.ok({
      insert: 'c',
      ordered: false,
      documents: [{ _id: 2 }, { _id: 2 }, { _id: 3 }, { _id: 3 }],
    });
    expect(reply.n).toBe(2);
    expect(reply.writeErrors.map((e: { index: number }) => e.index)).toEqual([1, 3]);
  });

  it('treats _id values equal across number types as duplicates and allows a null _id', () => {
    const h = new StandInHarness();
    h.insert('c', [{ _id: 1 }, { _id: null }]);
    expect(
      h.ok({ insert: 'c', documents: [{ _id: Long.fromNumber(1) }] }).writeErrors[0].code,
    ).toBe(11000);
    expect(h.ok({ insert: 'c', documents: [{ _id: null }] }).writeErrors[0].code).toBe(11000);
    expect(h.ok({ count: 'c', query: { _id: { $type: 'null' } } }).n).toBe(1);
  });

  it('refuses an array _id and bad namespaces', () => {
    const h = new StandInHarness();
    expect(h.ok({ insert: 'c', documents: [{ _id: [1] }] }).writeErrors[0].code).toBe(53);
    expect(h.run({ insert: 'a$b', documents: [{}] })).toMatchObject({
      ok: 0,
      code: 73,
      codeName: 'InvalidNamespace',
    });
    expect(h.run({ insert: '', documents: [{}] })).toMatchObject({ ok: 0, code: 73 });
    expect(h.run({ insert: 'c', documents: [{}] }, 'bad.db')).toMatchObject({ ok: 0, code: 73 });
  });
});

describe('unique indexes', () => {
  const withIndex = (index: Record<string, unknown>): StandInHarness => {
    const h = new StandInHarness();
    h.ok({ createIndexes: 'c', indexes: [{ name: 'ix', unique: true, ...index }] });
    return h;
  };

  it('reject a duplicate with mongod-shaped E11000 details', () => {
    const h = withIndex({ key: { email: 1 } });
    h.insert('c', [{ _id: 1, email: 'a@x' }]);
    const reply = h.ok({ insert: 'c', documents: [{ _id: 2, email: 'a@x' }] });
    expect(reply.n).toBe(0);
    expect(reply.writeErrors[0]).toEqual({
      index: 0,
      code: 11000,
      errmsg: 'E11000 duplicate key error collection: test.c index: ix dup key: { email: "a@x" }',
      keyPattern: { email: 1 },
      keyValue: { email: 'a@x' },
    });
    expect(h.all('c')).toHaveLength(1);
  });

  it('treat missing fields as null unless the index is sparse', () => {
    const dense = withIndex({ key: { a: 1 } });
    dense.insert('c', [{ _id: 1 }]);
    expect(dense.ok({ insert: 'c', documents: [{ _id: 2 }] }).writeErrors[0].keyValue).toEqual({
      a: null,
    });
    expect(dense.ok({ insert: 'c', documents: [{ _id: 3, a: null }] }).writeErrors[0].code).toBe(
      11000,
    );

    const sparse = withIndex({ key: { a: 1 }, sparse: true });
    sparse.insert('c', [{ _id: 1 }, { _id: 2 }, { _id: 3, a: 1 }]);
    expect(sparse.ok({ insert: 'c', documents: [{ _id: 4, a: 1 }] }).writeErrors[0].code).toBe(
      11000,
    );
  });

  it('only index documents matching a partial filter', () => {
    const h = withIndex({ key: { jobKey: 1 }, partialFilterExpression: { state: 'queued' } });
    h.insert('c', [
      { _id: 1, jobKey: 'k', state: 'queued' },
      { _id: 2, jobKey: 'k', state: 'done' },
    ]);
    expect(
      h.ok({ insert: 'c', documents: [{ _id: 3, jobKey: 'k', state: 'queued' }] }).writeErrors[0]
        .code,
    ).toBe(11000);
    // Leaving the filter frees the key; entering it re-checks.
    h.ok({ update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { state: 'done' } } }] });
    h.insert('c', [{ _id: 3, jobKey: 'k', state: 'queued' }]);
    const clash = h.ok({
      update: 'c',
      updates: [{ q: { _id: 2 }, u: { $set: { state: 'queued' } } }],
    });
    expect(clash.writeErrors[0]).toMatchObject({ code: 11000, keyValue: { jobKey: 'k' } });
    expect(h.all('c', { _id: 2 })[0].state).toBe('done');
  });

  it('index each array element (multikey) without a document clashing with itself', () => {
    const h = withIndex({ key: { tags: 1 } });
    h.insert('c', [{ _id: 1, tags: ['a', 'b', 'a'] }]);
    const reply = h.ok({ insert: 'c', documents: [{ _id: 2, tags: ['c', 'b'] }] });
    expect(reply.writeErrors[0].keyValue).toEqual({ tags: 'b' });
    h.insert('c', [{ _id: 3, tags: ['c'] }]);
    expect(h.ok({ insert: 'c', documents: [{ _id: 4, tags: [] }] }).n).toBe(1);
    expect(h.ok({ insert: 'c', documents: [{ _id: 5, tags: [] }] }).writeErrors[0].code).toBe(
      11000,
    );
  });

  it('index dotted paths through arrays of documents and compare keys by BSON value', () => {
    const h = withIndex({ key: { 'items.sku': 1 } });
    h.insert('c', [{ _id: 1, items: [{ sku: 1 }, { sku: 2 }] }]);
    expect(
      h.ok({ insert: 'c', documents: [{ _id: 2, items: { sku: Long.fromNumber(2) } }] })
        .writeErrors[0].code,
    ).toBe(11000);
  });

  it('compare compound keys as a whole', () => {
    const h = withIndex({ key: { a: 1, b: -1 } });
    h.insert('c', [
      { _id: 1, a: 1, b: 1 },
      { _id: 2, a: 1, b: 2 },
    ]);
    const reply = h.ok({ insert: 'c', documents: [{ _id: 3, a: 1, b: 2 }] });
    expect(reply.writeErrors[0]).toMatchObject({
      errmsg: 'E11000 duplicate key error collection: test.c index: ix dup key: { a: 1, b: 2 }',
      keyPattern: { a: 1, b: -1 },
      keyValue: { a: 1, b: 2 },
    });
    expect(
      h.ok({ insert: 'c', documents: [{ _id: 4, a: [1, 2], b: [1] }] }).writeErrors[0].code,
    ).toBe(11000);
    expect(
      h.ok({ insert: 'c', documents: [{ _id: 5, a: [3, 4], b: [5, 6] }] }).writeErrors[0].code,
    ).toBe(171);
  });

  it('are enforced by updates, replacements, upserts, pipelines and findAndModify', () => {
    const h = withIndex({ key: { k: 1 } });
    h.insert('c', [
      { _id: 1, k: 'a' },
      { _id: 2, k: 'b' },
    ]);
    const cases = [
      { q: { _id: 2 }, u: { $set: { k: 'a' } } },
      { q: { _id: 2 }, u: { k: 'a' } },
      { q: { _id: 9 }, u: { $set: { k: 'a' } }, upsert: true },
      { q: { _id: 2 }, u: [{ $set: { k: 'a' } }] },
    ];
    for (const statement of cases) {
      expect(h.ok({ update: 'c', updates: [statement] }).writeErrors[0].code).toBe(11000);
    }
    const fam = h.run({ findAndModify: 'c', query: { _id: 2 }, update: { $set: { k: 'a' } } });
    expect(fam).toMatchObject({
      ok: 0,
      code: 11000,
      codeName: 'DuplicateKey',
      keyPattern: { k: 1 },
      keyValue: { k: 'a' },
    });
    expect(h.all('c')).toEqual([
      { _id: 1, k: 'a' },
      { _id: 2, k: 'b' },
    ]);
  });

  it('cannot be created over existing duplicates', () => {
    const h = new StandInHarness();
    h.insert('c', [
      { _id: 1, a: 1 },
      { _id: 2, a: 1 },
    ]);
    const reply = h.run({
      createIndexes: 'c',
      indexes: [{ key: { a: 1 }, name: 'a_1', unique: true }],
    });
    expect(reply).toMatchObject({ ok: 0, code: 11000, keyValue: { a: 1 } });
    expect(
      h.ok({ listIndexes: 'c' }).cursor.firstBatch.map((i: { name: string }) => i.name),
    ).toEqual(['_id_']);
  });

  it('free a key when the holder is deleted', () => {
    const h = withIndex({ key: { a: 1 } });
    h.insert('c', [{ _id: 1, a: 1 }]);
    h.ok({ delete: 'c', deletes: [{ q: { _id: 1 }, limit: 1 }] });
    expect(h.insert('c', [{ _id: 2, a: 1 }]).n).toBe(1);
  });
});
