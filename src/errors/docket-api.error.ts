import { DocketError } from './docket-error';

/** What {@link DocketApiError} knows about the failed call. */
export interface DocketApiErrorInit {
  /** HTTP status of the answer. */
  readonly status: number;
  /** The API's error code (`JOB_NOT_FOUND`, `JOB_VALIDATION`...), or `HTTP_<status>`. */
  readonly apiCode: string;
  /** The API's error message. */
  readonly message: string;
  /** The error's `details` object, when the API sent one. */
  readonly details?: Record<string, unknown>;
  /** `GET`, `POST`... */
  readonly method: string;
  /** The URL called. */
  readonly url: string;
}

/**
 * The dashboard API answered a `DocketClient` call with an error. Subclasses name the
 * failures callers act on; {@link DocketApiError.apiCode} is the API's precise code.
 */
export class DocketApiError extends DocketError {
  /** HTTP status of the answer. */
  readonly status: number;
  /** The API's error code (`JOB_NOT_FOUND`, `JOB_VALIDATION`...), or `HTTP_<status>`. */
  readonly apiCode: string;
  /** The error's `details` object, when the API sent one. */
  readonly details?: Record<string, unknown>;
  /** HTTP method of the failed call: `GET`, `POST`... */
  readonly method: string;
  /** The URL called. */
  readonly url: string;

  /** @param init - The failed call and the API's answer to it. */
  constructor(init: DocketApiErrorInit) {
    super(`${init.method} ${init.url} failed with ${init.status} ${init.apiCode}: ${init.message}`);
    this.status = init.status;
    this.apiCode = init.apiCode;
    if (init.details !== undefined) this.details = init.details;
    this.method = init.method;
    this.url = init.url;
  }

  override get name(): string {
    return 'DocketApiError';
  }

  override get code(): string {
    return 'DOCKET_API';
  }
}
