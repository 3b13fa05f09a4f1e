export type { BulkActionResult } from './bulk-action-result';
export {
  BULK_ACTIONS,
  BULK_ACTION_STATES,
  BULK_BATCH_SIZE,
  BulkJobActions,
  type BulkAction,
  type BulkJobActionsDeps,
} from './bulk-job-actions';
export {
  MAX_BULK_IDS,
  resolveJobSelection,
  type JobSelection,
  type ResolvedJobSelection,
} from './job-selection';
export { drainFilter, type DrainQueueOptions } from './queue-drain';
