import { DocketError } from '../../errors';

/** A test harness was used, or waited on, after `close()` began. */
export class TestHarnessClosedError extends DocketError {
  /** What was attempted or interrupted, e.g. `'drain'`. */
  readonly operation: string;

  constructor(operation: string) {
    super(`the test harness is closed: ${operation} cannot run or go on`);
    this.operation = operation;
  }

  override get name(): string {
    return 'TestHarnessClosedError';
  }

  override get code(): string {
    return 'TEST_HARNESS_CLOSED';
  }
}
