import type { Collection, Filter, Sort } from 'mongodb';
import { FINISHED_STATES, type JobRecord, type JobState } from '../../storage/job-record';
import type { ApiJobPage } from '../api-types';
import { decodeCursor, encodeCursor, type JobCursor, type JobSortKey } from './job-cursor';
import { JOB_SUMMARY_PROJECTION, toJobSummary } from './to-api';

/** Filters and paging of a job list, already validated. */
export interface JobListQuery {
  readonly state: JobState | null;
  readonly queue: string | null;
  readonly type: string | null;
  readonly search: string | null;
  readonly limit: number;
  readonly cursor: string | null;
}

interface SortPlan {
  readonly key: JobSortKey;
  /** The sorted field (null: `_id` alone). */
  readonly field: 'finishedAt' | 'dueAt' | null;
  readonly direction: 1 | -1;
}

function sortPlanFor(state: JobState | null): SortPlan {
  if (state === null) return { key: 'id', field: null, direction: -1 };
  if (FINISHED_STATES.includes(state))
    return { key: 'finished', field: 'finishedAt', direction: -1 };
  return { key: 'due', field: 'dueAt', direction: 1 };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The filter that selects what comes after `cursor` in the plan's order. */
function afterCursor(plan: SortPlan, cursor: JobCursor): Filter<JobRecord> {
  const idBeyond = plan.direction === -1 ? { $lt: cursor.id } : { $gt: cursor.id };
  if (plan.field === null) return { _id: idBeyond };
  const field = plan.field;
  if (cursor.value === null) {
    // Nulls sort lowest: after a null come later nulls (desc) or every non-null (asc).
    const sameNull = { [field]: null, _id: idBeyond };
    return plan.direction === -1 ? sameNull : { $or: [sameNull, { [field]: { $ne: null } }] };
  }
  const at = new Date(cursor.value);
  const branches: Filter<JobRecord>[] = [
    { [field]: plan.direction === -1 ? { $lt: at } : { $gt: at } },
    { [field]: at, _id: idBeyond },
  ];
  if (plan.direction === -1) branches.push({ [field]: null });
  return { $or: branches };
}

/**
 * One page of jobs, in the order of the state's list (see {@link JobSortKey}), after the
 * cursor's position. Reads one item more than the page to know whether a next page exists.
 * @throws HttpProblem - 400 for a cursor of another list.
 */
export async function listJobs(
  jobs: Collection<JobRecord>,
  query: JobListQuery,
): Promise<ApiJobPage> {
  const plan = sortPlanFor(query.state);
  const conditions: Filter<JobRecord>[] = [];
  if (query.state !== null) conditions.push({ state: query.state });
  if (query.queue !== null) conditions.push({ queue: query.queue });
  if (query.type !== null) conditions.push({ type: query.type });
  if (query.search !== null) {
    conditions.push({ _id: { $regex: escapeRegExp(query.search), $options: 'i' } });
  }
  if (query.cursor !== null)
    conditions.push(afterCursor(plan, decodeCursor(query.cursor, plan.key)));
  const filter: Filter<JobRecord> =
    conditions.length === 0 ? {} : conditions.length === 1 ? conditions[0] : { $and: conditions };
  const sort: Sort =
    plan.field === null
      ? { _id: plan.direction }
      : { [plan.field]: plan.direction, _id: plan.direction };
  const found = await jobs
    .find(filter, { projection: JOB_SUMMARY_PROJECTION })
    .sort(sort)
    .limit(query.limit + 1)
    .toArray();
  const page = found.slice(0, query.limit);
  const last = page[page.length - 1];
  const nextCursor =
    found.length > query.limit && last !== undefined
      ? encodeCursor({
          key: plan.key,
          value:
            plan.field === null
              ? null
              : last[plan.field] instanceof Date
                ? (last[plan.field] as Date).getTime()
                : null,
          id: last._id,
        })
      : null;
  return { items: page.map((job) => toJobSummary(job)), nextCursor };
}
