/**
 * Docket's testing entry point (`docket/testing`): a test harness (Docket on a database of
 * the test's own, a manual clock, `drain` and `waitForJob`), and a running MongoDB for an
 * application's tests, samples and benchmarks on any machine.
 * @module docket/testing
 */
// tsyringe, loaded by what follows, needs the Reflect metadata API before it loads; the
// application's own import of reflect-metadata may come later than ours.
import 'reflect-metadata';

export {
  startEphemeralMongo,
  type EphemeralMongo,
  type EphemeralMongoKind,
  type EphemeralMongoOptions,
  type EphemeralMongoTopology,
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
