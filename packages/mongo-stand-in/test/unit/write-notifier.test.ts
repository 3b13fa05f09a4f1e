import { StandInStore } from '../../src/engine/stand-in-store';
import { WriteNotifier, type WriteEvent } from '../../src/engine/write-notifier';
import { StandInHarness } from './stand-in-harness';

/**
 * The store's per-namespace write notifications: what awaitData getMores wait on (and what
 * change streams will read), heard in the order the changes are made.
 */
describe('write notifications', () => {
  it('reports inserts, updates, deletes, evictions and drops of one namespace, in order', () => {
    const h = new StandInHarness();
    const events: WriteEvent[] = [];
    h.store.writes.subscribe('test.c', (event) => events.push(event));
    h.ok({ create: 'c', capped: true, size: 4096, max: 2 });
    h.insert('c', [{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    h.insert('other', [{ _id: 1 }]);
    h.ok({ update: 'c', updates: [{ q: { _id: 3 }, u: { $set: { n: 1 } } }] });
    h.ok({ delete: 'c', deletes: [{ q: { _id: 2 }, limit: 1 }] });
    h.ok({ drop: 'c' });

    expect(events).toEqual([
      { kind: 'insert', ns: 'test.c', document: { _id: 1 } },
      { kind: 'insert', ns: 'test.c', document: { _id: 2 } },
      { kind: 'insert', ns: 'test.c', document: { _id: 3 } },
      { kind: 'delete', ns: 'test.c', document: { _id: 1 }, evicted: true },
      {
        kind: 'update',
        ns: 'test.c',
        before: { _id: 3 },
        after: { _id: 3, n: 1 },
        replacement: false,
      },
      { kind: 'delete', ns: 'test.c', document: { _id: 2 }, evicted: false },
      { kind: 'drop', ns: 'test.c' },
    ]);
  });

  it('reports a rename under the old namespace', () => {
    const store = new StandInStore();
    const events: WriteEvent[] = [];
    store.writes.subscribe('test.a', (event) => events.push(event));
    const { collection } = store.collectionForWrite('test', 'a');
    store.moveCollection(collection, 'test', 'b', {});
    expect(events).toEqual([{ kind: 'rename', ns: 'test.a', to: 'test.b' }]);
  });

  it('keeps notifying the others when a listener throws, and reports it once', () => {
    const notifier = new WriteNotifier();
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const heard: string[] = [];
    notifier.subscribe('test.c', () => {
      throw new Error('listener bug');
    });
    notifier.subscribe('test.c', (event) => heard.push(event.kind));
    try {
      notifier.notify({ kind: 'drop', ns: 'test.c' });
      notifier.notify({ kind: 'drop', ns: 'test.c' });
      expect(heard).toEqual(['drop', 'drop']);
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(String(stderr.mock.calls[0][0])).toContain('listener bug');
    } finally {
      stderr.mockRestore();
    }
  });

  it('forgets a listener once unsubscribed, however often that is called', () => {
    const notifier = new WriteNotifier();
    const heard: string[] = [];
    const first = notifier.subscribe('test.c', (event) => heard.push(`first ${event.kind}`));
    const second = notifier.subscribe('test.c', (event) => heard.push(`second ${event.kind}`));
    first();
    first();
    notifier.notify({ kind: 'drop', ns: 'test.c' });
    expect(heard).toEqual(['second drop']);
    expect(notifier.listenerCount('test.c')).toBe(1);
    second();
    expect(notifier.listenerCount()).toBe(0);
  });
});
