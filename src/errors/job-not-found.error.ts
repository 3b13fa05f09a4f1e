import { DocketError } from './docket-error';

/** No job exists with the given id. */
export class JobNotFoundError extends DocketError {
  /** @param jobId - The id that matched no job. */
  constructor(jobId: string) {
    super(`Job '${jobId}' was not found`, { jobId });
  }

  override get name(): string {
    return 'JobNotFoundError';
  }

  override get code(): string {
    return 'JOB_NOT_FOUND';
  }
}
