import { DocketError, DocketErrorDetails } from './docket-error';

/**
 * Thrown by a handler to fail its job at once, without the retries left: for failures that
 * no retry can mend (an invalid request, a refused HTTP 4xx). The job's history says that
 * it was not retried and why. Recognised by its `code` (`'NON_RETRYABLE'`) as well as by
 * class, so that it works from handlers running isolated (a thread or a process).
 */
export class NonRetryableError extends DocketError {
  /**
   * @param message - Why the job cannot succeed; recorded as the attempt's error.
   * @param details - Optional context; `details.cause` becomes the ES2022 `cause`.
   */
  constructor(message: string, details: DocketErrorDetails = {}) {
    super(message, details);
  }

  override get name(): string {
    return 'NonRetryableError';
  }

  override get code(): string {
    return 'NON_RETRYABLE';
  }
}
