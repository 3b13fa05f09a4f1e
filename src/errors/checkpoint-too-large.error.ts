import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * What a handler passed to `JobContext.saveCheckpoint` takes more than the
 * `maxCheckpointBytes` option as BSON. Nothing was written; the checkpoint saved before
 * stays. Keep large state in an artefact or a collection of your own, and checkpoint a
 * reference to it.
 */
export class CheckpointTooLargeError extends DocketError {
  /**
   * @param sizeBytes - The checkpoint's BSON size.
   * @param limitBytes - The limit it exceeds.
   * @param details - The job concerned.
   */
  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
    details: DocketErrorDetails = {},
  ) {
    super(
      `The checkpoint of job '${details.jobType ?? '?'}' is ${sizeBytes} bytes as BSON, over ` +
        `the limit of ${limitBytes} bytes (option maxCheckpointBytes): keep large state ` +
        'elsewhere and checkpoint a reference to it',
      details,
    );
  }

  override get name(): string {
    return 'CheckpointTooLargeError';
  }

  override get code(): string {
    return 'CHECKPOINT_TOO_LARGE';
  }
}
