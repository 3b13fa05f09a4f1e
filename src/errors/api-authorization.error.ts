import { DocketApiError } from './docket-api.error';

/** The API refused the caller: 401 (the authorize hook said no) or 403 (read-only dashboard, cross-site action, or a loopback-only dashboard reached from elsewhere). */
export class ApiAuthorizationError extends DocketApiError {
  override get name(): string {
    return 'ApiAuthorizationError';
  }

  override get code(): string {
    return 'API_AUTHORIZATION';
  }
}
