import { Binary, Long } from 'bson';
import { StandInHarness } from './stand-in-harness';

describe('createIndexes / listIndexes / dropIndexes', () => {
  it('creates the collection and reports counts; identical re-creation is a no-op', () => {
    const h = new StandInHarness();
    const spec = { key: { a: 1 }, name: 'a_1', unique: true };
    expect(h.ok({ createIndexes: 'c', indexes: [spec] })).toEqual({
      numIndexesBefore: 1,
      numIndexesAfter: 2,
      createdCollectionAutomatically: true,
      ok: 1,
    });
    expect(h.ok({ createIndexes: 'c', indexes: [spec] })).toEqual({
      numIndexesBefore: 2,
      numIndexesAfter: 2,
      note: 'all indexes already exist',
      ok: 1,
    });
    expect(h.ok({ listIndexes: 'c' }).cursor.firstBatch).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { a: 1 }, name: 'a_1', unique: true },
    ]);
  });

  it('refuses conflicting specs with 85 and 86', () => {
    const h = new StandInHarness();
    h.ok({ createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a_1' }] });
    expect(h.run({ createIndexes: 'c', indexes: [{ key: { b: 1 }, name: 'a_1' }] })).toMatchObject({
      ok: 0,
      code: 86,
      codeName: 'IndexKeySpecsConflict',
    });
    expect(
      h.run({ createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a_1', unique: true }] }),
    ).toMatchObject({ ok: 0, code: 86 });
    expect(
      h.run({ createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'other' }] }),
    ).toMatchObject({ ok: 0, code: 85, codeName: 'IndexOptionsConflict' });
    expect(
      h.ok({
        createIndexes: 'c',
        indexes: [{ key: { a: 1 }, name: 'partial', partialFilterExpression: { a: { $gt: 1 } } }],
      }).numIndexesAfter,
    ).toBe(3);
    expect(h.run({ createIndexes: 'c', indexes: [{ key: { a: 1 } }] })).toMatchObject({
      ok: 0,
      code: 9,
    });
    expect(
      h.run({ createIndexes: 'c', indexes: [{ key: { t: 'columnstore' }, name: 't' }] }),
    ).toMatchObject({ ok: 0, code: 67 });
  });

  it('lists full index options', () => {
    const h = new StandInHarness();
    h.ok({
      createIndexes: 'c',
      indexes: [
        {
          key: { at: 1 },
          name: 'ttl',
          expireAfterSeconds: 60,
          partialFilterExpression: { s: 'x' },
          sparse: true,
        },
      ],
    });
    expect(h.ok({ listIndexes: 'c' }).cursor.firstBatch[1]).toEqual({
      v: 2,
      key: { at: 1 },
      name: 'ttl',
      expireAfterSeconds: 60,
      partialFilterExpression: { s: 'x' },
      sparse: true,
    });
    expect(h.run({ listIndexes: 'missing' })).toMatchObject({
      ok: 0,
      code: 26,
      codeName: 'NamespaceNotFound',
    });
  });

  it('drops by name, key, list and wildcard, never _id_', () => {
    const h = new StandInHarness();
    h.ok({
      createIndexes: 'c',
      indexes: ['a', 'b', 'c', 'd'].map((f) => ({ key: { [f]: 1 }, name: `${f}_1` })),
    });
    expect(h.ok({ dropIndexes: 'c', index: 'a_1' })).toEqual({ nIndexesWas: 5, ok: 1 });
    expect(h.ok({ dropIndexes: 'c', index: { b: 1 } })).toEqual({ nIndexesWas: 4, ok: 1 });
    expect(h.run({ dropIndexes: 'c', index: ['c_1', 'nope'] })).toMatchObject({
      ok: 0,
      code: 27,
      codeName: 'IndexNotFound',
    });
    expect(h.run({ dropIndexes: 'c', index: '_id_' })).toMatchObject({ ok: 0, code: 72 });
    expect(h.ok({ dropIndexes: 'c', index: '*' })).toEqual({ nIndexesWas: 3, ok: 1 });
    expect(h.ok({ listIndexes: 'c' }).cursor.firstBatch).toHaveLength(1);
    expect(h.run({ dropIndexes: 'missing', index: '*' })).toMatchObject({ ok: 0, code: 26 });
  });
});

