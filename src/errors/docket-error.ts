/**
 * Structured context shared by every {@link DocketError}. All fields are optional: an
 * error carries only what is known where it is thrown.
 */
export interface DocketErrorDetails {
  /** The underlying error (a driver error, a handler's exception...), kept as ES2022 `cause`. */
  cause?: unknown;
  /** Id of the job concerned, when there is one. */
  jobId?: string;
  /** Stable job type name (the `@Job('...')` name) of the job concerned. */
  jobType?: string;
  /** Queue of the job concerned. */
  queue?: string;
  /** 1-based attempt number during which the error happened. */
  attempt?: number;
}

/**
 * Base class of every error Docket throws. Callers branch on `instanceof` (or on the stable
 * {@link DocketError.code}), never on the message.
 *
 * `name` and `code` are literal getters, so they survive minification and are identical in
 * every copy of the library.
 */
export class DocketError extends Error {
  // `declare`d rather than defined: a field that was not given stays absent instead of
  // becoming an own `undefined` property in every log line and serialised error.

  /** Id of the job concerned, when known. */
  declare readonly jobId?: string;
  /** Stable job type name of the job concerned, when known. */
  declare readonly jobType?: string;
  /** Queue of the job concerned, when known. */
  declare readonly queue?: string;
  /** 1-based attempt number, when the error happened while running a job. */
  declare readonly attempt?: number;

  /**
   * @param message - What went wrong and, where it helps, what is allowed instead.
   * @param details - Structured context; `details.cause` becomes the ES2022 `cause`.
   */
  constructor(message: string, details: DocketErrorDetails = {}) {
    // Only pass `cause` when there is one, so that `'cause' in error` tells the truth.
    super(message, 'cause' in details ? { cause: details.cause } : undefined);
    if (details.jobId !== undefined) this.jobId = details.jobId;
    if (details.jobType !== undefined) this.jobType = details.jobType;
    if (details.queue !== undefined) this.queue = details.queue;
    if (details.attempt !== undefined) this.attempt = details.attempt;
  }

  /**
   * The class's own name (`'DocketError'`, `'JobTimeoutError'`...), returned as a literal by
   * each class so that it survives minification, unlike `constructor.name`.
   */
  override get name(): string {
    return 'DocketError';
  }

  /**
   * Stable SCREAMING_SNAKE code of the failure: the class name without its `Error` suffix
   * (`JobValidationError` → `'JOB_VALIDATION'`); `'DOCKET'` for the base class.
   */
  get code(): string {
    return 'DOCKET';
  }
}
