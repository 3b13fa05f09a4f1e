/**
 * A job server started by `Docket.startServer()`: it claims due jobs of its queues, runs
 * them under its concurrency limits, keeps their leases alive, and stops gracefully.
 */
export interface JobServer extends AsyncDisposable {
  /** This server's id (in leases, history, logs and the servers page). */
  readonly id: string;
  /**
   * How many handler invocations run on this server now, overrunning ones included: this is
   * what its concurrency limit bounds.
   */
  readonly runningCount: number;
  /**
   * How many of them overrun: their attempt ended (timeout, lost lease, deletion, stop) but
   * the handler ignores its signal and still runs, holding its slots until it settles.
   */
  readonly overrunningCount: number;
  /**
   * Starts claiming. Idempotent; `Docket.startServer()` has called it already.
   * @throws ServerStartError when a step of the start failed; what the server had acquired
   *   by then is released, and `stop()` has nothing left to do.
   */
  start(): Promise<void>;
  /**
   * Stops claiming, waits up to `shutdownGraceMs` for running jobs, aborts the rest, waits
   * `abortGraceMs`, then releases what still runs so that another server takes it at once.
   * Idempotent; awaits an in-flight `start()`.
   * @throws the error of a failed step (an `AggregateError` when several failed), once every
   *   step has run; each failure is also emitted as an `error` event.
   */
  stop(): Promise<void>;
}
