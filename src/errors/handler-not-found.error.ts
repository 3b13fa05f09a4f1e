import { DocketError, DocketErrorDetails } from './docket-error';

/** No handler is registered for a job type that was asked for. */
export class HandlerNotFoundError extends DocketError {
  /**
   * @param jobType - The job type without a handler.
   * @param details - Further context (job id, queue...).
   */
  constructor(jobType: string, details: DocketErrorDetails = {}) {
    super(
      `No handler is registered for job type '${jobType}': decorate a class with ` +
        '@JobHandler(TheJobClass) and make sure its module is loaded before the server starts',
      { ...details, jobType },
    );
  }

  override get name(): string {
    return 'HandlerNotFoundError';
  }

  override get code(): string {
    return 'HANDLER_NOT_FOUND';
  }
}
