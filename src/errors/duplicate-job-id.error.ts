import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * A caller chose a job id (`EnqueueOptions.id`) that another job, in any state, already has.
 * Nothing was written. Pass `onDuplicateId: 'return'` to get the existing job's id instead.
 */
export class DuplicateJobIdError extends DocketError {
  /** @param jobId - The id the caller chose, which an existing job holds. */
  constructor(jobId: string, details: Omit<DocketErrorDetails, 'jobId'> = {}) {
    super(
      `A job with id '${jobId}' exists already: choose another id, or pass onDuplicateId: 'return' to get the existing job's id`,
      { ...details, jobId },
    );
  }

  override get name(): string {
    return 'DuplicateJobIdError';
  }

  override get code(): string {
    return 'DUPLICATE_JOB_ID';
  }
}
