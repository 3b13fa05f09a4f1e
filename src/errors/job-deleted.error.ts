import { describeJob } from './describe-job';
import { DocketError, DocketErrorDetails } from './docket-error';

/** A running job was deleted; used as the `AbortSignal` reason handed to its handler. */
export class JobDeletedError extends DocketError {
  /** @param details - The job concerned (id, type, queue, attempt). */
  constructor(details: DocketErrorDetails = {}) {
    super(`Job${describeJob(details)} was deleted while running`, details);
  }

  override get name(): string {
    return 'JobDeletedError';
  }

  override get code(): string {
    return 'JOB_DELETED';
  }
}
