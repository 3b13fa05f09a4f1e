import { DocketError, DocketErrorDetails } from './docket-error';

/** One failed rule of a job payload, flattened from class-validator's tree. */
export interface ValidationIssue {
  /** Dotted path of the offending property, with array indexes in brackets: `items[0].sku`. */
  path: string;
  /** Failed constraints by class-validator name, e.g. `{ isEmail: 'to must be an email' }`. */
  constraints: Record<string, string>;
  /** The offending value, as the validator saw it. */
  value?: unknown;
}

/**
 * A job payload broke its class-validator rules, at enqueue time or after loading.
 * {@link JobValidationError.issues} lists every failed rule.
 */
export class JobValidationError extends DocketError {
  /** Every failed rule, in the order class-validator reported them. */
  readonly issues: readonly ValidationIssue[];

  /**
   * @param jobType - Stable name of the job type whose payload is invalid.
   * @param issues - The failed rules (at least one).
   * @param details - Further context (job id, queue...).
   */
  constructor(jobType: string, issues: ValidationIssue[], details: DocketErrorDetails = {}) {
    const summary = issues
      .map((issue) => `${issue.path}: ${Object.values(issue.constraints).join(', ')}`)
      .join('; ');
    super(`Invalid payload for job type '${jobType}': ${summary}`, { ...details, jobType });
    this.issues = Object.freeze([...issues]);
  }

  override get name(): string {
    return 'JobValidationError';
  }

  override get code(): string {
    return 'JOB_VALIDATION';
  }
}
