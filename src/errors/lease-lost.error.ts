import { describeJob } from './describe-job';
import { DocketError, DocketErrorDetails } from './docket-error';

/**
 * This worker no longer holds the lease on a running job (its heartbeat failed or another
 * worker claimed the job after the lease expired). Used as the `AbortSignal` reason; the
 * worker must not record an outcome for the job.
 */
export class LeaseLostError extends DocketError {
  /** @param details - The job concerned (id, type, queue, attempt). */
  constructor(details: DocketErrorDetails = {}) {
    super(
      `Lease on job${describeJob(details)} was lost: another worker may be running it`,
      details,
    );
  }

  override get name(): string {
    return 'LeaseLostError';
  }

  override get code(): string {
    return 'LEASE_LOST';
  }
}
