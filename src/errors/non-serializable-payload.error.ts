import { DocketError } from './docket-error';

/** A job payload holds a value that cannot be stored faithfully in MongoDB. */
export class NonSerializablePayloadError extends DocketError {
  /** Where the value sits, e.g. `payload.items[2].callback`. */
  readonly path: string;
  /** Why it cannot be stored, e.g. `functions cannot be stored`. */
  readonly reason: string;

  /**
   * @param jobType - Stable name of the job type.
   * @param path - Path of the offending value from `payload`.
   * @param reason - Why it cannot be stored, and what to use instead where that helps.
   */
  constructor(jobType: string, path: string, reason: string) {
    super(`Job '${jobType}' payload is not serialisable at ${path}: ${reason}`, { jobType });
    this.path = path;
    this.reason = reason;
  }

  override get name(): string {
    return 'NonSerializablePayloadError';
  }

  override get code(): string {
    return 'NON_SERIALIZABLE_PAYLOAD';
  }
}
