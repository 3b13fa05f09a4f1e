import type { ClientSession } from 'mongodb';
import type { IJob } from '../jobs';

/**
 * Where a batch stands:
 * - `creating`: its jobs are being written (standalone servers, or any call without a
 *   transaction); none of them can run, and a batch whose creation failed is removed;
 * - `started`: every job was written and may run;
 * - `succeeded`: every job (and nested batch) succeeded;
 * - `finished`: every job finished, some failed for good or were deleted (or a nested batch
 *   did not succeed);
 * - `cancelled`: `cancelBatch` deleted its unfinished jobs.
 */
export type BatchState = 'creating' | 'started' | 'succeeded' | 'finished' | 'cancelled';

/** When a batch continuation runs: `succeeded` only if the batch succeeded, `finished` once it ended either way. */
export type BatchContinuationCondition = 'succeeded' | 'finished';

/** Options of one job of a batch (the batch's `options` apply where a job sets nothing). */
export interface BatchJobOptions {
  /** @defaultValue the batch's, else `'default'` */
  queue?: string;
  /** @defaultValue the batch's, else `0` */
  priority?: number;
  /** @defaultValue the batch's, else the handler's `retries + 1` */
  maxAttempts?: number;
  /** @defaultValue the batch's, else the handler's `timeoutMs` */
  timeoutMs?: number;
  /**
   * Makes the job due this long after the batch is created (ms, 0..2_147_483_647).
   * @defaultValue the batch's, else `0`: due at once
   */
  delayMs?: number;
  /** Tags to find the job by (see `EnqueueOptions.tags`). @defaultValue the batch's, else none */
  tags?: readonly string[];
  /**
   * How long after its due time the job may still start (see `EnqueueOptions.startWithinMs`).
   * @defaultValue the batch's, else the handler's
   */
  startWithinMs?: number;
}

/** One job of a batch with options of its own. */
export interface BatchJobItem {
  /** The job: an instance of a `@Job` class. */
  job: IJob;
  /** Its own options; a field it leaves out takes the batch's. */
  options?: BatchJobOptions;
}

/** A continuation of a batch, created with it. */
export interface BatchContinuationItem {
  /** The job to run once the batch ends: an instance of a `@Job` class. */
  job: IJob;
  /** @defaultValue `'succeeded'` */
  on?: BatchContinuationCondition;
  /** Queue, priority, attempts and timeout of the continuation (`delayMs` does not apply). */
  options?: BatchJobOptions;
}

/**
 * A batch to create (`IJobScheduler.createBatch`): jobs, nested batches and continuations,
 * written so that all of them become runnable or none does.
 *
 * ```ts
 * const batchId = await scheduler.createBatch({
 *   description: 'nightly import',
 *   jobs: files.map((file) => new ImportFile(file)),
 *   continuations: [{ job: new PublishReport(), on: 'succeeded' }],
 * });
 * ```
 */
export interface BatchSpec {
  /** Shown on the dashboard; at most 500 characters. */
  description?: string;
  /**
   * Instances of `@Job` classes, or `{ job, options }` for a job with options of its own.
   * A batch holds at least one job or nested batch, and 100,000 jobs at most (nested ones
   * included).
   */
  jobs?: ReadonlyArray<IJob | BatchJobItem>;
  /** Batches inside this one: each counts as one of its items, succeeded when it succeeded. */
  batches?: readonly BatchSpec[];
  /** Jobs that wait for the batch to end (state `awaiting`). */
  continuations?: readonly BatchContinuationItem[];
  /** Defaults for this batch's jobs (nested batches inherit them). */
  options?: BatchJobOptions;
}

/** Options of `IJobScheduler.createBatch`. */
export interface CreateBatchOptions {
  /**
   * The caller's session, from the `MongoClient` Docket uses. In a transaction, the batch,
   * its nested batches and all of its jobs are written in that transaction: they exist if
   * and only if it commits (replica sets and sharded clusters only). Without one, the batch
   * is written in state `creating` and started by one write once all of it is stored.
   * @defaultValue none
   */
  session?: ClientSession;
}

/** Options of `IJobScheduler.continueBatchWith`. */
export interface BatchContinuationOptions extends Omit<BatchJobOptions, 'delayMs'> {
  /** @defaultValue `'succeeded'` */
  on?: BatchContinuationCondition;
  /**
   * The caller's session: in a transaction, the continuation is written in it (replica sets
   * and sharded clusters only). Added to a batch that already ended, it is then released by
   * the recovery sweep after the commit, not at once.
   * @defaultValue none
   */
  session?: ClientSession;
}

/**
 * A batch as `IJobScheduler.getBatch` reads it. Its counts are kept by one write per job
 * that finishes (and one per nested batch); `pending` is what has not finished yet.
 */
export interface BatchInfo {
  /** The batch's id, as `createBatch` returned it. */
  id: string;
  /** Where the batch is in its life. */
  state: BatchState;
  /** The description it was created with, or null. */
  description: string | null;
  /** The batch this one is nested in. */
  parentBatchId: string | null;
  /** Jobs and nested batches in it. */
  total: number;
  /** Jobs succeeded, and nested batches that ended `succeeded`. */
  succeeded: number;
  /** Jobs failed for good, and nested batches that ended `finished`. */
  failed: number;
  /** Jobs deleted before they finished, and nested batches cancelled. */
  deleted: number;
  /** Jobs and nested batches not finished yet: `total` less the three counts above. */
  pending: number;
  /** Continuations waiting for it (or released when it ended). */
  continuations: number;
  /** When `createBatch` wrote it. */
  createdAt: Date;
  /** When it became `started` (null while `creating`). */
  startedAt: Date | null;
  /** When it ended (succeeded, finished or cancelled). */
  finishedAt: Date | null;
}
