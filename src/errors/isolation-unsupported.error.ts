import { describeJob } from './describe-job';
import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * A handler running under `isolation: 'thread'` or `'process'` used a part of its
 * `JobContext` that needs the server's own connections or decides the attempt's outcome:
 * `transaction`, `artefacts`, `saveCheckpoint` and `snooze` (reading `checkpoint` works).
 * Run such handlers inline.
 */
export class IsolationUnsupportedError extends DocketError {
  /** What was used: `'transaction'`, `'artefacts'`, `'saveCheckpoint'` or `'snooze'`. */
  readonly feature: string;

  /**
   * @param feature - The part of the context that was used.
   * @param details - The job concerned.
   */
  constructor(feature: string, details: DocketErrorDetails = {}) {
    super(
      `JobContext.${feature} is not available to an isolated handler (job${describeJob(details)}): ` +
        "it needs the server's MongoDB connection; run the handler with isolation 'inline'",
      details,
    );
    this.feature = feature;
  }

  override get name(): string {
    return 'IsolationUnsupportedError';
  }

  override get code(): string {
    return 'ISOLATION_UNSUPPORTED';
  }
}
