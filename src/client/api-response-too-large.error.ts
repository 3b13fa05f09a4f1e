import { DocketApiError, type DocketApiErrorInit } from '../errors';

/**
 * An answer of the API was larger than `DocketClientOptions.maxResponseBytes`: the client
 * stopped reading it rather than hold an unbounded answer in memory.
 */
export class ApiResponseTooLargeError extends DocketApiError {
  /** The limit that was exceeded, in bytes. */
  readonly maxResponseBytes: number;

  constructor(init: Omit<DocketApiErrorInit, 'apiCode' | 'message'>, maxResponseBytes: number) {
    super({
      ...init,
      apiCode: 'RESPONSE_TOO_LARGE',
      message:
        `the answer is larger than maxResponseBytes (${maxResponseBytes} bytes); ` +
        'ask for smaller pages (limit) or raise maxResponseBytes',
    });
    this.maxResponseBytes = maxResponseBytes;
  }

  override get name(): string {
    return 'ApiResponseTooLargeError';
  }

  override get code(): string {
    return 'API_RESPONSE_TOO_LARGE';
  }
}
