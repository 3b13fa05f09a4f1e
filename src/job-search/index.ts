export type { JobFilter, PayloadFilterValue, TimeRangeFilter } from './job-filter';
export {
  MAX_PAGE_SIZE,
  SEARCH_DEFAULTS,
  defaultOrder,
  type CountJobsOptions,
  type FindJobsOptions,
  type SortDirection,
} from './find-jobs-options';
export { JobSearch, type JobCount, type JobPage } from './job-search';
export { EVERY_JOB, hasConditions, resolveJobFilter } from './resolve-job-filter';
