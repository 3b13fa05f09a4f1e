import { positionOf } from '../storage/job-criteria';
import type { JobSearchStore } from '../storage/job-search-store';
import type { JobSummary } from '../storage/job-summary';
import {
  resolveCountJobsOptions,
  resolveFindJobsOptions,
  type CountJobsOptions,
  type FindJobsOptions,
} from './find-jobs-options';
import { encodeCursor } from './job-cursor';
import type { JobFilter } from './job-filter';
import { resolveJobFilter } from './resolve-job-filter';

/** A page of jobs (`IJobScheduler.findJobs`). */
export interface JobPage {
  /** The page's jobs, in the order asked. */
  readonly jobs: JobSummary[];
  /** Pass as `cursor` (with the same filter and order) for the next page; null on the last. */
  readonly nextCursor: string | null;
}

/** How many jobs match (`IJobScheduler.countJobs`). */
export interface JobCount {
  /** The jobs counted: all that match when `exact`, else the limit (there are more). */
  readonly count: number;
  /** False when more jobs match than the limit counted: show `10,000+`. */
  readonly exact: boolean;
}

/**
 * Finding and counting jobs by filter. The search indexes are created before the first
 * search (once; again after a failure).
 */
export class JobSearch {
  private indexes: Promise<void> | undefined;

  constructor(private readonly store: JobSearchStore) {}

  /**
   * One page of jobs matching `filter`, in the order `options` ask.
   * @throws InvalidOptionsError - for an invalid filter or option, before any query.
   * @throws StorageError - when MongoDB fails.
   */
  async find(
    filter: JobFilter | undefined,
    options: FindJobsOptions | undefined,
  ): Promise<JobPage> {
    const criteria = resolveJobFilter(filter);
    const { order, after, limit } = resolveFindJobsOptions(options, criteria.states);
    await this.ready();
    // One more than the page, to know whether there is a next one.
    const found = await this.store.find(criteria, order, after, limit + 1);
    const jobs = found.slice(0, limit);
    const last = jobs[jobs.length - 1];
    const more = found.length > limit && last !== undefined;
    return { jobs, nextCursor: more ? encodeCursor(order, positionOf(last, order)) : null };
  }

  /**
   * How many jobs match `filter`, up to the limit; null when counting takes longer than
   * `maxTimeMs`.
   * @throws InvalidOptionsError - for an invalid filter or option, before any query.
   * @throws StorageError - when MongoDB fails otherwise.
   */
  async count(
    filter: JobFilter | undefined,
    options: CountJobsOptions | undefined,
  ): Promise<JobCount | null> {
    const criteria = resolveJobFilter(filter);
    const { limit, maxTimeMs } = resolveCountJobsOptions(options);
    await this.ready();
    // One more than the limit, to know whether there are more.
    const counted = await this.store.count(criteria, limit + 1, maxTimeMs);
    if (counted === null) return null;
    return counted > limit ? { count: limit, exact: false } : { count: counted, exact: true };
  }

  /** Creates the search indexes once (bulk actions by filter read through them too). */
  ready(): Promise<void> {
    this.indexes ??= this.store.ensureIndexes().catch((error: unknown) => {
      this.indexes = undefined; // try again at the next search
      throw error;
    });
    return this.indexes;
  }
}
