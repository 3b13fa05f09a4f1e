import { DocketApiError } from './docket-api.error';

/** 404: the job, recurring job or endpoint does not exist. */
export class ApiNotFoundError extends DocketApiError {
  override get name(): string {
    return 'ApiNotFoundError';
  }

  override get code(): string {
    return 'API_NOT_FOUND';
  }
}
