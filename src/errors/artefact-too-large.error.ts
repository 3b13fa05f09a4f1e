import { describeJob } from './describe-job';
import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * An artefact (`JobContext.artefacts.put`) grew past a size limit: its own (`scope`
 * `'artefact'`, the `artefacts.maxBytes` option) or its job's, all artefacts together
 * (`'job'`, `artefacts.maxBytesPerJob`). Nothing of it was kept.
 */
export class ArtefactTooLargeError extends DocketError {
  /**
   * @param artefact - The artefact's name.
   * @param limitBytes - The limit it went past (for `'job'`, what was left of the job's).
   * @param scope - Which limit.
   * @param details - The job concerned.
   */
  constructor(
    readonly artefact: string,
    readonly limitBytes: number,
    readonly scope: 'artefact' | 'job',
    details: DocketErrorDetails = {},
  ) {
    super(
      `Artefact ${JSON.stringify(artefact)} of job${describeJob(details)} is larger than ` +
        (scope === 'artefact'
          ? `the limit of ${limitBytes} bytes per artefact (option artefacts.maxBytes)`
          : `the ${limitBytes} bytes left of the job's limit (option artefacts.maxBytesPerJob)`) +
        ': nothing of it was kept',
      details,
    );
  }

  override get name(): string {
    return 'ArtefactTooLargeError';
  }

  override get code(): string {
    return 'ARTEFACT_TOO_LARGE';
  }
}
