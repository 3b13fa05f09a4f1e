import {
  missedRunTolerance,
  occurrenceJobId,
  planOccurrence,
  type DueDefinition,
  type MissedRunPolicy,
} from '../../../src/recurring';

const TOLERANCE = missedRunTolerance(1_000); // 5 s
const at = (iso: string) => new Date(iso);

function definition(
  cron: string,
  nextRunAt: string,
  missedRunPolicy: MissedRunPolicy = 'runOnce',
): DueDefinition {
  return {
    id: 'r1',
    cron,
    timeZone: 'UTC',
    hashSeed: 'r1',
    nextRunAt: at(nextRunAt),
    missedRunPolicy,
  };
}

describe('planOccurrence', () => {
  it('on time: enqueues the due occurrence and advances to the one after it', () => {
    const plan = planOccurrence(
      definition('*/5 * * * *', '2026-01-01T12:00:00Z'),
      at('2026-01-01T12:00:00.030Z'),
      TOLERANCE,
    );
    expect(plan).toEqual({
      enqueue: at('2026-01-01T12:00:00Z'),
      dueAt: at('2026-01-01T12:00:00Z'),
      nextRunAt: at('2026-01-01T12:05:00Z'),
      missed: false,
      latestMissed: null,
      passedOver: 0,
    });
  });

  it('a little late (within the tolerance): catches up occurrence by occurrence, none skipped', () => {
    // A per-second job whose tick was delayed 3.5 s: each of the 4 due occurrences gets its job.
    let def = definition('* * * * * *', '2026-01-01T12:00:00Z');
    const now = at('2026-01-01T12:00:03.500Z');
    const enqueued: string[] = [];
    while (def.nextRunAt.getTime() <= now.getTime()) {
      const plan = planOccurrence(def, now, TOLERANCE);
      expect(plan.missed).toBe(false);
      enqueued.push(plan.enqueue!.toISOString());
      def = { ...def, nextRunAt: plan.nextRunAt! };
    }
    expect(enqueued).toEqual([
      '2026-01-01T12:00:00.000Z',
      '2026-01-01T12:00:01.000Z',
      '2026-01-01T12:00:02.000Z',
      '2026-01-01T12:00:03.000Z',
    ]);
    expect(def.nextRunAt).toEqual(at('2026-01-01T12:00:04Z'));
  });

  it('exactly at the tolerance still counts as on time', () => {
    const plan = planOccurrence(
      definition('0 * * * *', '2026-01-01T12:00:00Z'),
      at('2026-01-01T12:00:05Z'),
      TOLERANCE,
    );
    expect(plan.missed).toBe(false);
  });

  it('downtime with runOnce: one job for all missed occurrences, then the first occurrence after now', () => {
    // Hourly job, servers down from 09:00 to 12:20: 10:00, 11:00 and 12:00 were missed.
    const plan = planOccurrence(
      definition('0 * * * *', '2026-01-01T10:00:00Z'),
      at('2026-01-01T12:20:00Z'),
      TOLERANCE,
    );
    expect(plan).toEqual({
      enqueue: at('2026-01-01T10:00:00Z'),
      dueAt: at('2026-01-01T12:20:00Z'),
      nextRunAt: at('2026-01-01T13:00:00Z'),
      missed: true,
      latestMissed: at('2026-01-01T12:00:00Z'),
      passedOver: 0,
    });
  });

  it('downtime with skip: nothing enqueued, then the first occurrence after now', () => {
    const plan = planOccurrence(
      definition('0 * * * *', '2026-01-01T10:00:00Z', 'skip'),
      at('2026-01-01T12:20:00Z'),
      TOLERANCE,
    );
    expect(plan.enqueue).toBeNull();
    expect(plan.nextRunAt).toEqual(at('2026-01-01T13:00:00Z'));
    expect(plan.missed).toBe(true);
  });

  it('a single occurrence missed by more than the tolerance is downtime too', () => {
    const plan = planOccurrence(
      definition('0 0 * * *', '2026-01-01T00:00:00Z', 'skip'),
      at('2026-01-01T00:00:06Z'),
      TOLERANCE,
    );
    expect(plan).toEqual({
      enqueue: null,
      dueAt: at('2026-01-01T00:00:06Z'),
      nextRunAt: at('2026-01-02T00:00:00Z'),
      missed: true,
      latestMissed: at('2026-01-01T00:00:00Z'),
      passedOver: 0,
    });
  });

  it('never a burst: after a long downtime, one plan, and the next run is in the future', () => {
    const now = at('2026-03-01T00:00:00.400Z');
    const plan = planOccurrence(definition('* * * * * *', '2026-01-01T00:00:00Z'), now, TOLERANCE);
    expect(plan.enqueue).toEqual(at('2026-01-01T00:00:00Z'));
    expect(plan.nextRunAt).toEqual(at('2026-03-01T00:00:01Z'));
    expect(plan.nextRunAt!.getTime()).toBeGreaterThan(now.getTime());
  });

  it('servers with different clocks derive the same job id from the same stored definition', () => {
    const def = definition('* * * * * *', '2026-01-01T00:00:00Z');
    const a = planOccurrence(def, at('2026-01-01T00:00:04.900Z'), TOLERANCE); // on time
    const b = planOccurrence(def, at('2026-01-01T00:00:05.100Z'), TOLERANCE); // missed
    expect(a.missed).not.toBe(b.missed);
    expect(occurrenceJobId(def.id, a.enqueue!)).toBe(occurrenceJobId(def.id, b.enqueue!));
  });
});

describe('occurrenceJobId', () => {
  it('is the recurring id and the ISO instant', () => {
    expect(occurrenceJobId('reports.nightly', at('2026-01-01T02:30:00Z'))).toBe(
      'reports.nightly@2026-01-01T02:30:00.000Z',
    );
  });
});
