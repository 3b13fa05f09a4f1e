/**
 * Docket for application tests: a one-call harness, a manual clock, and waits on job
 * events. Re-exported by `docket/testing`.
 */
export { createTestHarness, TestHarness } from './test-harness';
export {
  TEST_HARNESS_DEFAULTS,
  TEST_SERVER_DEFAULTS,
  type TestHarnessOptions,
} from './test-harness-options';
export { ManualClock, type ManualClockListener, type ManualClockOptions } from './manual-clock';
export {
  WAIT_FOR_JOB_DEFAULTS,
  waitForJob,
  type JobWatchSource,
  type WaitForJobOptions,
} from './wait-for-job';
export type { DrainOptions } from './drain';
export type { DrainSummary } from './drain-summary';
export type { PendingWork } from './pending-work';
export { DrainTimeoutError } from './drain-timeout.error';
export { JobWaitTimeoutError } from '../../errors';
export { TestHarnessClosedError } from './test-harness-closed.error';
