import type { BatchContinuationCondition } from '../batches/batch-types';
import type { ArtefactInfo } from './artefacts';

/** The states a job moves through (Hangfire's names). */
export type JobState =
  'scheduled' | 'enqueued' | 'processing' | 'succeeded' | 'failed' | 'deleted' | 'awaiting';

/** States from which a server may claim a job once it is due. */
export const CLAIMABLE_STATES: readonly JobState[] = ['enqueued', 'scheduled'];

/** States in which a job has not finished (a delete or a lease still matters). */
export const UNFINISHED_STATES: readonly JobState[] = [
  'scheduled',
  'enqueued',
  'processing',
  'awaiting',
];

/**
 * States in which a job waits to be claimed (or for its parent) and a caller may still edit
 * it: its payload, priority and due time (see `IJobScheduler.replacePayload`).
 */
export const WAITING_STATES: readonly JobState[] = UNFINISHED_STATES.filter(
  (state) => state !== 'processing',
);

/** One entry of a job's bounded state history. */
export interface JobHistoryEntry {
  /** The state the job entered. */
  readonly state: JobState;
  /** When it entered it. */
  readonly at: Date;
  /** The server that made the change, when a server did (a claim, an outcome). */
  readonly serverId?: string;
  /** Why, when it is not obvious: why an attempt failed, `requeued from failed`, `deleted`... */
  readonly reason?: string;
}

/** What is kept of an error a handler threw. */
export interface JobErrorInfo {
  /** The error's `name` (at most 200 characters); `NonErrorThrown` for a non-Error value. */
  readonly name: string;
  /** Its message (at most 4,000 characters). */
  readonly message: string;
  /** Its stack (at most 16,000 characters), when it had one. */
  readonly stack?: string;
}

/** Progress reported by a handler through `JobContext.progress`. */
export interface JobProgress {
  /** How far the handler got, 0 to 100. */
  readonly percent: number;
  /** What the handler said it was doing. */
  readonly message?: string;
  /** When the handler reported it, by Docket's clock. */
  readonly at: Date;
}

/** The progress data a handler saved through `JobContext.saveCheckpoint`. */
export interface JobCheckpoint {
  /** What the handler saved, as stored (BSON); the next attempt receives it. */
  readonly data: unknown;
  /** When it was saved, by Docket's clock. */
  readonly at: Date;
  /** The attempt that saved it, from 1. */
  readonly attempt: number;
}

/** One snooze of a job (`JobContext.snooze`): an attempt that ended without counting. */
export interface JobSnooze {
  /** When the handler snoozed, by Docket's clock. */
  readonly at: Date;
  /** When the job became due again. */
  readonly until: Date;
  /** The number the snoozing attempt ran under (the next run has the same). */
  readonly attempt: number;
  /** Why, as the handler said (at most 500 characters). */
  readonly reason?: string;
}

/**
 * A job as stored in MongoDB (collection `<prefix>jobs`). `attempt` counts claims, so the
 * running attempt is 1-based; `fence` grows by one at every claim (and at every change a
 * caller makes to the job while no worker holds it) and conditions every write a worker makes
 * afterwards (docs/design.md, guarantee 3).
 */
