import type { UpdateFilter } from 'mongodb';
import { HISTORY_LIMIT, type JobHistoryEntry, type JobRecord } from '../job-record';

/** The `$push` that appends one entry to a job's bounded history. */
export function historyPush(entry: JobHistoryEntry): NonNullable<UpdateFilter<JobRecord>['$push']> {
  return { history: { $each: [clean(entry)], $slice: -HISTORY_LIMIT } } as NonNullable<
    UpdateFilter<JobRecord>['$push']
  >;
}

/**
 * The same append as an aggregation expression, for pipeline updates (which have no `$push`).
 * The entry is a `$literal`: a reason or server id that starts with `$` stays text.
 */
export function historyAppend(entry: JobHistoryEntry): Record<string, unknown> {
  return {
    $slice: [
      { $concatArrays: [{ $ifNull: ['$history', []] }, [{ $literal: clean(entry) }]] },
      -HISTORY_LIMIT,
    ],
  };
}

function clean(entry: JobHistoryEntry): JobHistoryEntry {
  return Object.fromEntries(
    Object.entries(entry).filter(([, value]) => value !== undefined),
  ) as JobHistoryEntry;
}
