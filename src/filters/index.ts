export {
  DOCKET_FILTER,
  type DocketFilter,
  type DocketFilterClass,
  type DocketFilterEntry,
  type EnqueueFilterContext,
  type EnqueueSource,
  type ExecutionFilterContext,
  type JobMetadata,
  type JobStateChange,
} from './docket-filter';
export { JobFilters, checkFilterEntry } from './job-filters';
