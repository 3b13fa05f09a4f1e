import { DocketError, DocketErrorDetails } from './docket-error';

/** A cron expression (of a recurring job) could not be parsed. */
export class InvalidCronExpressionError extends DocketError {
  /** The expression as given. */
  readonly expression: string;
  /** Why it is invalid. */
  readonly reason: string;

  /**
   * @param expression - The expression as given.
   * @param reason - Why it is invalid (usually the parser's message).
   * @param details - Further context; pass the parser's error as `details.cause`.
   */
  constructor(expression: string, reason: string, details: DocketErrorDetails = {}) {
    super(`Invalid cron expression '${expression}': ${reason}`, details);
    this.expression = expression;
    this.reason = reason;
  }

  override get name(): string {
    return 'InvalidCronExpressionError';
  }

  override get code(): string {
    return 'INVALID_CRON_EXPRESSION';
  }
}
