import { DocketApiError, type DocketApiErrorInit } from '../errors';

/**
 * `DocketClient.iterateJobs` got a `nextCursor` it had already followed: the API (or a proxy
 * caching its answers) sends pages in a cycle, and following it would never end.
 */
export class ApiCursorLoopError extends DocketApiError {
  /** The cursor that came back. */
  readonly cursor: string;

  constructor(init: Omit<DocketApiErrorInit, 'apiCode' | 'message'>, cursor: string) {
    super({
      ...init,
      apiCode: 'CURSOR_LOOP',
      message:
        `the answer's nextCursor '${cursor}' was already followed: the list does not advance, ` +
        'so iterating stopped (a cache between the client and the API may replay pages)',
    });
    this.cursor = cursor;
  }

  override get name(): string {
    return 'ApiCursorLoopError';
  }

  override get code(): string {
    return 'API_CURSOR_LOOP';
  }
}
