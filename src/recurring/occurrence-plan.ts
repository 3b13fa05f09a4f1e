import { MAX_BACKFILL, type MissedRunPolicy } from './recurring-options';
import { countRuns, latestRun, nextRun, nthLatestRun, type ScheduleShape } from './schedule-shape';

/** Most occurrences counted as folded into one that waited (`queue` policy). */
const FOLD_COUNT_CAP = 10_000;

/** What a ticker reads of a due definition to decide what to do. */
export interface DueDefinition extends ScheduleShape {
  readonly id: string;
  /** The occurrence that is due (the stored `nextRunAt`). */
  readonly nextRunAt: Date;
  readonly missedRunPolicy: MissedRunPolicy;
  /**
   * `queue` overlap policy: the occurrence waited for the previous job to finish; it is not
   * a missed one, however late. Absent: false.
   */
  readonly waiting?: boolean;
}

/** What a ticker does for one due definition. */
export interface OccurrencePlan {
  /**
   * The occurrence to enqueue a job for, or null (a missed run under `skip`). It is always
   * an occurrence read from, or computed from, the stored `nextRunAt`, so every server reading
   * the same definition derives the same job id from it, whatever its own clock says, and
   * only one of their inserts can succeed (guarantee 4 of docs/design.md).
   */
  readonly enqueue: Date | null;
  /** When the job is due: its occurrence when on time; `now` for a late one. */
  readonly dueAt: Date;
  /** The value `nextRunAt` advances to; null when the schedule has no occurrence left. */
  readonly nextRunAt: Date | null;
  /** Whether the occurrence counts as missed (downtime) rather than on time. */
  readonly missed: boolean;
  /** The most recent missed occurrence (equal to the due one when only one was missed). */
  readonly latestMissed: Date | null;
  /**
   * Occurrences passed over without a job of their own: those older than the
   * {@link MAX_BACKFILL} most recent under `backfill`, or, for an occurrence that waited
   * (`queue`), those that fell meanwhile.
   */
  readonly passedOver: number;
}

/**
 * Decides what to do with a definition whose `nextRunAt` has come (`nextRunAt <= now`).
 *
 * - On time (`now - nextRunAt <= toleranceMs`): enqueue the occurrence and advance to the
 *   occurrence after it. A tick delayed by a stalled event loop or a slow round trip thus
 *   catches up occurrence by occurrence, each once, with no gap (at most
 *   `toleranceMs` worth of them).
 * - Waited (`queue` policy, the previous job just finished): enqueue it, due now, and advance
 *   to the first occurrence after now; the ones in between were folded into it.
 * - Missed (later than the tolerance: no server ran): `runOnce` enqueues one job, `skip`
 *   none, and `nextRunAt` jumps to the first occurrence after `now`. `backfill` enqueues the
 *   due occurrence (or, after more than {@link MAX_BACKFILL} missed ones, the oldest of the
 *   most recent {@link MAX_BACKFILL}) and advances to the one after it: successive ticks
 *   catch up one occurrence each.
 *
 * Pure: the clock is the caller's `now`.
 */
export function planOccurrence(
  definition: DueDefinition,
  now: Date,
  toleranceMs: number,
): OccurrencePlan {
  const due = definition.nextRunAt;
  if (definition.waiting === true) {
    return {
      enqueue: due,
      dueAt: now,
      nextRunAt: nextRun(definition, now),
      missed: false,
      latestMissed: null,
      passedOver: countRuns(definition, due, now, FOLD_COUNT_CAP),
    };
  }
  const lateMs = now.getTime() - due.getTime();
  if (lateMs <= toleranceMs) {
    return {
      enqueue: due,
      dueAt: due,
      nextRunAt: nextRun(definition, due),
      missed: false,
      latestMissed: null,
      passedOver: 0,
    };
  }
  const latestMissed = latestRun(definition, now) ?? due;
  if (definition.missedRunPolicy === 'backfill') {
    let first = due;
    let passedOver = 0;
    // More than MAX_BACKFILL missed (the due one and those after it): run the recent ones.
    if (countRuns(definition, due, now, MAX_BACKFILL) >= MAX_BACKFILL) {
      const oldestKept = nthLatestRun(definition, now, MAX_BACKFILL) ?? due;
      if (oldestKept.getTime() > due.getTime()) {
        passedOver = countRuns(definition, due, oldestKept, FOLD_COUNT_CAP);
        first = oldestKept;
      }
    }
    return {
      enqueue: first,
      dueAt: now,
      nextRunAt: nextRun(definition, first),
      missed: true,
      latestMissed,
      passedOver,
    };
  }
  return {
    enqueue: definition.missedRunPolicy === 'runOnce' ? due : null,
    dueAt: now,
    nextRunAt: nextRun(definition, now),
    missed: true,
    latestMissed,
    passedOver: 0,
  };
}

/** The id of the job enqueued for one occurrence: `<recurringId>@<ISO instant>`. */
export function occurrenceJobId(recurringId: string, occurrence: Date): string {
  return `${recurringId}@${occurrence.toISOString()}`;
}

/**
 * The uniqueKey of the jobs of a recurring job whose overlap policy is `skip` or `queue`
 * (`recurring:<recurringId>`); null under `allow`. While one of them is unfinished, no other
 * job with that key can be inserted.
 */
export function overlapKeyOf(definition: {
  readonly _id: string;
  readonly overlap?: 'allow' | 'skip' | 'queue';
}): string | null {
  return (definition.overlap ?? 'allow') === 'allow' ? null : `recurring:${definition._id}`;
}
