import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * What a handler passed to `JobContext.saveCheckpoint` holds a value that cannot be stored
 * faithfully in MongoDB (the same rules as for payloads: a function, a circular reference, a
 * Map...). Nothing was written; the checkpoint saved before stays.
 */
export class NonSerializableCheckpointError extends DocketError {
  /**
   * @param path - Where the value sits, e.g. `checkpoint.items[2].callback`.
   * @param reason - Why it cannot be stored.
   * @param details - The job concerned; `cause`: what a getter threw, when one did.
   */
  constructor(
    readonly path: string,
    readonly reason: string,
    details: DocketErrorDetails = {},
  ) {
    super(
      `The checkpoint of job '${details.jobType ?? '?'}' is not serialisable at ${path}: ${reason}`,
      details,
    );
  }

  override get name(): string {
    return 'NonSerializableCheckpointError';
  }

  override get code(): string {
    return 'NON_SERIALIZABLE_CHECKPOINT';
  }
}
