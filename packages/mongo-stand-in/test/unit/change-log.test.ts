import { Long, ObjectId, Timestamp } from 'bson';
import {
  ChangeLog,
  decodeResumeToken,
  encodeResumeToken,
  type ChangeEvent,
  type ChangeInput,
} from '../../src/engine/change-log';
import { ClusterClock } from '../../src/replica-set-member';

const insert = (n: number) =>
  ({
    operationType: 'insert',
    ns: { db: 'd', coll: 'c' },
    documentKey: { _id: n },
    fullDocument: { _id: n, pad: 'x'.repeat(100) },
  }) as const;

describe('ChangeLog', () => {
  it('gives each change its own, increasing cluster time and hands out what came after a point', () => {
    const log = new ChangeLog(new ClusterClock(() => 1_000_000));
    const [a, b, c] = [1, 2, 3].map((n) => log.record(insert(n)));
    expect(b.clusterTime.greaterThan(a.clusterTime)).toBe(true);
    expect(c.sequence).toBe(3);
    expect(log.after(1).map((event) => event.sequence)).toEqual([2, 3]);
    expect(log.after(3)).toEqual([]);
    expect(log.sequenceBefore(b.clusterTime)).toBe(1);
  });

  it('round-trips resume tokens and refuses tokens it did not issue', () => {
    const point = {
      sequence: 42,
      clusterTime: new Timestamp({ t: 1_700_000_000, i: 7 }),
      fromInvalidate: true,
    };
    expect(decodeResumeToken(encodeResumeToken(point))).toEqual(point);
    expect(() => decodeResumeToken({ _data: 'zz' })).toThrow(expect.objectContaining({ code: 2 }));
    expect(() => decodeResumeToken('token')).toThrow(expect.objectContaining({ code: 2 }));
  });

  it('stays within its bounds and says when a resume point fell out of it', () => {
    const log = new ChangeLog(new ClusterClock(), { events: 3, bytes: 1_000_000 });
    const events = [1, 2, 3, 4, 5].map((n) => log.record(insert(n)));
    expect(log.size).toBe(3);
    expect(log.after(0).map((event) => event.sequence)).toEqual([3, 4, 5]);
    const point = (index: number) => ({
      sequence: events[index].sequence,
      clusterTime: events[index].clusterTime,
      fromInvalidate: false,
    });
    expect(log.resumeAfter(point(2))).toBe(3);
    expect(() => log.resumeAfter(point(0))).toThrow(expect.objectContaining({ code: 286 }));
    const foreign = { ...point(3), clusterTime: new Timestamp({ t: 1, i: 1 }) };
    expect(() => log.resumeAfter(foreign)).toThrow(expect.objectContaining({ code: 280 }));
  });

  it('drops the oldest changes when their documents pass the byte bound', () => {
    const log = new ChangeLog(new ClusterClock(), { events: 1_000, bytes: 1_000 });
    for (let n = 0; n < 50; n++) log.record(insert(n));
    expect(log.size).toBeLessThan(10);
    expect(log.latestSequence).toBe(50);
  });

  it('gives back every held change as recorded while it drops old ones and grows its storage', () => {
    const log = new ChangeLog(new ClusterClock(), { events: 1_500, bytes: 64 * 1024 * 1024 });
    const recorded: ChangeInput[] = [];
    for (let n = 0; n < 6_000; n++) {
      const change = mixedChange(n);
      recorded.push(change);
      log.record(change);
      // The oldest change held, read at every step: the one whose storage is let go next.
      const oldest = log.latestSequence - log.size + 1;
      expect(shown(log.next(oldest - 1)!)).toEqual(recorded[oldest - 1]);
    }
    // 6,000 changes of about 700 bytes: several storage buffers, most of them dropped.
    expect(log.size).toBe(1_500);
    const held = log.after(0);
    expect(held.map((event) => event.sequence)).toEqual(
      Array.from({ length: 1_500 }, (_, i) => 4_501 + i),
    );
    for (const event of held) expect(shown(event)).toEqual(recorded[event.sequence - 1]);
    expect(shown(log.next(5_999)!)).toEqual(recorded[5_999]);
  });

  it('holds a change larger than its storage buffers', () => {
    const log = new ChangeLog(new ClusterClock());
    const large = { _id: 'large', text: 'x'.repeat(3 * 1024 * 1024) };
    log.record(insert(1));
    log.record({ ...insert(2), documentKey: { _id: 'large' }, fullDocument: large });
    log.record(insert(3));
    expect(log.after(0).map((event) => event.fullDocument)).toEqual([
      insert(1).fullDocument,
      large,
      insert(3).fullDocument,
    ]);
  });
});

/** One of each kind of change in turn, with values of several BSON types. */
function mixedChange(n: number): ChangeInput {
  const ns = { db: 'd', coll: `c${n % 3}` };
  const _id = n % 2 === 0 ? n : new ObjectId();
  const document = {
    _id,
    n: Long.fromNumber(n),
    at: new Date(1_700_000_000_000 + n),
    history: [{ state: 'enqueued' }, { state: 'succeeded', at: new Date(n) }],
    pad: 'p'.repeat(500 + (n % 300)),
  };
  switch (n % 5) {
    case 0:
      return { operationType: 'insert', ns, documentKey: { _id }, fullDocument: document };
    case 1:
      return {
        operationType: 'update',
        ns,
        documentKey: { _id },
        updateDescription: {
          updatedFields: { 'history.1': document.history[1], n: document.n },
          removedFields: n % 2 === 0 ? ['pad'] : [],
          truncatedArrays: n % 3 === 0 ? [{ field: 'history', newSize: 1 }] : [],
        },
      };
    case 2:
      return {
        operationType: 'replace',
        ns,
        documentKey: { _id },
        fullDocument: document,
        fullDocumentBeforeChange: { ...document, pad: 'before' },
      };
    case 3:
      return { operationType: 'delete', ns, documentKey: { _id } };
    default:
      return n % 2 === 0
        ? { operationType: 'rename', ns, to: { db: 'd', coll: `renamed${n}` } }
        : { operationType: 'drop', ns };
  }
}

/** What a held change gives back, in the shape it was recorded in. */
function shown(event: ChangeEvent): ChangeInput {
  const fields: Array<keyof ChangeInput> = [
    'operationType',
    'ns',
    'documentKey',
    'fullDocument',
    'fullDocumentBeforeChange',
    'updateDescription',
    'to',
  ];
  const change: Record<string, unknown> = {};
  for (const field of fields) if (event[field] !== undefined) change[field] = event[field];
  return change as unknown as ChangeInput;
}
