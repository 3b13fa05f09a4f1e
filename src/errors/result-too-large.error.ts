import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * What a handler's `handle()` resolved with takes more than the `maxResultBytes` option as
 * BSON. The attempt fails with this error (and is retried like any failure); keep large
 * output in an artefact (`JobContext.artefacts`) and return a reference to it.
 */
export class ResultTooLargeError extends DocketError {
  /**
   * @param sizeBytes - The result's BSON size.
   * @param limitBytes - The limit it exceeds.
   * @param details - The job concerned.
   */
  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
    details: DocketErrorDetails = {},
  ) {
    super(
      `The result of job '${details.jobType ?? '?'}' is ${sizeBytes} bytes as BSON, over the ` +
        `limit of ${limitBytes} bytes (option maxResultBytes): store large output as an ` +
        'artefact and return a reference to it',
      details,
    );
  }

  override get name(): string {
    return 'ResultTooLargeError';
  }

  override get code(): string {
    return 'RESULT_TOO_LARGE';
  }
}
