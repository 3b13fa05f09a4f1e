import { DocketError } from './docket-error';

/** No recurring job exists with the given id (e.g. `triggerRecurring` on an unknown id). */
export class RecurringJobNotFoundError extends DocketError {
  /** The recurring job id that matched nothing. */
  readonly recurringId: string;

  /** @param recurringId - The id that matched no recurring job. */
  constructor(recurringId: string) {
    super(`Recurring job '${recurringId}' was not found`);
    this.recurringId = recurringId;
  }

  override get name(): string {
    return 'RecurringJobNotFoundError';
  }

  override get code(): string {
    return 'RECURRING_JOB_NOT_FOUND';
  }
}
