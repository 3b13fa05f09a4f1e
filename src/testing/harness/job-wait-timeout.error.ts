import { DocketError } from '../../errors';
import type { JobState } from '../../storage/job-record';

/**
 * A job did not reach any of the awaited states before `waitForJob`'s deadline. Says which
 * job, what was awaited, the state it was last seen in, and how long the wait lasted.
 */
export class JobWaitTimeoutError extends DocketError {
  declare readonly jobId: string;
  /** The states that were awaited (any one would have done). */
  readonly awaitedStates: readonly JobState[];
  /** The state the job was last seen in; null when no such job was found. */
  readonly lastState: JobState | null;
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
    this.waitedMs = init.waitedMs;
  }

  override get name(): string {
    return 'JobWaitTimeoutError';
  }

  override get code(): string {
    return 'JOB_WAIT_TIMEOUT';
  }
}
