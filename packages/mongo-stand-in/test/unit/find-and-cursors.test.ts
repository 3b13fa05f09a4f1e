import { Long, ObjectId } from 'bson';
import { StandInHarness } from './stand-in-harness';

const numbered = (count: number): StandInHarness => {
  const h = new StandInHarness();
  h.insert(
    'c',
    Array.from({ length: count }, (_, i) => ({ _id: i + 1, x: (i + 1) * 11 })),
  );
  return h;
};

describe('find', () => {
  it('filters, sorts, skips and limits', () => {
    const h = numbered(6);
    const reply = h.ok({
      find: 'c',
      filter: { _id: { $gt: 2 } },
      sort: { _id: -1 },
      skip: 1,
      limit: 2,
    });
    expect(reply.cursor.firstBatch).toEqual([
      { _id: 5, x: 55 },
      { _id: 4, x: 44 },
    ]);
    expect(reply.cursor.id).toEqual(Long.ZERO);
    expect(reply.cursor.ns).toBe('test.c');
  });

  it('projects', () => {
    const h = new StandInHarness();
    h.insert('c', [{ _id: 1, a: 1, b: { c: 2, d: 3 }, list: [1, 2, 3] }]);
    expect(h.find('c', { projection: { a: 1 } })).toEqual([{ _id: 1, a: 1 }]);
    expect(h.find('c', { projection: { _id: 0, 'b.c': 1 } })).toEqual([{ b: { c: 2 } }]);
    expect(h.find('c', { projection: { b: 0, list: 0 } })).toEqual([{ _id: 1, a: 1 }]);
    expect(h.find('c', { projection: { list: { $slice: 1 }, a: 1 } })).toEqual([
      { _id: 1, a: 1, list: [1] },
    ]);
  });

  it('returns batches through getMore with Long cursor ids', () => {
    const h = numbered(6);
    const first = h.ok({ find: 'c', filter: { _id: { $gt: 1 } }, batchSize: 2 });
    expect(first.cursor.firstBatch.map((d: { _id: number }) => d._id)).toEqual([2, 3]);
    expect(first.cursor.id).toBeInstanceOf(Long);
    expect(first.cursor.id.isZero()).toBe(false);
    const second = h.ok({ getMore: first.cursor.id, collection: 'c', batchSize: 2 });
    expect(second.cursor).toEqual({
      id: first.cursor.id,
      ns: 'test.c',
      nextBatch: [
        { _id: 4, x: 44 },
        { _id: 5, x: 55 },
      ],
    });
    const third = h.ok({ getMore: first.cursor.id, collection: 'c', batchSize: 2 });
    expect(third.cursor.nextBatch).toEqual([{ _id: 6, x: 66 }]);
    expect(third.cursor.id).toEqual(Long.ZERO);
    expect(h.run({ getMore: first.cursor.id, collection: 'c' })).toMatchObject({
      ok: 0,
      code: 43,
      codeName: 'CursorNotFound',
    });
  });

  it('defaults the first batch to 101 documents and closes on limit', () => {
    const h = numbered(150);
    const reply = h.ok({ find: 'c' });
    expect(reply.cursor.firstBatch).toHaveLength(101);
    expect(h.ok({ getMore: reply.cursor.id, collection: 'c' }).cursor.nextBatch).toHaveLength(49);
    expect(h.ok({ find: 'c', limit: 4, batchSize: 5 }).cursor).toMatchObject({ id: Long.ZERO });
    const single = h.ok({ find: 'c', limit: -3 });
    expect(single.cursor.firstBatch).toHaveLength(3);
    expect(single.cursor.id).toEqual(Long.ZERO);
    expect(h.ok({ find: 'c', singleBatch: true, batchSize: 5 }).cursor).toMatchObject({
      id: Long.ZERO,
    });
  });

  it('cuts batches to stay under 16 MiB', () => {
    const h = new StandInHarness();
    const big = 'x'.repeat(3 * 1024 * 1024);
    h.insert(
      'c',
      Array.from({ length: 8 }, (_, i) => ({ _id: i, big })),
    );
    const reply = h.ok({ find: 'c' });
    expect(reply.cursor.firstBatch.length).toBeLessThan(8);
    expect(h.find('c')).toHaveLength(8);
  });

  it('snapshots results and hands out copies', () => {
    const h = numbered(3);
    const first = h.ok({ find: 'c', batchSize: 1 });
    h.ok({ delete: 'c', deletes: [{ q: {}, limit: 0 }] });
    expect(h.ok({ getMore: first.cursor.id, collection: 'c' }).cursor.nextBatch).toHaveLength(2);
    first.cursor.firstBatch[0].x = 'changed';
    h.insert('d', [{ _id: 1, nested: { v: 1 } }]);
    h.find('d')[0].nested.v = 2;
    expect(h.find('d')[0].nested.v).toBe(1);
  });

  it('returns an empty exhausted cursor for a missing collection', () => {
    const h = new StandInHarness();
    expect(h.ok({ find: 'nothing' }).cursor).toEqual({
      id: Long.ZERO,
      ns: 'test.nothing',
      firstBatch: [],
    });
  });

  it('answers bad arguments like mongod', () => {
    const h = numbered(1);
    expect(h.run({ find: 'c', filter: { a: { $bogus: 1 } } })).toMatchObject({
      ok: 0,
      code: 2,
      errmsg: 'unknown operator: $bogus',
    });
    expect(h.run({ find: 'c', filter: 'x' })).toMatchObject({ ok: 0, code: 14 });
    expect(h.run({ find: 'c', skip: -1 })).toMatchObject({ ok: 0, code: 51024 });
    expect(h.run({ find: 'c', sort: { x: 0 } })).toMatchObject({ ok: 0, code: 2 });
  });
});

