import { describeJob } from './describe-job';
import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * The work of a handler's transaction (`JobContext.transaction`) ran past its lease twice in
 * a row. While the work runs, the server leaves the job's lease alone (a renewal would make
 * the transaction conflict), until the lease nears its end: then the server renews it, and the
 * transaction starts over. Nothing was committed; the attempt fails like any other error.
 */
export class TransactionTooLongError extends DocketError {
  /**
   * @param windowMs - How long the work may run before the lease must be renewed: at least
   *   `leaseMs` less a tenth less two heartbeat intervals.
   * @param details - The job concerned (id, type, queue, attempt).
   */
  constructor(
    readonly windowMs: number,
    details: DocketErrorDetails = {},
  ) {
    super(
      `The transaction of attempt ${details.attempt ?? '?'} of job${describeJob(details)} ran ` +
        `past its lease twice in a row, so nothing was committed: keep the work of ` +
        `ctx.transaction under ${windowMs} ms, or give the server a longer leaseMs`,
      details,
    );
  }

  override get name(): string {
    return 'TransactionTooLongError';
  }

  override get code(): string {
    return 'TRANSACTION_TOO_LONG';
  }
}
