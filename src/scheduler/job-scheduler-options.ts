import type { ClientSession } from 'mongodb';
import type { EnqueueConcurrencyKey } from '../options/concurrency-key-options';
import type { ContinuationPolicy } from '../storage/job-record';

/*
 * The options of the scheduler's verbs that store or edit jobs, declared apart from
 * `IJobScheduler` (./job-scheduler.interface.ts, which re-exports them); enqueue-options.ts
 * checks them and applies their defaults.
 */

/** Options of {@link IJobScheduler.enqueue} and {@link IJobScheduler.schedule}. */
export interface EnqueueOptions {
  /**
   * The queue the job waits in; a server claims only from the queues it lists.
   * @defaultValue `'default'`
   */
  queue?: string;
  /**
   * Higher runs first among due jobs of the same queues; an integer from -1000 to 1000.
   * @defaultValue `0`
   */
  priority?: number;
  /**
   * Attempts before the job fails for good (integer 1..1000).
   * @defaultValue the handler's `retries + 1` (4 when the handler sets nothing)
   */
  maxAttempts?: number;
  /**
   * How long one attempt may run before its signal is aborted and the attempt fails (ms).
   * @defaultValue the handler's `timeoutMs` (30 minutes when the handler sets nothing)
   */
  timeoutMs?: number;
  /**
   * While a job with this key is unfinished (waiting, scheduled, running, awaiting), another
   * enqueue with the same key stores nothing and returns the existing job's id. 1..500 chars.
   * @defaultValue none
   */
  uniqueKey?: string;
  /**
   * What an enqueue or schedule with a `uniqueKey` that an unfinished job holds does
   * (`enqueue` and `schedule` only; needs `uniqueKey`):
   * - `'return'`: stores nothing and returns the holder's id.
   * - `'replace'` (an upsert): a holder that waits (enqueued or scheduled) takes this call's
   *   payload, queue, priority, maxAttempts, timeoutMs, tags, startWithinMs and due time
   *   (now for `enqueue`, the given time for `schedule`), keeping its id, attempts and
   *   history; one awaiting its parent takes the same but keeps waiting. A holder that is
   *   running is left to finish with its payload, and its id is returned: nothing is stored
   *   (enqueue again once it finished). With no holder, the job is inserted. Each replacement
   *   is one write, safe against concurrent upserts and against servers claiming the holder:
   *   a claimed attempt runs the payload from before the replacement or the one after, and a
   *   replacement that a claim beat does not happen (the job counts as running). Not with
   *   `session`.
   * @defaultValue `'return'`
   */
  onDuplicateKey?: DuplicateKeyPolicy;
  /**
   * Debounces the enqueue (`enqueue` only): the job waits `windowMs`, and another enqueue
   * with the same `key` before a server takes it replaces its payload and options and moves
   * its due time to `windowMs` after that enqueue, so a burst of enqueues runs once, with the
   * last payload. Resolves with the pending job's id. Safe against concurrent enqueues in any
   * process. Not with `uniqueKey` or `session`.
   * @defaultValue none
   */
  debounce?: DebounceOptions;
  /**
   * The caller's session, from the `MongoClient` Docket uses. When it is in a transaction,
   * the job is written in that transaction (the outbox pattern): it exists if and only if
   * the transaction commits, and no server can claim it before, so an order saved and its
   * confirmation job never disagree. With `session.withTransaction`, a retried transaction
   * enqueues its job again, and only the committed attempt's job exists. Inside the
   * transaction, MongoDB's errors reach the caller as the driver raised them (so
   * `withTransaction` can retry them), and servers learn of the job when it commits,
   * through their change stream. Only on a replica set or a sharded cluster: a standalone
   * runs no transactions (`TransactionsUnsupportedError`).
   * @defaultValue none
   */
  session?: ClientSession;
  /**
   * The job's id, chosen by the caller instead of a generated one (an order number, a
   * message id): 1 to 200 characters from `[A-Za-z0-9_.:-]`. Ids are unique among all
   * stored jobs, finished ones included until retention removes them: a second job with
   * the same id throws `DuplicateJobIdError` and writes nothing, unless `onDuplicateId`
   * says `'return'`. Not with `debounce`, nor for `enqueueMany` (one id cannot name many
   * jobs) or the jobs of a batch.
   * @defaultValue a new ObjectId's hex string
   */
  id?: string;
  /**
   * What an `id` that another job already has does: `'throw'` a `DuplicateJobIdError`, or
   * `'return'` the existing job's id (whatever its state and payload), writing nothing.
   * Only with `id`.
   * @defaultValue `'throw'`
   */
  onDuplicateId?: DuplicateIdPolicy;
  /**
   * Labels to find the job by (`findJobs({ tags })`, `GET api/jobs?tag=`, the dashboard's
   * tag filter): 1 to 20 tags of 1 to 100 characters without control characters, compared
   * exactly (case-sensitive); a tag given twice is kept once.
   * @defaultValue none
   */
  tags?: readonly string[];
  /**
   * How long after its due time the job may still start, in ms (1 to 2_147_483_647). A job
   * a server takes later than that (after an outage, behind a backlog) fails for good
   * without its handler running: its error is a `JobExpiredError` and no retry follows.
   * The due time is the job's current one: a retry's backoff moves it, a recovery after a
   * lost lease keeps it.
   * @defaultValue the handler's `startWithinMs` (none when the handler sets nothing: the
   *   job starts however late)
   */
  startWithinMs?: number;
  /**
   * The job's concurrency key: at most `limit` jobs of one key run at once across all
   * servers (1: a mutex), in enqueue order with `order: 'fifo'`. Wins over the handler's
   * `concurrencyKey` (whose `limit` and `order` apply where this one leaves them out). A key
   * that is empty, longer than 200 characters or holds control characters throws
   * `InvalidConcurrencyKeyError`.
   * @defaultValue the handler's `concurrencyKey`, computed from the job (none when the handler
   *   sets none)
   */
  concurrencyKey?: EnqueueConcurrencyKey;
}

