import { DocketError } from './docket-error';

/** Two different classes were decorated with the same `@Job('name')`. */
export class DuplicateJobTypeError extends DocketError {
  /** Name of the class that registered the job type first. */
  readonly existingClassName: string;
  /** Name of the class that tried to take the same job type. */
  readonly newClassName: string;

  /**
   * @param jobType - The contested job type name.
   * @param existingClassName - The class already registered under it.
   * @param newClassName - The class that tried to register under it.
   */
  constructor(jobType: string, existingClassName: string, newClassName: string) {
    super(
      `Job type '${jobType}' is already used by class ${existingClassName}; ` +
        `class ${newClassName} must use another name`,
      { jobType },
    );
    this.existingClassName = existingClassName;
    this.newClassName = newClassName;
  }

  override get name(): string {
    return 'DuplicateJobTypeError';
  }

  override get code(): string {
    return 'DUPLICATE_JOB_TYPE';
  }
}
