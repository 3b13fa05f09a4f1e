import { DocketError } from './docket-error';

/**
 * A Docket instance was used after `close()`: its scheduler's verbs, `startServer`,
 * `pauseQueue` and `resumeQueue` refuse before they touch storage. A `waitForJob` still
 * pending when `close()` stops its instance rejects with it too.
 */
export class DocketClosedError extends DocketError {
  /** What was called, e.g. `'enqueue'`, `'startServer'`. */
  readonly operation: string;

  /**
   * @param operation - What was called after `close()`, or was pending when it was called.
   * @param options - `pending`: the operation was under way when `close()` was called.
   */
  constructor(operation: string, options: { readonly pending?: boolean } = {}) {
    super(
      (options.pending === true
        ? `Docket was closed while ${operation} was pending. `
        : `Docket is closed: ${operation} was called after close(). `) +
        'Create a new instance with Docket.create to keep working',
    );
    this.operation = operation;
  }

  override get name(): string {
    return 'DocketClosedError';
  }

  override get code(): string {
    return 'DOCKET_CLOSED';
  }
}
