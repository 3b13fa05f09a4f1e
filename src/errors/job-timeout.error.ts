import { describeJob } from './describe-job';
import { DocketError, DocketErrorDetails } from './docket-error';

/**
 * A job ran longer than its handler's `timeoutMs`. Used as the `AbortSignal` reason handed
 * to the handler, and as the recorded failure of the attempt.
 */
export class JobTimeoutError extends DocketError {
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param timeoutMs - The timeout that elapsed.
   * @param details - The job concerned (id, type, queue, attempt).
   */
  constructor(timeoutMs: number, details: DocketErrorDetails = {}) {
    super(`Job${describeJob(details)} timed out after ${timeoutMs} ms`, details);
    this.timeoutMs = timeoutMs;
  }

  override get name(): string {
    return 'JobTimeoutError';
  }

  override get code(): string {
    return 'JOB_TIMEOUT';
  }
}
