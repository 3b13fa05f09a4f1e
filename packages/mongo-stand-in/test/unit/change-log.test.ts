import { Timestamp } from 'bson';
import { ChangeLog, decodeResumeToken, encodeResumeToken } from '../../src/engine/change-log';
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
});
