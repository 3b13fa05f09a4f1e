/*
 * The JSON shapes of batches in the dashboard's REST API (`api/batches`), shared by the
 * server and the typed client like those of `api-types.ts`, with no runtime dependencies.
 */

/**
 * Where a batch stands: `creating` (its jobs are being written and cannot run yet),
 * `started`, `succeeded` (every job and nested batch succeeded), `finished` (all ended, some
 * failed or were deleted), `cancelled`.
 */
export type ApiBatchState = 'creating' | 'started' | 'succeeded' | 'finished' | 'cancelled';

/** Every batch state, in the order a batch moves through them. */
export const API_BATCH_STATES: readonly ApiBatchState[] = [
  'creating',
  'started',
  'succeeded',
  'finished',
  'cancelled',
];

/** When a batch continuation runs: only if the batch succeeded, or once it ended either way. */
export type ApiBatchCondition = 'succeeded' | 'finished';

/** A batch with its counts (`GET api/batches/{id}`). */
export interface ApiBatch {
  /** The batch's id (`createBatch` answered it). */
  readonly id: string;
  /** Where it stands. */
  readonly state: ApiBatchState;
  /** What its creator said it is; null when it said nothing. */
  readonly description: string | null;
  /** The batch this one is nested in; null for an outermost batch. */
  readonly parentBatchId: string | null;
  /** Jobs and nested batches in it. */
  readonly total: number;
  /** Jobs that succeeded, and nested batches that succeeded. */
  readonly succeeded: number;
  /** Jobs failed for good, and nested batches that ended `finished`. */
  readonly failed: number;
  /** Jobs deleted before they finished, and nested batches cancelled. */
  readonly deleted: number;
  /**
   * Jobs and nested batches not ended yet; on a cancelled batch, those that had not ended
   * when it was cancelled (the cancellation deleted them).
   */
  readonly pending: number;
  /** Continuations waiting for it (or released when it ended). */
  readonly continuations: number;
  /** When it was created. */
  readonly createdAt: string;
  /** When it became `started`; null while `creating`. */
  readonly startedAt: string | null;
  /** When it ended (succeeded, finished or cancelled); null until then. */
  readonly finishedAt: string | null;
}

/** The query of `GET api/batches` (`DocketClient.listBatches`). */
export interface ApiBatchQuery {
  /** Only batches in this state. @defaultValue every state */
  readonly state?: ApiBatchState;
  /**
   * Only the batches nested in the batch of this id; `none` for outermost batches only.
   * @defaultValue every batch, nested ones included
   */
  readonly parent?: string;
  /** `nextCursor` of the previous page (same filters). */
  readonly cursor?: string;
  /** Page size, 1..maxPageSize. @defaultValue 20 */
  readonly limit?: number;
}

/** A page of batches, newest first (`GET api/batches`). */
export interface ApiBatchPage {
  /** The page's batches, newest first. */
  readonly items: readonly ApiBatch[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** Options of a batch's jobs; a job's own options win over its batch's. */
export interface ApiBatchJobOptions {
  /** The job's queue. @defaultValue the batch's, else `default` */
  readonly queue?: string;
  /** Its priority, -1000..1000. @defaultValue the batch's, else `0` */
  readonly priority?: number;
  /** Attempts it is given, 1..1000. @defaultValue the batch's, else the handler's */
  readonly maxAttempts?: number;
  /** Time limit of each attempt (ms). @defaultValue the batch's, else the handler's */
  readonly timeoutMs?: number;
  /** Due this long after the batch is created (ms). @defaultValue the batch's, else `0` */
  readonly delayMs?: number;
  /** Tags to find the job by, 1..20. @defaultValue the batch's, else none */
  readonly tags?: readonly string[];
  /**
   * Taken later than this after its due time (ms), it fails as expired without running.
   * @defaultValue the batch's, else the handler's
   */
  readonly startWithinMs?: number;
}

/** One job of a batch, by type name, as `POST api/jobs` takes one. */
export interface ApiBatchJob {
  /** The stable job type name (`@Job('name')`); its class must be loaded by the dashboard. */
  readonly type: string;
  /** The job's fields as JSON; validated as enqueue validates them. */
  readonly payload: Record<string, unknown>;
  /** Its own options, over the batch's. @defaultValue the batch's */
  readonly options?: ApiBatchJobOptions;
}

/** A job that waits for a batch to end (`POST api/batches/{id}/continuations`). */
export interface ApiBatchContinuation {
  /** The stable job type name; its class must be loaded by the dashboard. */
  readonly type: string;
  /** The job's fields as JSON. */
  readonly payload: Record<string, unknown>;
  /** Run only if the batch succeeded, or once it ended. @defaultValue `succeeded` */
  readonly on?: ApiBatchCondition;
  /** Queue, priority, attempts and time limit (no `delayMs`: it runs when the batch ends). */
  readonly options?: Omit<ApiBatchJobOptions, 'delayMs'>;
}

/**
 * `POST api/batches`: jobs, nested batches and continuations, written so that all of them
 * become runnable or none does. A batch holds at least one job or nested batch.
 */
export interface ApiBatchRequest {
  /** Shown on the dashboard; at most 500 characters. */
  readonly description?: string;
  /** Its jobs, by type name. */
  readonly jobs?: readonly ApiBatchJob[];
  /** Batches inside this one: each counts as one item, succeeded when it succeeded. */
  readonly batches?: readonly ApiBatchRequest[];
  /** Jobs that wait for the batch to end (state `awaiting`). */
  readonly continuations?: readonly ApiBatchContinuation[];
  /** Defaults of the batch's jobs, nested batches' included. */
  readonly options?: ApiBatchJobOptions;
}

/** Answer of `POST api/batches` and `POST api/batches/{id}/continuations`. */
export interface ApiBatchCreated {
  /** The new batch's id (or the continuation's job id). */
  readonly id: string;
}

/** Answer of `POST api/batches/{id}/cancel`. */
export interface ApiBatchCancelResult {
  /** False when the batch had ended already (nothing changed). */
  readonly cancelled: boolean;
}
