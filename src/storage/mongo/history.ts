import type { UpdateFilter } from 'mongodb';
import { HISTORY_LIMIT, type JobHistoryEntry, type JobRecord } from '../job-record';

/** The `$push` that appends one entry to a job's bounded history. */
export function historyPush(entry: JobHistoryEntry): NonNullable<UpdateFilter<JobRecord>['$push']> {
  const clean = Object.fromEntries(
    Object.entries(entry).filter(([, value]) => value !== undefined),
  ) as JobHistoryEntry;
  return { history: { $each: [clean], $slice: -HISTORY_LIMIT } } as NonNullable<
    UpdateFilter<JobRecord>['$push']
  >;
}
