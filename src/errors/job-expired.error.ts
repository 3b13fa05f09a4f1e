import { describeJob } from './describe-job';
import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * A job was not started within its `startWithinMs` after its due time (a server outage, a
 * backlog), so it failed for good without its handler running. Recorded as the job's error
 * (`error.name` is `'JobExpiredError'`); never thrown to a caller.
 */
export class JobExpiredError extends DocketError {
  /** How long after its due time the job could still start, in ms. */
  readonly startWithinMs: number;
  /** The due time the limit counts from. */
  readonly dueAt: Date;
  /** When a server took it, too late. */
  readonly claimedAt: Date;

  /**
   * @param startWithinMs - The limit that passed.
   * @param dueAt - The job's due time.
   * @param claimedAt - When a server took it.
   * @param details - The job concerned (id, type, queue, attempt).
   */
  constructor(
    startWithinMs: number,
    dueAt: Date,
    claimedAt: Date,
    details: DocketErrorDetails = {},
  ) {
    super(
      `Job${describeJob(details)} expired: not started within ${startWithinMs} ms of its due time ` +
        `${dueAt.toISOString()} (taken ${claimedAt.getTime() - dueAt.getTime()} ms after it); its handler did not run`,
      details,
    );
    this.startWithinMs = startWithinMs;
    this.dueAt = dueAt;
    this.claimedAt = claimedAt;
  }

  override get name(): string {
    return 'JobExpiredError';
  }

  override get code(): string {
    return 'JOB_EXPIRED';
  }
}
