import { DocketError, DocketErrorDetails } from './docket-error';

/**
 * A job's concurrency key could not be computed or is not a valid key: the handler's
 * `concurrencyKey.key` function threw or returned something other than a string, or the key
 * (computed or given to `enqueue`) is empty, too long, or holds control characters. Thrown by
 * the enqueuing call; nothing was stored.
 */
export class InvalidConcurrencyKeyError extends DocketError {
  /** What was wrong with the key. */
  readonly reason: string;

  /**
   * @param reason - What was wrong, e.g. "the key function returned 42 (a number)".
   * @param details - The job type concerned; `cause` for what the key function threw.
   */
  constructor(reason: string, details: DocketErrorDetails = {}) {
    const type = details.jobType === undefined ? '' : ` of job type '${details.jobType}'`;
    super(`Invalid concurrency key${type}: ${reason}`, details);
    this.reason = reason;
  }

  override get name(): string {
    return 'InvalidConcurrencyKeyError';
  }

  override get code(): string {
    return 'INVALID_CONCURRENCY_KEY';
  }
}
