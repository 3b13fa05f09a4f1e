import { DocketError, type DocketErrorDetails } from './docket-error';

/** A `DocketClient` call got no answer: network failure, timeout, or a non-JSON answer. */
export class ApiConnectionError extends DocketError {
  /** The URL called. */
  readonly url: string;

  constructor(message: string, url: string, details: DocketErrorDetails = {}) {
    super(message, details);
    this.url = url;
  }

  override get name(): string {
    return 'ApiConnectionError';
  }

  override get code(): string {
    return 'API_CONNECTION';
  }
}
