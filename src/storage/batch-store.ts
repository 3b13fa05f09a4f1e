import type { ClientSession } from 'mongodb';
import type { BatchState } from '../batches/batch-types';
import type { JobRecord } from './job-record';
import type { ReleasedContinuation } from './job-store';

/** A batch as stored (collection `<prefix>batches`). */
export interface BatchRecord {
  _id: string;
  state: BatchState;
  description: string | null;
  parentBatchId: string | null;
  /** The outermost batch of the same creation: its start is the commit of all of them. */
  rootBatchId: string;
  /** Jobs and nested batches in it. */
  total: number;
  succeeded: number;
  failed: number;
  deleted: number;
  /** Continuations added to it. */
  continuations: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The last count or check of its jobs (the recovery sweep checks batches idle since long). */
  countedAt: Date;
  /** On a started root: its jobs may still wait in state `awaiting` to be released. */
  pendingRelease?: boolean;
  /** On an ended batch: false until its continuations were released and its parent told. */
  continuationsResolved?: boolean;
  /**
   * On an ended batch: its end was told (its `batch.ended` event, its count in its parent),
   * by the one caller that set it: its ender, or the recovery sweep when that found it first.
   */
  endTold?: boolean;
  /** When MongoDB's TTL monitor may delete the ended batch. */
  expireAt: Date | null;
}

/** What finished in one batch: counts to add. */
export interface BatchFinishes {
  succeeded: number;
  failed: number;
  deleted: number;
}

/** A batch that ended by a call: what its continuations and its parent must learn. */
export interface EndedBatch {
  readonly id: string;
  readonly state: 'succeeded' | 'finished' | 'cancelled';
  readonly parentBatchId: string | null;
}

/** The batches, as servers and schedulers use them. */
export interface BatchStore {
  ensureIndexes(): Promise<void>;
  /**
   * Stores the batches and their jobs: in `session`'s transaction (started at once), or in
   * state `creating`, then started by one write on the root and the release of the jobs.
   * On a failure before that write, removes what it wrote (best effort: the recovery sweep
   * removes what remains).
   * @throws StorageError; the driver's errors inside the caller's transaction.
   */
  create(
    batches: readonly BatchRecord[],
    jobs: readonly JobRecord[],
    now: Date,
    session?: ClientSession,
  ): Promise<void>;
  /** Adds what finished to a started batch's counts; returns the batch when all of it ended. */
  count(batchId: string, finishes: BatchFinishes, now: Date): Promise<EndedBatch | null>;
  /**
   * Ends a started batch whose jobs and nested batches all ended (checked in storage, not
   * from its counts); returns it when this call ended it, null otherwise.
   */
  complete(batchId: string, now: Date): Promise<EndedBatch | null>;
  /** Releases (or deletes) the continuations of an ended batch, then marks them resolved. */
  resolveContinuations(batch: EndedBatch, now: Date): Promise<ReleasedContinuation[]>;
  /**
   * Marks the end of a batch told; true for the one call that marked it, false for any
   * other (its end is told once, whoever resolves its continuations).
   */
  claimEndNotice(batchId: string): Promise<boolean>;
  /**
   * Adds a continuation to a batch; returns the batch's state, or null (nothing written)
   * when there is no such batch.
   */
  addContinuation(record: JobRecord, session?: ClientSession): Promise<BatchState | null>;
  /**
   * Marks a batch and the batches nested in it cancelled (those not ended yet); returns the
   * ids of those it marked, the outermost first, or null when the batch does not exist.
   */
  cancel(batchId: string, now: Date): Promise<EndedBatch[] | null>;
  get(batchId: string): Promise<BatchRecord | null>;
  list(query: BatchListQuery): Promise<BatchRecord[]>;
  /**
   * The recovery sweep's part: finishes or removes creations left halfway, checks started
   * batches idle for `idleMs`, and returns the batches ended over `idleMs` ago whose
   * continuations and parent still need telling.
   */
  sweep(now: Date, idleMs: number): Promise<EndedBatch[]>;
}

/** What `BatchStore.list` reads: newest first, by id. */
export interface BatchListQuery {
  readonly state?: BatchState;
  readonly parentBatchId?: string | null;
  /** Ids below this one (the previous page's last). */
  readonly before?: string;
  readonly limit: number;
}
