import { describeJob } from './describe-job';
import { DocketError, DocketErrorDetails } from './docket-error';

/**
 * A handler called `JobContext.transaction` while its attempt's transaction was running or
 * after it committed: an attempt commits its success once, so it has one transaction, and
 * whatever must commit with the success goes inside it. Also thrown by `snooze` and
 * `saveCheckpoint` then: the transaction decides the attempt's outcome. Nothing was written
 * by this call.
 */
export class AttemptCommittedError extends DocketError {
  /**
   * @param committed - whether the attempt's transaction committed already (else it runs).
   * @param details - The job concerned (id, type, queue, attempt).
   * @param call - The method of `JobContext` that was called.
   */
  constructor(
    readonly committed: boolean,
    details: DocketErrorDetails = {},
    readonly call: string = 'transaction',
  ) {
    super(
      `ctx.${call} was called${call === 'transaction' ? ' again' : ''} in attempt ${details.attempt ?? '?'} of job${describeJob(details)}, ` +
        (committed
          ? "after its transaction committed the job's success"
          : 'while its transaction was still running') +
        ': an attempt has one transaction; put every write that must commit with the success inside it',
      details,
    );
  }

  override get name(): string {
    return 'AttemptCommittedError';
  }

  override get code(): string {
    return 'ATTEMPT_COMMITTED';
  }
}
