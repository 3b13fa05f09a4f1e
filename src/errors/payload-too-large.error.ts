import { DocketError } from './docket-error';

/** A job payload's BSON size exceeds the configured limit. */
export class PayloadTooLargeError extends DocketError {
  /** The payload's BSON size in bytes. */
  readonly sizeBytes: number;
  /** The limit it exceeds, in bytes. */
  readonly limitBytes: number;

  /**
   * @param jobType - Stable name of the job type.
   * @param sizeBytes - The payload's BSON size.
   * @param limitBytes - The configured limit.
   */
  constructor(jobType: string, sizeBytes: number, limitBytes: number) {
    super(
      `Job '${jobType}' payload is ${sizeBytes} bytes as BSON, over the limit of ${limitBytes} ` +
        'bytes: store large data elsewhere and put a reference in the job',
      { jobType },
    );
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }

  override get name(): string {
    return 'PayloadTooLargeError';
  }

  override get code(): string {
    return 'PAYLOAD_TOO_LARGE';
  }
}
