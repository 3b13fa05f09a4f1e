/**
 * A job server started by `Docket.startServer()`: it claims due jobs of its queues, runs
 * them under its concurrency limits, keeps their leases alive, and stops gracefully.
 */
export interface JobServer extends AsyncDisposable {
  /** This server's id (in leases, history, logs and the servers page). */
  readonly id: string;
  /** How many jobs run on this server now. */
  readonly runningCount: number;
  /** Starts claiming. Idempotent; `Docket.startServer()` has called it already. */
  start(): Promise<void>;
  /**
   * Stops claiming, waits up to `shutdownGraceMs` for running jobs, aborts the rest, waits
   * `abortGraceMs`, then releases what still runs so that another server takes it at once.
   * Idempotent; awaits an in-flight `start()`.
   */
  stop(): Promise<void>;
}
