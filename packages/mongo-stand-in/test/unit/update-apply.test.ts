import { applyUpdate, parseUpdate } from '../../src/engine/update-apply';

type Document = Record<string, unknown>;

const apply = (original: Document, update: Document, arrayFilters?: unknown): Document =>
  applyUpdate(original, parseUpdate(update, arrayFilters), { query: {}, upsertInsert: false });

const stored = (): Document => ({
  _id: 1,
  a: { b: 1, c: { d: 1 } },
  e: { f: 1 },
  list: [{ x: 1 }, { x: 2 }],
  tags: ['t'],
  old: { name: 'n' },
});

describe('applyUpdate copies only what it writes', () => {
  it('leaves the stored document as it was and shares every field the update did not write', () => {
    const original = stored();
    const before = structuredClone(original);
    const updated = apply(original, {
      $set: { 'a.b': 2, 'list.1.x': 3 },
      $push: { tags: 'u' },
      $unset: { 'e.f': '' },
      $rename: { 'old.name': 'renamed' },
    });
    expect(original).toEqual(before);
    expect(updated).toEqual({
      _id: 1,
      a: { b: 2, c: { d: 1 } },
      e: {},
      list: [{ x: 1 }, { x: 3 }],
      tags: ['t', 'u'],
      old: {},
      renamed: 'n',
    });
    const a = updated.a as Document;
    const list = updated.list as Document[];
    expect(a).not.toBe(original.a);
    expect(a.c).toBe((original.a as Document).c);
    expect(list).not.toBe(original.list);
    expect(list[0]).toBe((original.list as Document[])[0]);
    expect(list[1]).not.toBe((original.list as Document[])[1]);
  });

  it('writes through positional paths, array filters and new nested documents into copies', () => {
    const original = stored();
    const before = structuredClone(original);
    const all = apply(original, { $inc: { 'list.$[].x': 10 }, $set: { 'e.g.h': 1 } });
    const filtered = apply(original, { $set: { 'list.$[big].x': 0 } }, [{ 'big.x': { $gt: 1 } }]);
    const popped = apply(original, { $pop: { list: 1 }, $pull: { tags: 't' } });
    expect(original).toEqual(before);
    expect(all.list).toEqual([{ x: 11 }, { x: 12 }]);
    expect(all.e).toEqual({ f: 1, g: { h: 1 } });
    expect(filtered.list).toEqual([{ x: 1 }, { x: 0 }]);
    expect((filtered.list as Document[])[0]).toBe((original.list as Document[])[0]);
    expect(popped).toMatchObject({ list: [{ x: 1 }], tags: [] });
  });
});
