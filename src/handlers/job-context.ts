import type { ClientSession } from 'mongodb';
import type { Logger } from 'winston';
import type { JobArtefacts } from './job-artefacts';
import type { SnoozeOptions } from './snooze-options';

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
  /**
   * For a continuation whose parent succeeded: what the parent's `handle()` resolved with, as
   * stored (`undefined` otherwise). Type it with the parent handler's result type, e.g.
   * `ctx.parentResult as JobResultOf<ReportHandler>`.
   */
  readonly parentResult: unknown;
  /**
   * A winston logger bound to the job (`jobId`, `jobType`, `queue`, `attempt`, `serverId`).
   * Its lines also go to the job's log (the `jobLogs` option), kept with the job.
   */
  readonly logger: Logger;
  /** The files this job leaves (`put`), kept with it and removed with it. */
  readonly artefacts: JobArtefacts;
  /**
   * Records the job's progress, for dashboards and listeners.
   * @param percent - 0 to 100.
   * @param message - An optional note on what is being done.
   */
  progress(percent: number, message?: string): Promise<void>;
  /**
   * The last checkpoint saved for this job (`saveCheckpoint`), by this attempt or an earlier
   * one, as stored (class instances come back as plain objects); `undefined` when none. A
   * retried job, or one that runs again after a snooze or after its worker died, resumes from
   * it. Type it with what you save, e.g. `ctx.checkpoint as ImportProgress | undefined`.
   */
  readonly checkpoint: unknown;
  /**
   * Saves progress data that the next attempts receive as `checkpoint`, so that a multi-step
   * job resumes where it stopped instead of redoing the steps before. The write is fenced by
   * the attempt's lease, like its outcome. Saves are stored in the order they were called;
   * `undefined` removes the checkpoint. Kept across retries and snoozes; a requeue of the
   * finished job removes it. Costs one write.
   * @param data - Stored by the payload rules, at most the handler's `maxCheckpointBytes`
   *   (64 KiB by default) as BSON.
   * @throws NonSerializableCheckpointError, CheckpointTooLargeError for data that cannot be
   *   stored (nothing written; the checkpoint before stays).
   * @throws LeaseLostError when the attempt no longer holds the job (nothing written).
   * @throws AttemptCommittedError while the attempt's transaction runs or after it committed.
   * @throws the signal's reason once the attempt ended (timed out, snoozed, stopping).
   */
  saveCheckpoint(data: unknown): Promise<void>;
  /**
   * Reschedules this job and ends the attempt without spending it: the job runs again at the
   * time given, under the same attempt number (a partner's 429 with `Retry-After`, polling an
   * operation that is not done yet). The returned promise always rejects: with
   * `JobSnoozedError` once the snooze is decided (the signal fires with it too), so that
   * `await ctx.snooze(...)` is the last thing the attempt does; whatever the handler does
   * afterwards, the job is snoozed. A job snoozes at most its handler's `maxSnoozes` times
   * (100 by default). Save a checkpoint first to pass state to the next run.
   * @throws InvalidOptionsError for options that are not exactly one of `delayMs` and
   *   `until` (with an optional `reason`) within their bounds.
   * @throws SnoozeLimitError when the job snoozed `maxSnoozes` times already; unless the
   *   handler catches it, the job then fails for good.
   * @throws AttemptCommittedError while the attempt's transaction runs or after it committed.
   * @throws the signal's reason when the attempt ended already.
   */
  snooze(options: SnoozeOptions): Promise<never>;
  /**
   * Exactly-once effects in the jobs' database: runs `work` in a MongoDB transaction that
   * also records this job's success, on the condition that this attempt still holds the job.
   * Make the writes that must happen once through `session` (`{ session }` on each call):
   * they commit together with the success, or not at all. A worker that lost its lease, or
   * died before the commit, leaves none of them behind, and a retried attempt never doubles
   * them. Resolves with what `work` returned, once committed; the job has then succeeded,
   * whatever the handler does next (an error it throws afterwards is logged, not recorded).
   *
   * Use the `MongoClient` Docket uses (other databases of it included); writes elsewhere
   * (HTTP calls, other stores) stay at-least-once. `work` may run more than once when MongoDB
   * asks for a retry (a write conflict, a step-down), each time in a fresh transaction: keep
   * it free of other side effects. One transaction per attempt. While `work` runs, the
   * heartbeat leaves the job's lease alone (a renewal would conflict with the transaction):
   * keep `work` under the server's `leaseMs` less a tenth less two heartbeat intervals (7 s
   * with the defaults), or raise `leaseMs`. Progress reported meanwhile is stored after it.
   * @throws LeaseLostError when the attempt no longer holds the job (nothing committed; the
   *   handler's signal fires too).
   * @throws AttemptCommittedError when called while the attempt's transaction runs or after
   *   it committed.
   * @throws TransactionsUnsupportedError on a standalone server.
   * @throws TransactionTooLongError when `work` ran past the lease twice in a row.
   * @throws the signal's reason when the attempt ended (timed out, deleted, stopping) before
   *   the commit; what `work` throws; MongoDB's errors once the transaction is given up.
   */
  transaction<T>(work: (session: ClientSession) => Promise<T>): Promise<T>;
}
