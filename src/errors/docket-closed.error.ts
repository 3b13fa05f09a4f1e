import { DocketError } from './docket-error';

/**
 * A Docket instance was used after `close()`: its scheduler's verbs, `startServer`,
 * `pauseQueue` and `resumeQueue` refuse before they touch storage.
 */
export class DocketClosedError extends DocketError {
  /** What was called, e.g. `'enqueue'`, `'startServer'`. */
  readonly operation: string;

  /** @param operation - What was called after `close()`. */
  constructor(operation: string) {
    super(
      `Docket is closed: ${operation} was called after close(). ` +
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
