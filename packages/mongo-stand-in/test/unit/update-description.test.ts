import { describeUpdate } from '../../src/engine/update-description';

describe("describeUpdate (a change stream event's updateDescription)", () => {
  it('reports set and changed fields, nested ones by dotted path, and removed fields', () => {
    expect(
      describeUpdate(
        { _id: 1, state: 'processing', lease: { owner: 'a', token: 1 }, gone: true },
        { _id: 1, state: 'enqueued', lease: { owner: 'b', token: 1 }, added: [1] },
      ),
    ).toEqual({
      updatedFields: { state: 'enqueued', 'lease.owner': 'b', added: [1] },
      removedFields: ['gone'],
      truncatedArrays: [],
    });
  });

  it('reports grown arrays by index, shrunk ones as truncated, and a changed type whole', () => {
    expect(
      describeUpdate(
        { _id: 1, a: [1, 2], b: [1, 2, 3], c: { x: 1 } },
        { _id: 1, a: [1, 2, 3], b: [9], c: [1] },
      ),
    ).toEqual({
      updatedFields: { 'a.2': 3, 'b.0': 9, c: [1] },
      removedFields: [],
      truncatedArrays: [{ field: 'b', newSize: 1 }],
    });
  });

  it('reports nothing for an update that changed nothing, and never _id', () => {
    expect(describeUpdate({ _id: 1, n: 1 }, { _id: 1, n: 1 })).toEqual({
      updatedFields: {},
      removedFields: [],
      truncatedArrays: [],
    });
  });

  it('keeps fields named like prototype properties as plain fields', () => {
    const after = JSON.parse('{ "_id": 1, "__proto__": { "x": 1 } }') as Record<string, unknown>;
    const description = describeUpdate({ _id: 1 }, after);
    expect(Object.keys(description.updatedFields)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
