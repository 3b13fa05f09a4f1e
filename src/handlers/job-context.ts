import type { Logger } from 'winston';

/**
 * What a handler knows about the execution it runs in, besides the job itself.
 */
export interface JobContext {
  /**
   * Aborted when the handler should stop: its timeout elapsed, the job was deleted, this
   * worker lost the job's lease, or the server is stopping. `signal.reason` is then a
   * `DocketError` subclass saying which (`JobTimeoutError`, `JobDeletedError`,
   * `LeaseLostError`...). Pass it to `fetch`, driver calls and timers; a handler that
   * ignores it keeps running, but its outcome may no longer be recorded.
   */
  readonly signal: AbortSignal;
  /** Id of the job being run. */
  readonly jobId: string;
  /** Stable type name of the job, as given to `@Job('name')`. */
  readonly jobType: string;
  /** Queue the job was claimed from. */
  readonly queue: string;
  /** This attempt's number, 1-based: 1 on the first run, 2 on the first retry... */
  readonly attempt: number;
  /** How many attempts the job gets in all (`retries + 1`). */
  readonly maxAttempts: number;
  /** A winston logger bound to the job (`jobId`, `jobType`, `queue`, `attempt`, `serverId`). */
  readonly logger: Logger;
  /**
   * Records the job's progress, for dashboards and listeners.
   * @param percent - 0 to 100.
   * @param message - An optional note on what is being done.
   */
  progress(percent: number, message?: string): Promise<void>;
}
