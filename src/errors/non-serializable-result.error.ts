import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * What a handler's `handle()` resolved with holds a value that cannot be stored faithfully
 * in MongoDB (the same rules as for payloads: a function, a circular reference, a Map...).
 * The attempt fails with this error.
 */
export class NonSerializableResultError extends DocketError {
  /**
   * @param path - Where the value sits, e.g. `result.items[2].callback`.
   * @param reason - Why it cannot be stored.
   * @param details - The job concerned; `cause`: what a getter threw, when one did.
   */
  constructor(
    readonly path: string,
    readonly reason: string,
    details: DocketErrorDetails = {},
  ) {
    super(
      `The result of job '${details.jobType ?? '?'}' is not serialisable at ${path}: ${reason}`,
      details,
    );
  }

  override get name(): string {
    return 'NonSerializableResultError';
  }

  override get code(): string {
    return 'NON_SERIALIZABLE_RESULT';
  }
}
