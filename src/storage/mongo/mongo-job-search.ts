import { MongoServerError, type Collection, type Filter } from 'mongodb';
import type { JobCriteria, JobOrder, JobPosition } from '../job-criteria';
import type { JobRecord, JobState } from '../job-record';
import type { JobSearchStore } from '../job-search-store';
import type { JobSummary, JobTarget } from '../job-summary';
import { afterPosition, criteriaFilter, onlyFinished, orderSort } from './job-filter-query';
import { SEARCH_INDEXES } from './job-search-indexes';
import { guard, storageError } from './mongo-errors';

/** The fields of a {@link JobSummary} (no payload, history or stack), for every job list. */
export const SUMMARY_PROJECTION = {
  type: 1,
  queue: 1,
  state: 1,
  priority: 1,
  attempt: 1,
  maxAttempts: 1,
  createdAt: 1,
  dueAt: 1,
  startedAt: 1,
  finishedAt: 1,
  durationMs: 1,
  progress: 1,
  uniqueKey: 1,
  parentId: 1,
  tags: 1,
  'error.name': 1,
  'error.message': 1,
} as const;

/** The fields of a {@link JobTarget}. */
const TARGET_PROJECTION = {
  type: 1,
  queue: 1,
  state: 1,
  uniqueKey: 1,
  createdAt: 1,
  dueAt: 1,
  finishedAt: 1,
  hasContinuations: 1,
  continuationsResolved: 1,
  batchId: 1,
  deadLetteredAt: 1,
} as const;

/** MongoDB's MaxTimeMSExpired: the command's `maxTimeMS` passed. */
const MAX_TIME_MS_EXPIRED = 50;

/** `JobSearchStore` on the jobs collection. */
export class MongoJobSearch implements JobSearchStore {
  constructor(private readonly jobs: Collection<JobRecord>) {}

  async ensureIndexes(): Promise<void> {
    await guard('create the search indexes', () => this.jobs.createIndexes([...SEARCH_INDEXES]));
  }

  async find(
    criteria: JobCriteria,
    order: JobOrder,
    after: JobPosition | null,
    limit: number,
  ): Promise<JobSummary[]> {
    const found = await this.read<JobRecord>(criteria, order, after, limit, SUMMARY_PROJECTION);
    return found.map(toSummary);
  }

  findTargets(
    criteria: JobCriteria,
    order: JobOrder,
    after: JobPosition | null,
    limit: number,
  ): Promise<JobTarget[]> {
    return this.read(criteria, order, after, limit, TARGET_PROJECTION);
  }

  findTargetsByIds(ids: readonly string[], states: readonly JobState[]): Promise<JobTarget[]> {
    return guard('read the jobs to act on', () =>
      this.jobs
        .find(
          { _id: { $in: [...ids] }, state: { $in: [...states] } },
          { projection: TARGET_PROJECTION },
        )
        .toArray(),
    );
  }

  async count(criteria: JobCriteria, limit: number, maxTimeMs: number): Promise<number | null> {
    try {
      return await this.jobs.countDocuments(criteriaFilter(criteria), {
        limit,
        maxTimeMS: maxTimeMs,
      });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === MAX_TIME_MS_EXPIRED) return null;
      throw storageError('count jobs', error);
    }
  }

  private read<T extends JobTarget | JobRecord>(
    criteria: JobCriteria,
    order: JobOrder,
    after: JobPosition | null,
    limit: number,
    projection: Record<string, 1>,
  ): Promise<T[]> {
    const base = criteriaFilter(criteria);
    const nullable = order.field === 'finishedAt' && !onlyFinished(criteria.states);
    const filter: Filter<JobRecord> =
      after === null ? base : { $and: [base, afterPosition(order, after, nullable)] };
    return guard(
      'find jobs',
      () =>
        this.jobs
          .find(filter, { projection })
          .sort(orderSort(order))
          .limit(limit)
          .toArray() as Promise<T[]>,
    );
  }
}

function toSummary(job: JobRecord): JobSummary {
  return {
    _id: job._id,
    type: job.type,
    queue: job.queue,
    state: job.state,
    priority: job.priority ?? 0,
    attempt: job.attempt ?? 0,
    maxAttempts: job.maxAttempts ?? null,
    createdAt: job.createdAt,
    dueAt: job.dueAt,
    startedAt: job.startedAt ?? null,
    finishedAt: job.finishedAt ?? null,
    durationMs: job.durationMs ?? null,
    progress: job.progress ?? null,
    uniqueKey: job.uniqueKey ?? null,
    parentId: job.parentId ?? null,
    error: job.error ? { name: job.error.name, message: job.error.message } : null,
    ...(job.tags === undefined ? {} : { tags: job.tags }),
  };
}
