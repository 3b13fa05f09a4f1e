import { DocketError } from './docket-error';

/**
 * A job payload holds a value that cannot be stored faithfully in MongoDB, or that would be
 * read back as something else: a function, a symbol, a circular reference, a Map, a key
 * starting with `$` or named `constructor`, `__proto__`, `prototype` or `_bsontype`, nesting
 * deeper than MongoDB allows, a getter or Proxy trap that threw while the payload was read
 * (its exception is the `cause`)...
 */
export class NonSerializablePayloadError extends DocketError {
  /** Where the value sits, e.g. `payload.items[2].callback`. */
  readonly path: string;
  /** Why it cannot be stored, e.g. `functions cannot be stored`. */
  readonly reason: string;

  /**
   * @param jobType - Stable name of the job type.
   * @param path - Path of the offending value from `payload`.
   * @param reason - Why it cannot be stored, and what to use instead where that helps.
   * @param details - `details.cause`: what a getter or Proxy trap threw, when one did.
   */
  constructor(jobType: string, path: string, reason: string, details: { cause?: unknown } = {}) {
    super(`Job '${jobType}' payload is not serialisable at ${path}: ${reason}`, {
      ...details,
      jobType,
    });
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