/** What {@link EnqueueOptions.onDuplicateId} does with an id another job already has. */
export type DuplicateIdPolicy = 'throw' | 'return';

/** What {@link EnqueueOptions.onDuplicateKey} does with a uniqueKey an unfinished job holds. */
export type DuplicateKeyPolicy = 'return' | 'replace';

/** Options of {@link IJobScheduler.markSucceeded}. */
export interface MarkSucceededOptions {
  /**
   * The job's result, stored as a handler's return value is (converted by the payload rules,
   * at most the Docket's `maxResultBytes` as BSON); a continuation receives it.
   * @defaultValue none
   */
  result?: unknown;
}

/** Options of {@link IJobScheduler.markFailed}. */
export interface MarkFailedOptions {
  /** Why the job failed, as its error's message: 1 to 4,000 characters. */
  message: string;
}

/** {@link EnqueueOptions.debounce}: which enqueues fold into one job, and how long it waits. */
export interface DebounceOptions {
  /** Enqueues with the same key fold into one pending job; 1..500 characters. */
  key: string;
  /** How long after the last enqueue of the key the job becomes due (ms, 1..2_147_483_647). */
  windowMs: number;
}

/** Options of {@link IJobScheduler.continueWith}. */
export interface ContinuationOptions extends EnqueueOptions {
  /**
   * What happens to the continuation when its parent fails for good or is deleted:
   * `cancel` deletes it (and its own continuations), `run` enqueues it anyway.
   * @defaultValue `'cancel'`
   */
  onParentFailure?: ContinuationPolicy;
}

/** When a scheduled job becomes due: at a time, or after a delay from now. */
export type ScheduleTime =
  | {
      /** When the job becomes due. */
      readonly at: Date;
    }
  | {
      /** How long from now until the job becomes due, in milliseconds. */
      readonly delayMs: number;
    };
