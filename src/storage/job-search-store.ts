import type { JobCriteria, JobOrder, JobPosition } from './job-criteria';
import type { JobState } from './job-record';
import type { JobSummary, JobTarget } from './job-summary';

/**
 * The storage port behind finding jobs and choosing the targets of bulk actions. The
 * MongoDB implementation is `MongoJobSearch`.
 */
export interface JobSearchStore {
  /** Creates the indexes the searches use (idempotent). */
  ensureIndexes(): Promise<void>;
  /** Up to `limit` jobs matching `criteria`, in `order`, after `after` (from the start: null). */
  find(
    criteria: JobCriteria,
    order: JobOrder,
    after: JobPosition | null,
    limit: number,
  ): Promise<JobSummary[]>;
  /** As {@link find}, with the fields a bulk action needs instead of the summary. */
  findTargets(
    criteria: JobCriteria,
    order: JobOrder,
    after: JobPosition | null,
    limit: number,
  ): Promise<JobTarget[]>;
  /** The jobs among `ids` in one of `states` (in no particular order). */
  findTargetsByIds(ids: readonly string[], states: readonly JobState[]): Promise<JobTarget[]>;
  /**
   * How many jobs match, counting no further than `limit`; null when counting took longer
   * than `maxTimeMs`.
   */
  count(criteria: JobCriteria, limit: number, maxTimeMs: number): Promise<number | null>;
}