export interface JobRecord<TResult = unknown> {
  /** The job's id, as `enqueue` returned it. */
  _id: string;
  /** Stable job type name (`@Job('name')`). */
  type: string;
  /** The queue it waits in. */
  queue: string;
  /** Higher runs first among due jobs of the same queues; -1000 to 1000. */
  priority: number;
  /** Where the job is in its life. */
  state: JobState;
  /** The job's fields, as `enqueue` stored them (BSON, validated against its class). */
  payload: Record<string, unknown>;
  /** When the job may next be claimed. */
  dueAt: Date;
  /** When it was enqueued. */
  createdAt: Date;
  /** Claims so far: the running (or last) attempt's number, from 1; 0 before the first. */
  attempt: number;
  /** Set when the caller chose it; otherwise the handler's setting applies. */
  maxAttempts: number | null;
  /** Set when the caller chose it; otherwise the handler's setting applies. */
  timeoutMs: number | null;
  /**
   * The fencing token: one more at every claim (and at every change a caller makes to the job
   * while no worker holds it); every write of an attempt is conditioned on it.
   */
  fence: number;
  /**
   * The fencing token of the attempt whose outcome was recorded last: a worker whose outcome
   * write failed on the way back (or a batch of them) tells from it whether the write took
   * effect, so that trying again is safe.
   */
  recordedFence?: number;
  /** Id of the server whose attempt holds the job while it is `processing`; null otherwise. */
  leaseOwner: string | null;
  /**
   * When the lease lapses unless renewed, by the database server's clock (`$$NOW` plus the
   * lease duration), never a worker's: clock skew between machines cannot shorten a lease.
   */
  leaseExpiresAt: Date | null;
  /** The token of the batch claim that took the job (see `JobStore.claimBatch`). */
  leaseToken?: string;
  /** When its last attempt was claimed; null before the first. */
  startedAt: Date | null;
  /** When it finished (succeeded, failed for good or deleted); null while unfinished. */
  finishedAt: Date | null;
  /** How long the last attempt's handler ran, in ms; null before the first outcome. */
  durationMs: number | null;
  /** The last progress its handler reported; null before any. */
  progress: JobProgress | null;
  /**
   * Lines handlers logged through `JobContext.logger`, over all attempts, dropped ones
   * included (the lines themselves are in `<prefix>logs`); absent until the first.
   */
  logLines?: number;
  /** Their size in bytes (messages and fields), dropped ones included. */
  logBytes?: number;
  /**
   * What the handler's `handle()` resolved with when the job last succeeded, as stored (see
   * `IJobHandler`); absent when it resolved with `undefined`.
   */
  result?: TResult;
  /** For a continuation whose parent succeeded: the parent's `result`. */
  parentResult?: unknown;
  /**
   * The last checkpoint its handlers saved (`JobContext.saveCheckpoint`), kept across
   * retries and snoozes; absent when none (or since a requeue of the finished job).
   */
  checkpoint?: JobCheckpoint;
  /** How many times its handlers snoozed it (`JobContext.snooze`); absent before the first. */
  snoozeCount?: number;
  /** Its last snoozes, oldest first (at most 20: the oldest go first). */
  snoozes?: JobSnooze[];
  /** Files its handlers stored through `JobContext.artefacts`; absent until the first. */
  artefacts?: ArtefactInfo[];
  /** The error of the last failed attempt; null when none failed (or since a requeue). */
  error: JobErrorInfo | null;
  /** Its last state changes, oldest first (at most 50: the oldest go first). */
  history: JobHistoryEntry[];
  /**
   * When it entered the dead-letter queue (failed for good under a handler's
   * `onAttemptsExhausted: 'deadLetter'`); absent otherwise, and again once redriven or
   * requeued. Retention leaves such jobs alone.
   */
  deadLetteredAt?: Date;
  /** The caller's uniqueness key, kept for display. */
  uniqueKey: string | null;
  /**
   * Equal to `uniqueKey` while the job is unfinished, absent otherwise: a partial unique
   * index on it makes a second unfinished job with the same key impossible.
   */
  activeUniqueKey?: string;
  /** When MongoDB's TTL monitor may delete the finished job (retention); null while unfinished. */
  expireAt: Date | null;
  /** For a continuation: the job it waits for. */
  parentId: string | null;
  /** For a continuation: what happens when the parent fails for good or is deleted. */
  continuationPolicy?: ContinuationPolicy;
  /** Set on a parent once a continuation was added; read atomically by the finishing write. */
  hasContinuations?: boolean;
  /** Set on a finished parent once its continuations were released or cancelled. */
  continuationsResolved?: boolean;
  /**
   * For a job enqueued with `debounce`: its key. While the job is scheduled and never
   * claimed, a unique index makes it the only pending job of the key.
   */
  debounceKey?: string;
  /**
   * The job's concurrency key (the enqueue's, or its handler's computed at enqueue); absent
   * when none. At most `keyLimit` jobs of a key run at once across all servers.
   */
  concurrencyKey?: string;
  /** With `concurrencyKey`: how many jobs of the key may run at once. */
  keyLimit?: number;
  /**
   * With `concurrencyKey`, for a key whose jobs run in enqueue order (`order: 'fifo'`): a job
   * starts only once no unfinished job of the key was enqueued before it (`createdAt`, then
   * `_id`). The `fifo-key` index holds only unfinished such jobs.
   */
  keyFifo?: true;
  /** Labels the caller gave to find the job by (multikey-indexed); absent when none. */
  tags?: string[];
  /**
   * How long after `dueAt` the job may still start (ms), when the caller chose it; absent
   * otherwise (the handler's setting applies). A server that takes it later fails it with a
   * `JobExpiredError` before its handler runs.
   */
  startWithinMs?: number;
  /** What job filters stored with the job at enqueue (a trace context...); absent when none. */
  metadata?: Record<string, string>;
  /** The batch the job is in (`IJobScheduler.createBatch`). */
  batchId?: string;
  /**
   * Set while the batch rooted at this id is being created: the job waits in state
   * `awaiting` and cannot run until the batch starts.
   */
  batchPending?: string;
  /** For a batch continuation: the batch it waits for. */
  awaitsBatch?: string;
  /** For a batch continuation: whether it runs only if the batch succeeded, or once it ended. */
  batchCondition?: BatchContinuationCondition;
}

/** What a continuation does when its parent fails for good or is deleted. */
export type ContinuationPolicy = 'cancel' | 'run';

/** States in which a job is finished. */
export const FINISHED_STATES: readonly JobState[] = ['succeeded', 'failed', 'deleted'];

/** Every state. */
export const JOB_STATES: readonly JobState[] = [...UNFINISHED_STATES, ...FINISHED_STATES];

/** How many history entries a job keeps (the oldest go first). */
export const HISTORY_LIMIT = 50;

/** How many snoozes a job keeps in `snoozes` (the oldest go first; `snoozeCount` counts all). */
export const SNOOZE_HISTORY_LIMIT = 20;
