import { DocketApiError } from './docket-api.error';

/** 409: the target's state does not allow the action (requeue of an unfinished job, delete of a finished one, a uniqueKey held by another job). */
export class ApiConflictError extends DocketApiError {
  override get name(): string {
    return 'ApiConflictError';
  }

  override get code(): string {
    return 'API_CONFLICT';
  }
}
