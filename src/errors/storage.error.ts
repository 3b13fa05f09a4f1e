import { DocketError, DocketErrorDetails } from './docket-error';

/** A storage operation failed; the driver's error is kept as `cause`. */
export class StorageError extends DocketError {
  /**
   * @param message - What Docket was doing, e.g. "Could not claim a job from queue 'default'".
   * @param details - Context; pass the driver error as `details.cause`.
   */
  constructor(message: string, details: DocketErrorDetails = {}) {
    super(message, details);
  }

  override get name(): string {
    return 'StorageError';
  }

  override get code(): string {
    return 'STORAGE';
  }
}
