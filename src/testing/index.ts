/**
 * Docket's testing entry point (`docket/testing`): a running MongoDB for an application's
 * tests, samples and benchmarks on any machine.
 */
export {
  startEphemeralMongo,
  type EphemeralMongo,
  type EphemeralMongoKind,
  type EphemeralMongoOptions,
} from './ephemeral-mongo';
export { MissingPeerDependencyError } from '../errors/missing-peer-dependency.error';
export {
  createTestHarness,
  DrainTimeoutError,
  JobWaitTimeoutError,
  ManualClock,
  TEST_HARNESS_DEFAULTS,
  TEST_SERVER_DEFAULTS,
  TestHarnessClosedError,
  WAIT_FOR_JOB_DEFAULTS,
  waitForJob,
  type DrainOptions,
  type DrainSummary,
  type JobWatchSource,
  type ManualClockListener,
  type ManualClockOptions,
  type PendingWork,
  TestHarness,
  type TestHarnessOptions,
  type WaitForJobOptions,
} from './harness';