describe('create / drop / listCollections / dropDatabase / listDatabases', () => {
  it('creates collections and refuses existing names', () => {
    const h = new StandInHarness();
    expect(h.ok({ create: 'c', capped: false, lsid: { id: 1 } })).toEqual({ ok: 1 });
    expect(h.run({ create: 'c' })).toMatchObject({ ok: 0, code: 48, codeName: 'NamespaceExists' });
    const [entry] = h.ok({ listCollections: 1 }).cursor.firstBatch;
    expect(entry).toEqual({
      name: 'c',
      type: 'collection',
      // mongod stores no `capped: false`: a collection that is not capped lists no bounds.
      options: {},
      info: { readOnly: false, uuid: expect.any(Binary) },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    });
    expect(entry.info.uuid.sub_type).toBe(4);
  });

  it('lists collections with filter and nameOnly', () => {
    const h = new StandInHarness();
    h.insert('a', [{}]);
    h.insert('b', [{}]);
    const reply = h.ok({
      listCollections: 1,
      filter: { name: 'b' },
      nameOnly: true,
      authorizedCollections: true,
    });
    expect(reply.cursor).toEqual({
      id: Long.ZERO,
      ns: 'test.$cmd.listCollections',
      firstBatch: [{ name: 'b', type: 'collection' }],
    });
  });

  it('supports views for reads and refuses writes to them', () => {
    const h = new StandInHarness();
    h.insert('base', [{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    h.ok({ create: 'v', viewOn: 'base', pipeline: [{ $match: { _id: { $gt: 1 } } }] });
    expect(h.ok({ count: 'v' }).n).toBe(2);
    expect(h.find('v', { filter: { _id: 3 } })).toEqual([{ _id: 3 }]);
    expect(
      h.ok({ listCollections: 1, filter: { type: 'view' } }).cursor.firstBatch[0],
    ).toMatchObject({
      name: 'v',
      type: 'view',
      options: { viewOn: 'base' },
    });
    expect(h.run({ insert: 'v', documents: [{}] })).toMatchObject({ ok: 0, code: 166 });
    expect(h.ok({ drop: 'v' })).toMatchObject({ ok: 1 });
  });

  it('drops collections with their cursors; dropping a missing one succeeds, as on 7.0', () => {
    const h = new StandInHarness();
    h.ok({ createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a_1' }] });
    h.insert('c', [{ _id: 1 }, { _id: 2 }]);
    const { id } = h.ok({ find: 'c', batchSize: 1 }).cursor;
    expect(h.ok({ drop: 'c' })).toEqual({ nIndexesWas: 2, ns: 'test.c', ok: 1 });
    expect(h.run({ getMore: id, collection: 'c' })).toMatchObject({ code: 175 });
    expect(h.run({ drop: 'c' })).toEqual({ ok: 1 });
  });

  it('drops and lists databases', () => {
    const h = new StandInHarness();
    h.insert('c', [{ a: 1 }]);
    h.ok({ insert: 'c', documents: [{}] }, 'other');
    const listed = h.ok({ listDatabases: 1 });
    expect(listed.databases.map((d: { name: string }) => d.name)).toEqual([
      'admin',
      'config',
      'local',
      'test',
      'other',
    ]);
    expect(listed.totalSize).toBeGreaterThan(0);
    expect(h.ok({ listDatabases: 1, nameOnly: true, filter: { name: 'other' } })).toEqual({
      databases: [{ name: 'other' }],
      ok: 1,
    });
    expect(h.ok({ dropDatabase: 1 }, 'other')).toEqual({ dropped: 'other', ok: 1 });
    expect(h.ok({ listDatabases: 1, nameOnly: true }).databases).not.toContainEqual({
      name: 'other',
    });
  });
});

describe('TTL expiry', () => {
  it('deletes documents whose indexed date plus expireAfterSeconds has passed', () => {
    const h = new StandInHarness();
    h.ok({
      createIndexes: 'c',
      indexes: [{ key: { at: 1 }, name: 'at_1', expireAfterSeconds: 60 }],
    });
    h.insert('c', [
      { _id: 1, at: new Date(0) },
      { _id: 2, at: new Date(100_000) },
      { _id: 3, at: [new Date(200_000), new Date(1_000)] },
      { _id: 4, at: 'not a date' },
      { _id: 5 },
    ]);
    expect(h.store.expireTtl(new Date(60_999))).toBe(1);
    expect(h.store.expireTtl(new Date(61_001))).toBe(1);
    expect(h.all('c').map((d) => d._id)).toEqual([2, 4, 5]);
    expect(h.store.expireTtl(new Date(1e9))).toBe(1);
  });
});
