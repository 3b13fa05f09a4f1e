import {
  MAX_BACKFILL,
  countRuns,
  latestRun,
  missedRunTolerance,
  nextRun,
  planOccurrence,
  type DueDefinition,
  type ScheduleShape,
} from '../../../src/recurring';

const at = (iso: string) => new Date(iso);
const MINUTE = 60_000;

const interval = (everyMs: number, anchor: string, window: Partial<ScheduleShape> = {}) => ({
  cron: null,
  timeZone: 'UTC',
  hashSeed: 's',
  everyMs,
  anchor: at(anchor),
  ...window,
});

describe('schedule shape', () => {
  it('an interval schedule: whole intervals from its anchor, strictly after the given instant', () => {
    const shape = interval(15 * MINUTE, '2026-01-01T00:00:00Z');
    expect(nextRun(shape, at('2026-01-01T00:00:00Z'))).toEqual(at('2026-01-01T00:15:00Z'));
    expect(nextRun(shape, at('2026-01-01T00:14:59.999Z'))).toEqual(at('2026-01-01T00:15:00Z'));
    expect(nextRun(shape, at('2026-01-01T10:07:00Z'))).toEqual(at('2026-01-01T10:15:00Z'));
    expect(latestRun(shape, at('2026-01-01T10:07:00Z'))).toEqual(at('2026-01-01T10:00:00Z'));
    expect(latestRun(shape, at('2026-01-01T10:15:00Z'))).toEqual(at('2026-01-01T10:15:00Z'));
  });

  it('startAt: the first occurrence is the start itself (interval) or the first at or after it (cron)', () => {
    const start = at('2026-02-01T08:00:00Z');
    const byInterval = interval(MINUTE, '2026-02-01T08:00:00Z', { startAt: start });
    expect(nextRun(byInterval, at('2026-01-01T00:00:00Z'))).toEqual(start);
    const byCron = { cron: '0 * * * *', timeZone: 'UTC', hashSeed: 'c', startAt: start };
    expect(nextRun(byCron, at('2026-01-01T00:00:00Z'))).toEqual(start);
    const offCron = { ...byCron, startAt: at('2026-02-01T08:00:01Z') };
    expect(nextRun(offCron, at('2026-01-01T00:00:00Z'))).toEqual(at('2026-02-01T09:00:00Z'));
    // Nothing before the start, even looking back.
    expect(latestRun(byCron, at('2026-02-01T07:59:59Z'))).toBeNull();
  });

  it('endAt: no occurrence after it; the last one may fall on it', () => {
    const shape = interval(MINUTE, '2026-01-01T00:00:00Z', { endAt: at('2026-01-01T00:02:00Z') });
    expect(nextRun(shape, at('2026-01-01T00:01:00Z'))).toEqual(at('2026-01-01T00:02:00Z'));
    expect(nextRun(shape, at('2026-01-01T00:02:00Z'))).toBeNull();
    expect(latestRun(shape, at('2026-01-01T05:00:00Z'))).toEqual(at('2026-01-01T00:02:00Z'));
    const cron = {
      cron: '* * * * *',
      timeZone: 'UTC',
      hashSeed: 'c',
      endAt: at('2026-01-01T00:00:30Z'),
    };
    expect(nextRun(cron, at('2026-01-01T00:00:00Z'))).toBeNull();
  });

  it('countRuns counts the occurrences in (after, upTo], no further than its cap', () => {
    const shape = interval(MINUTE, '2026-01-01T00:00:00Z');
    expect(countRuns(shape, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:10:00Z'), 1000)).toBe(10);
    expect(countRuns(shape, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:10:00Z'), 3)).toBe(3);
  });
});

describe('planOccurrence: backfill and queue', () => {
  const TOLERANCE = missedRunTolerance(1_000);
  const due = (nextRunAt: string, extra: Partial<DueDefinition> = {}): DueDefinition => ({
    ...interval(MINUTE, '2026-01-01T00:00:00Z'),
    id: 'b',
    nextRunAt: at(nextRunAt),
    missedRunPolicy: 'backfill',
    ...extra,
  });

  it('backfill: every missed occurrence gets its own job, one plan each, then on time again', () => {
    const now = at('2026-01-01T00:10:30Z');
    let definition = due('2026-01-01T00:00:00Z');
    const enqueued: string[] = [];
    while (definition.nextRunAt.getTime() <= now.getTime()) {
      const plan = planOccurrence(definition, now, TOLERANCE);
      enqueued.push(plan.enqueue!.toISOString());
      expect(plan.dueAt).toEqual(now);
      definition = { ...definition, nextRunAt: plan.nextRunAt! };
    }
    expect(enqueued).toEqual(
      Array.from({ length: 11 }, (_, i) =>
        new Date(Date.parse('2026-01-01T00:00:00Z') + i * MINUTE).toISOString(),
      ),
    );
    expect(definition.nextRunAt).toEqual(at('2026-01-01T00:11:00Z'));
  });

  it(`backfill is bounded: after more than ${MAX_BACKFILL} missed occurrences, the ${MAX_BACKFILL} most recent run`, () => {
    const now = at('2026-01-01T05:00:30Z'); // 301 occurrences missed, 00:00 to 05:00
    const plan = planOccurrence(due('2026-01-01T00:00:00Z'), now, TOLERANCE);
    const oldestKept = at('2026-01-01T03:21:00Z'); // 05:00 minus 99 minutes
    expect(plan.enqueue).toEqual(oldestKept);
    expect(plan.passedOver).toBe(301 - MAX_BACKFILL);
    expect(plan.nextRunAt).toEqual(at('2026-01-01T03:22:00Z'));
  });

  it('queue: an occurrence that waited is not a missed one however late; those meanwhile fold into it', () => {
    const now = at('2026-01-01T00:07:30Z');
    const plan = planOccurrence(
      due('2026-01-01T00:01:00Z', { missedRunPolicy: 'skip', waiting: true }),
      now,
      TOLERANCE,
    );
    expect(plan).toEqual({
      enqueue: at('2026-01-01T00:01:00Z'),
      dueAt: now,
      nextRunAt: at('2026-01-01T00:08:00Z'),
      missed: false,
      latestMissed: null,
      passedOver: 6, // 00:02 to 00:07
    });
  });
});
