import type { JobState } from '../storage/job-record';
import { DocketError } from './docket-error';

/**
 * A job did not reach any of the awaited states before a wait's deadline:
 * `IJobScheduler.waitForJob` and `DocketClient.waitForJob` (awaiting a finished state), or the
 * test harness's `waitForJob` (awaiting the states it was given). Says which job, what was
 * awaited, the state it was last seen in, and how long the wait lasted.
 */
export class JobWaitTimeoutError extends DocketError {
  declare readonly jobId: string;
  /** The states that were awaited (any one would have done). */
  readonly awaitedStates: readonly JobState[];
  /** The state the job was last seen in; null when no such job was found. */
  readonly lastState: JobState | null;
  /** The deadline the wait was given, in milliseconds. */
  readonly timeoutMs: number;
  /** How long the wait lasted, in real milliseconds. */
  readonly waitedMs: number;

  constructor(init: {
    jobId: string;
    awaitedStates: readonly JobState[];
    lastState: JobState | null;
    waitedMs: number;
    timeoutMs: number;
  }) {
    const awaited = init.awaitedStates.map((state) => `'${state}'`).join(' or ');
    const last = init.lastState === null ? 'none (no such job)' : `'${init.lastState}'`;
    super(
      `job ${init.jobId} did not reach ${awaited} within ${init.timeoutMs} ms ` +
        `(waited ${init.waitedMs} ms); last seen state: ${last}`,
      { jobId: init.jobId },
    );
    this.awaitedStates = Object.freeze([...init.awaitedStates]);
    this.lastState = init.lastState;
    this.timeoutMs = init.timeoutMs;
    this.waitedMs = init.waitedMs;
  }

  override get name(): string {
    return 'JobWaitTimeoutError';
  }

  override get code(): string {
    return 'JOB_WAIT_TIMEOUT';
  }
}
