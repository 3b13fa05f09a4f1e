import { describeJob } from './describe-job';
import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * The handler called `JobContext.snooze`: its attempt ends without counting, and the job is
 * due again at `until`. Used as the `AbortSignal` reason handed to the handler, and as what
 * the promise `snooze` returned rejects with (so the code after `await ctx.snooze(...)` does
 * not run). It is not a failure: nothing is recorded as the job's error.
 */
export class JobSnoozedError extends DocketError {
  /**
   * @param until - When the job is due again.
   * @param details - The job concerned (id, type, queue, attempt).
   */
  constructor(
    readonly until: Date,
    details: DocketErrorDetails = {},
  ) {
    super(`Job${describeJob(details)} snoozed until ${until.toISOString()}`, details);
  }

  override get name(): string {
    return 'JobSnoozedError';
  }

  override get code(): string {
    return 'JOB_SNOOZED';
  }
}
