import { BSON } from 'mongodb';
import {
  repeatLimitReached,
  type RecurringDefinition,
  type RecurringRecord,
} from './recurring-record';
import { nextRun, type ScheduleShape } from './schedule-shape';

/*
 * What `addOrUpdateRecurring` changes in a stored definition: the fields that differ, and,
 * when the schedule's shape changed, its new anchor and next run.
 */

/** The definition fields compared by `addOrUpdate` (the payload is compared as BSON). */
const SCALAR_FIELDS = [
  'type',
  'cron',
  'timeZone',
  'queue',
  'priority',
  'maxAttempts',
  'timeoutMs',
  'missedRunPolicy',
  'everyMs',
  'repeatLimit',
  'overlap',
] as const satisfies ReadonlyArray<keyof RecurringDefinition>;

/** The definition fields holding instants (compared by time). */
const DATE_FIELDS = ['startAt', 'endAt'] as const satisfies ReadonlyArray<
  keyof RecurringDefinition
>;

/** The fields whose change reschedules the next run from now. */
export const SHAPE_FIELDS = [
  'cron',
  'timeZone',
  'everyMs',
  'startAt',
  'endAt',
  'repeatLimit',
] as const;

/** The fields of `wanted` that differ from `existing`, or null when none does. */
export function differences(
  existing: RecurringRecord,
  wanted: RecurringDefinition,
): Partial<RecurringRecord> | null {
  const changes: Partial<RecurringRecord> = {};
  let changed = false;
  for (const field of SCALAR_FIELDS) {
    // Fields added since a definition was stored are absent from it: read as null.
    if ((existing[field] ?? null) !== wanted[field]) {
      (changes as Record<string, unknown>)[field] = wanted[field];
      changed = true;
    }
  }
  for (const field of DATE_FIELDS) {
    if ((existing[field]?.getTime() ?? null) !== (wanted[field]?.getTime() ?? null)) {
      changes[field] = wanted[field];
      changed = true;
    }
  }
  // Compared as BSON, so that what MongoDB gives back (Binary for a Buffer, Long for a
  // bigint) equals what it was given.
  if (Buffer.compare(BSON.serialize(existing.payload), BSON.serialize(wanted.payload)) !== 0) {
    changes.payload = wanted.payload;
    changed = true;
  }
  return changed ? changes : null;
}

/**
 * The first occurrence after `now`, or null when the window has none left or the repeat
 * limit has been reached.
 */
export function nextRunWithin(
  record: Omit<ScheduleShape, 'hashSeed'> &
    Pick<RecurringRecord, '_id' | 'runCount' | 'repeatLimit'>,
  now: Date,
): Date | null {
  if (repeatLimitReached(record, record.runCount ?? 0)) return null;
  return nextRun({ ...record, hashSeed: record._id }, now);
}

/** An interval schedule counts from its start, or from when it was set; a cron needs none. */
export function anchorFor(definition: RecurringDefinition, now: Date): Date | null {
  return definition.everyMs === null ? null : (definition.startAt ?? now);
}
