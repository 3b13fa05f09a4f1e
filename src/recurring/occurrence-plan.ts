import { latestOccurrence, nextOccurrence, type CronSchedule } from './cron-schedule';
import type { MissedRunPolicy } from './recurring-options';

/** What a ticker reads of a due definition to decide what to do. */
export interface DueDefinition extends CronSchedule {
  readonly id: string;
  /** The occurrence that is due (the stored `nextRunAt`). */
  readonly nextRunAt: Date;
  readonly missedRunPolicy: MissedRunPolicy;
}

/** What a ticker does for one due definition. */
export interface OccurrencePlan {
  /**
   * The occurrence to enqueue a job for, or null (a missed run under `skip`). It is always
   * the stored `nextRunAt`, so every server reading the same definition derives the same
   * job id from it, whatever its own clock says, and only one of their inserts can succeed
   * (guarantee 4 of docs/design.md).
   */
  readonly enqueue: Date | null;
  /** The value `nextRunAt` advances to. */
  readonly nextRunAt: Date;
  /** Whether the occurrence counts as missed (downtime) rather than on time. */
  readonly missed: boolean;
  /** The most recent missed occurrence (equal to the due one when only one was missed). */
  readonly latestMissed: Date | null;
}

/**
 * Decides what to do with a definition whose `nextRunAt` has come (`nextRunAt <= now`).
 *
 * - On time (`now - nextRunAt <= toleranceMs`): enqueue the occurrence and advance to the
 *   occurrence after it. A tick delayed by a stalled event loop or a slow round trip thus
 *   catches up occurrence by occurrence, each once, with no gap (at most
 *   `toleranceMs` worth of them).
 * - Missed (later than that: no server ran): `runOnce` enqueues one job, `skip` none; either
 *   way `nextRunAt` jumps to the first occurrence after `now`. Never a burst.
 *
 * Pure: the clock is the caller's `now`.
 */
export function planOccurrence(
  definition: DueDefinition,
  now: Date,
  toleranceMs: number,
): OccurrencePlan {
  const due = definition.nextRunAt;
  const lateMs = now.getTime() - due.getTime();
  if (lateMs <= toleranceMs) {
    return {
      enqueue: due,
      nextRunAt: nextOccurrence(definition, due),
      missed: false,
      latestMissed: null,
    };
  }
  return {
    enqueue: definition.missedRunPolicy === 'runOnce' ? due : null,
    nextRunAt: nextOccurrence(definition, now),
    missed: true,
    latestMissed: latestOccurrence(definition, now) ?? due,
  };
}

/** The id of the job enqueued for one occurrence: `<recurringId>@<ISO instant>`. */
export function occurrenceJobId(recurringId: string, occurrence: Date): string {
  return `${recurringId}@${occurrence.toISOString()}`;
}
