import { Timestamp } from 'bson';
import { canonicalKey } from '../../src/engine/canonical-key';
import { CollectionState } from '../../src/engine/collection-state';
import { ReadSnapshots } from '../../src/engine/read-snapshots';
import { TransactionRegistry } from '../../src/engine/transaction-registry';

const at = (t: number) => new Timestamp({ t, i: 1 });

describe('ReadSnapshots', () => {
  function setUp() {
    let now = 0;
    const registry = new TransactionRegistry(60_000, () => now);
    const snapshots = new ReadSnapshots(registry, () => now, 300_000);
    const collection = new CollectionState(
      'db',
      'c',
      {},
      undefined,
      undefined,
      registry.beforeCommittedChange,
    );
    collection.insert({ _id: 1, n: 1 });
    return { registry, snapshots, collection, advance: (ms: number) => (now += ms) };
  }

  it('keeps the snapshot of a read at the latest time, and later reads at that time see it', () => {
    const { snapshots, collection } = setUp();
    expect(snapshots.viewAt(at(1), at(1))).toBeUndefined();
    collection.replace(canonicalKey(1), { _id: 1, n: 2 });
    const view = snapshots.viewAt(at(1), at(2));
    expect(view).toBeDefined();
    expect([...view!.collection('db.c', collection)!.all()]).toEqual([{ _id: 1, n: 1 }]);
    expect([...collection.all()]).toEqual([{ _id: 1, n: 2 }]);
  });

  it('refuses an earlier time it never kept, and one past the history window', () => {
    const { snapshots, advance } = setUp();
    expect(() => snapshots.viewAt(at(1), at(5))).toThrow(expect.objectContaining({ code: 239 }));
    snapshots.viewAt(at(5), at(5));
    advance(299_999);
    expect(snapshots.viewAt(at(5), at(6))).toBeDefined();
    advance(1);
    expect(() => snapshots.viewAt(at(5), at(6))).toThrow(expect.objectContaining({ code: 239 }));
    expect(snapshots.size).toBe(0);
  });

  it('is not aborted by the transaction lifetime limit, and keeps at most 16 snapshots', () => {
    const { registry, snapshots, advance } = setUp();
    snapshots.viewAt(at(1), at(1));
    advance(120_000);
    registry.abortExpired();
    expect(snapshots.viewAt(at(1), at(2))).toBeDefined();
    for (let t = 2; t <= 17; t++) snapshots.viewAt(at(t), at(t));
    expect(snapshots.size).toBe(16);
    expect(() => snapshots.viewAt(at(1), at(18))).toThrow(expect.objectContaining({ code: 239 }));
    expect(registry.openCount).toBe(16);
  });
});
