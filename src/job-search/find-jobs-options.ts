import {
  checkInteger,
  checkKnownKeys,
  checkOneOf,
  checkPlainObject,
  readingOptions,
} from '../options/option-checks';
import {
  JOB_SORT_FIELDS,
  type JobOrder,
  type JobPosition,
  type JobSortField,
} from '../storage/job-criteria';
import { FINISHED_STATES, type JobState } from '../storage/job-record';
import { decodeCursor } from './job-cursor';

/** Which way a list is sorted. */
export type SortDirection = 'asc' | 'desc';

/** Options of `IJobScheduler.findJobs`. */
export interface FindJobsOptions {
  /**
   * The field jobs are sorted by; ties are broken by id, the same way.
   * @defaultValue by the filter's states: `finishedAt` when all are finished, `dueAt` when
   *   all are unfinished, `id` otherwise (ids grow with creation time)
   */
  readonly sort?: JobSortField;
  /**
   * Which way to sort.
   * @defaultValue `'asc'` for `dueAt` (soonest first), `'desc'` (newest first) for the others
   */
  readonly direction?: SortDirection;
  /**
   * Jobs per page (integer 1..1000).
   * @defaultValue `20`
   */
  readonly limit?: number;
  /** The `nextCursor` of the previous page (same filter and order); the first page without. */
  readonly cursor?: string;
}

/** Options of `IJobScheduler.countJobs`. */
export interface CountJobsOptions {
  /**
   * Counting stops here: more matching jobs are reported as `{ count: limit, exact: false }`
   * (show "10,000+"). Integer 1..1000000.
   * @defaultValue `10000`
   */
  readonly limit?: number;
  /**
   * The longest MongoDB may count (ms, integer 1..60000); a count that takes longer
   * resolves null.
   * @defaultValue `1000`
   */
  readonly maxTimeMs?: number;
}

/** The defaults of {@link FindJobsOptions} and {@link CountJobsOptions}. */
export const SEARCH_DEFAULTS = {
  limit: 20,
  countLimit: 10_000,
  countMaxTimeMs: 1_000,
} as const;

/** The largest page of `findJobs`. */
export const MAX_PAGE_SIZE = 1_000;

/** {@link FindJobsOptions} checked: the order, where to start, and how many. */
export interface ResolvedFindJobsOptions {
  readonly order: JobOrder;
  readonly after: JobPosition | null;
  readonly limit: number;
}

/** {@link CountJobsOptions} checked. */
export interface ResolvedCountJobsOptions {
  readonly limit: number;
  readonly maxTimeMs: number;
}

/**
 * The order of a list when none is asked: finished jobs newest first, unfinished ones
 * soonest due first, a mix (or every job) newest first by id.
 */
export function defaultOrder(states: readonly JobState[] | null): JobOrder {
  if (states !== null && states.every((state) => FINISHED_STATES.includes(state))) {
    return { field: 'finishedAt', direction: -1 };
  }
  if (states !== null && states.every((state) => !FINISHED_STATES.includes(state))) {
    return { field: 'dueAt', direction: 1 };
  }
  return { field: 'id', direction: -1 };
}

/**
 * Checks {@link FindJobsOptions} for a filter of `states`.
 * @throws InvalidOptionsError - naming the option (`cursor` for a cursor of another list).
 */
export function resolveFindJobsOptions(
  options: FindJobsOptions | undefined,
  states: readonly JobState[] | null,
): ResolvedFindJobsOptions {
  return readingOptions('options', () => {
    const given = options === undefined ? {} : checkPlainObject('options', options);
    checkKnownKeys('options', given, ['sort', 'direction', 'limit', 'cursor']);
    const { sort, direction, limit, cursor } = given as FindJobsOptions;
    let order = defaultOrder(states);
    if (sort !== undefined || direction !== undefined) {
      const field = sort === undefined ? order.field : checkOneOf('sort', sort, JOB_SORT_FIELDS);
      const way =
        direction === undefined
          ? field === 'dueAt'
            ? 'asc'
            : 'desc'
          : checkOneOf('direction', direction, ['asc', 'desc'] as const);
      order = { field, direction: way === 'asc' ? 1 : -1 };
    }
    return Object.freeze({
      order: Object.freeze(order),
      after: cursor === undefined ? null : decodeCursor(cursor, order),
      limit:
        limit === undefined
          ? SEARCH_DEFAULTS.limit
          : checkInteger('limit', limit, { min: 1, max: MAX_PAGE_SIZE }),
    });
  });
}

/**
 * Checks {@link CountJobsOptions}.
 * @throws InvalidOptionsError - naming the option.
 */
export function resolveCountJobsOptions(
  options: CountJobsOptions | undefined,
): ResolvedCountJobsOptions {
  return readingOptions('options', () => {
    const given = options === undefined ? {} : checkPlainObject('options', options);
    checkKnownKeys('options', given, ['limit', 'maxTimeMs']);
    const { limit, maxTimeMs } = given as CountJobsOptions;
    return Object.freeze({
      limit:
        limit === undefined
          ? SEARCH_DEFAULTS.countLimit
          : checkInteger('limit', limit, { min: 1, max: 1_000_000 }),
      maxTimeMs:
        maxTimeMs === undefined
          ? SEARCH_DEFAULTS.countMaxTimeMs
          : checkInteger('maxTimeMs', maxTimeMs, { min: 1, max: 60_000 }),
    });
  });
}