describe('killCursors', () => {
  it('kills open cursors and reports unknown ones', () => {
    const h = numbered(5);
    const { id } = h.ok({ find: 'c', batchSize: 1 }).cursor;
    const unknown = Long.fromNumber(12345);
    expect(h.ok({ killCursors: 'c', cursors: [id, unknown] })).toEqual({
      cursorsKilled: [id],
      cursorsNotFound: [unknown],
      cursorsAlive: [],
      cursorsUnknown: [],
      ok: 1,
    });
    expect(h.run({ getMore: id, collection: 'c' })).toMatchObject({ code: 43 });
  });
});

describe('findAndModify', () => {
  const jobs = (): StandInHarness => {
    const h = new StandInHarness();
    h.insert('jobs', [
      { _id: 1, state: 'queued', priority: 1, runAt: new Date(30) },
      { _id: 2, state: 'queued', priority: 5, runAt: new Date(20) },
      { _id: 3, state: 'done', priority: 9, runAt: new Date(10) },
      { _id: 4, state: 'queued', priority: 5, runAt: new Date(10) },
    ]);
    return h;
  };

  it('updates the first document in sort order and returns it before the change', () => {
    const h = jobs();
    const reply = h.ok({
      findAndModify: 'jobs',
      query: { state: 'queued' },
      sort: { priority: -1, runAt: 1 },
      update: { $set: { state: 'processing' } },
    });
    expect(reply).toEqual({
      lastErrorObject: { n: 1, updatedExisting: true },
      value: { _id: 4, state: 'queued', priority: 5, runAt: new Date(10) },
      ok: 1,
    });
    expect(h.all('jobs', { state: 'processing' }).map((d) => d._id)).toEqual([4]);
  });

  it('returns the new document with new: true, shaped by fields', () => {
    const h = jobs();
    const reply = h.ok({
      findAndModify: 'jobs',
      query: { _id: 1 },
      update: { $inc: { priority: 1 } },
      new: true,
      fields: { priority: 1, _id: 0 },
    });
    expect(reply.value).toEqual({ priority: 2 });
  });

  it('drains a queue one claim at a time', () => {
    const h = jobs();
    const claimed: unknown[] = [];
    for (;;) {
      const reply = h.ok({
        findAndModify: 'jobs',
        query: { state: 'queued' },
        sort: { runAt: 1 },
        update: { $set: { state: 'processing' } },
        new: true,
      });
      if (reply.value === null) break;
      claimed.push(reply.value._id);
    }
    expect(claimed).toEqual([4, 2, 1]);
  });

  it('removes and returns the removed document', () => {
    const h = jobs();
    const reply = h.ok({
      findAndModify: 'jobs',
      query: { state: 'queued' },
      sort: { priority: 1 },
      remove: true,
      fields: { _id: 1 },
    });
    expect(reply).toEqual({ lastErrorObject: { n: 1 }, value: { _id: 1 }, ok: 1 });
    expect(h.all('jobs')).toHaveLength(3);
    expect(h.ok({ findAndModify: 'jobs', query: { _id: 99 }, remove: true })).toEqual({
      lastErrorObject: { n: 0 },
      value: null,
      ok: 1,
    });
  });

  it('replies value null when nothing matched and upserts on request', () => {
    const h = jobs();
    expect(h.ok({ findAndModify: 'jobs', query: { _id: 9 }, update: { $set: { a: 1 } } })).toEqual({
      lastErrorObject: { n: 0, updatedExisting: false },
      value: null,
      ok: 1,
    });
    const before = h.ok({
      findAndModify: 'jobs',
      query: { _id: 9 },
      update: { $inc: { x: 1 } },
      upsert: true,
    });
    expect(before).toEqual({
      lastErrorObject: { n: 1, updatedExisting: false, upserted: 9 },
      value: null,
      ok: 1,
    });
    const after = h.ok({
      findAndModify: 'jobs',
      query: { _id: 10 },
      update: { x: 44 },
      upsert: true,
      new: true,
      fields: { x: 1, _id: 0 },
    });
    expect(after.value).toEqual({ x: 44 });
    const generated = h.ok({
      findAndModify: 'jobs',
      query: { name: 'n' },
      update: { $set: { a: 1 } },
      upsert: true,
      new: true,
    });
    expect(generated.value._id).toBeInstanceOf(ObjectId);
    expect(generated.lastErrorObject.upserted).toEqual(generated.value._id);
  });

  it('drains a few thousand jobs, each claimed exactly once in due order (claim + finish per job)', () => {
    const h = new StandInHarness();
    h.ok({ createIndexes: 'q', indexes: [{ key: { key: 1 }, name: 'key_1', unique: true }] });
    const count = 3_000;
    h.insert(
      'q',
      Array.from({ length: count }, (_, i) => ({
        key: `k${i}`,
        state: 'queued',
        runAt: new Date(count - i),
      })),
    );
    let drained = 0;
    let lastRunAt = -1;
    for (;;) {
      const { value } = h.ok({
        findAndModify: 'q',
        query: { state: 'queued', runAt: { $lte: new Date(1e12) } },
        sort: { runAt: 1 },
        update: { $set: { state: 'processing' }, $inc: { attempts: 1 } },
        new: true,
      });
      if (value === null) break;
      expect(value.runAt.getTime()).toBeGreaterThan(lastRunAt);
      lastRunAt = value.runAt.getTime();
      h.ok({
        update: 'q',
        updates: [{ q: { _id: value._id, state: 'processing' }, u: { $set: { state: 'done' } } }],
      });
      drained += 1;
    }
    expect(drained).toBe(count);
  });

  it('supports pipelines and arrayFilters', () => {
    const h = new StandInHarness();
    h.insert('c', [
      { _id: 1, x: 1, y: 1 },
      { _id: 2, y: [{ b: 3 }, { b: 1 }] },
    ]);
    h.ok({
      findAndModify: 'c',
      query: { _id: 1 },
      update: [{ $project: { x: 1 } }, { $addFields: { foo: 1 } }],
    });
    const reply = h.ok({
      findAndModify: 'c',
      query: { _id: 2 },
      update: { $set: { 'y.$[i].b': 2 } },
      arrayFilters: [{ 'i.b': 1 }],
      new: true,
    });
    expect(reply.value).toEqual({ _id: 2, y: [{ b: 3 }, { b: 2 }] });
    expect(h.all('c', { _id: 1 })).toEqual([{ _id: 1, x: 1, foo: 1 }]);
  });

  it('refuses contradictory options and _id changes as command errors', () => {
    const h = jobs();
    expect(
      h.run({ findAndModify: 'jobs', query: {}, remove: true, update: { $set: { a: 1 } } }),
    ).toMatchObject({ ok: 0, code: 9 });
    expect(h.run({ findAndModify: 'jobs', query: {} })).toMatchObject({ ok: 0, code: 9 });
    expect(
      h.run({ findAndModify: 'jobs', query: { _id: 1 }, update: { $set: { _id: 5 } } }),
    ).toMatchObject({ ok: 0, code: 66, codeName: 'ImmutableField' });
    expect(
      h.run({ findAndModify: 'jobs', query: { _id: 1 }, update: { $nope: { a: 1 } } }),
    ).toMatchObject({ ok: 0, code: 9 });
  });
});
