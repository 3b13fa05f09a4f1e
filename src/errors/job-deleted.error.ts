import { describeJob } from './describe-job';
import { DocketError, DocketErrorDetails } from './docket-error';

/**
 * A job was deleted: the `AbortSignal` reason handed to its running handler, and what
 * `waitForJob` rejects with when the awaited job ends deleted instead of running to its end.
 */
export class JobDeletedError extends DocketError {
  /**
   * @param details - The job concerned (id, type, queue, attempt).
   * @param when - When it was deleted, as the message says it.
   * @defaultValue when: `'while running'`
   */
  constructor(details: DocketErrorDetails = {}, when = 'while running') {
    super(`Job${describeJob(details)} was deleted ${when}`, details);
  }

  override get name(): string {
    return 'JobDeletedError';
  }

  override get code(): string {
    return 'JOB_DELETED';
  }
}
