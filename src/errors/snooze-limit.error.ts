import { describeJob } from './describe-job';
import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * A handler called `JobContext.snooze` on a job that has snoozed its handler's `maxSnoozes`
 * times already. Nothing was written by the call. When the handler lets this error
 * propagate, the job fails for good (another attempt would hit the same limit); a handler
 * may catch it and do something else instead.
 */
export class SnoozeLimitError extends DocketError {
  /**
   * @param limit - The handler's `maxSnoozes`.
   * @param details - The job concerned (id, type, queue, attempt).
   */
  constructor(
    readonly limit: number,
    details: DocketErrorDetails = {},
  ) {
    super(
      `Job${describeJob(details)} snoozed ${limit} times already, its handler's limit ` +
        '(option maxSnoozes): it cannot snooze again',
      details,
    );
  }

  override get name(): string {
    return 'SnoozeLimitError';
  }

  override get code(): string {
    return 'SNOOZE_LIMIT';
  }
}
