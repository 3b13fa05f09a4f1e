import { DocketError } from './docket-error';

/** Two handler classes target the same job type; Docket allows one handler per job type. */
export class DuplicateHandlerError extends DocketError {
  /** Name of the handler class registered first. */
  readonly existingHandlerName: string;
  /** Name of the second handler class for the same job type. */
  readonly newHandlerName: string;

  /**
   * @param jobType - The job type both handlers target.
   * @param existingHandlerName - The handler registered first.
   * @param newHandlerName - The handler that clashes with it.
   */
  constructor(jobType: string, existingHandlerName: string, newHandlerName: string) {
    super(
      `Job type '${jobType}' has two handlers, ${existingHandlerName} and ${newHandlerName}: ` +
        'a job type has exactly one handler',
      { jobType },
    );
    this.existingHandlerName = existingHandlerName;
    this.newHandlerName = newHandlerName;
  }

  override get name(): string {
    return 'DuplicateHandlerError';
  }

  override get code(): string {
    return 'DUPLICATE_HANDLER';
  }
}
