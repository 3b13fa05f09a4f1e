import { DocketError, DocketErrorDetails } from './docket-error';

/**
 * Something is not a known job: a class not decorated with `@Job`, a plain object passed
 * where a job instance is expected, or a persisted job type name that no loaded class is
 * registered for.
 */
export class UnknownJobTypeError extends DocketError {
  /**
   * @param what - The full explanation, e.g. "SendEmailJob is not a job class: decorate it
   *   with @Job('stable.name')".
   * @param details - Further context (the persisted `jobType`, job id...).
   */
  constructor(what: string, details: DocketErrorDetails = {}) {
    super(what, details);
  }

  override get name(): string {
    return 'UnknownJobTypeError';
  }

  override get code(): string {
    return 'UNKNOWN_JOB_TYPE';
  }
}
