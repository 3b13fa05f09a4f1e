import type { JobRecord, JobState } from './job-record';

/*
 * Which jobs a search or a bulk action concerns, checked already (see `resolveJobFilter`),
 * in the form the storage port takes. The MongoDB implementation turns it into a filter in
 * one place (`storage/mongo/job-filter-query.ts`).
 */

/** A time range, `from` included and `to` excluded; null leaves that end open. */
export interface TimeBounds {
  readonly from: Date | null;
  readonly to: Date | null;
}

/** Equality on one payload field: the field holds one of `values`. */
export interface PayloadCondition {
  /** Identifier segments below `payload` (`['customer', 'id']`). */
  readonly path: readonly string[];
  readonly values: ReadonlyArray<string | number | boolean>;
}

/** Conditions that all hold for a matching job; null (or empty) means no such condition. */
export interface JobCriteria {
  readonly states: readonly JobState[] | null;
  readonly queue: string | null;
  /** Exact type name. */
  readonly type: string | null;
  readonly typePrefix: string | null;
  readonly idPrefix: string | null;
  /** The batch the job is in. */
  readonly batchId: string | null;
  /** Text the last error's message contains, case-insensitive. */
  readonly errorContains: string | null;
  /** True: only dead-lettered jobs; false: none of them. */
  readonly deadLettered: boolean | null;
  readonly payload: readonly PayloadCondition[];
  /** Tags the job carries, all of them; empty: no condition. */
  readonly tags: readonly string[];
  readonly createdAt: TimeBounds | null;
  readonly finishedAt: TimeBounds | null;
  readonly dueAt: TimeBounds | null;
}

/** The fields a list of jobs can be sorted by (`id` ties every other sort). */
export type JobSortField = 'id' | 'createdAt' | 'dueAt' | 'finishedAt';

/** The sort fields, for validation and docs. */
export const JOB_SORT_FIELDS: readonly JobSortField[] = ['id', 'createdAt', 'dueAt', 'finishedAt'];

/** A total order of jobs: by `field`, then by id in the same direction. */
export interface JobOrder {
  readonly field: JobSortField;
  readonly direction: 1 | -1;
}

/** A place in a {@link JobOrder}: the sort value of the last job seen (ms, or null) and its id. */
export interface JobPosition {
  readonly value: number | null;
  readonly id: string;
}

/** The position of `job` in `order` (what a cursor keeps). */
export function positionOf(
  job: Pick<JobRecord, '_id' | 'createdAt' | 'dueAt' | 'finishedAt'>,
  order: JobOrder,
): JobPosition {
  if (order.field === 'id') return { value: null, id: job._id };
  const value = job[order.field];
  return { value: value instanceof Date ? value.getTime() : null, id: job._id };
}
