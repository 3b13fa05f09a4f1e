import type { ClientSession } from 'mongodb';
import type { AttemptOutcome, FinishEntry, FinishResult } from './attempt-outcome';
import type { BatchStore } from './batch-store';
import type { JobCriteria } from './job-criteria';
import type { ClaimedJobs, ClaimRequest, JobLease, LostLease } from './job-lease';
import type { JobPin, MarkedOutcome, WaitingJobEdit } from './job-pin';
import type { JobCheckpoint, JobProgress, JobRecord, JobState } from './job-record';
import type { JobTarget } from './job-summary';
import type { NewWorkListener, WorkWatch } from './work-watch';

export type { AttemptOutcome, FinishEntry, FinishResult } from './attempt-outcome';
export type { ClaimedJobs, ClaimLane, ClaimRequest, JobLease, LostLease } from './job-lease';
export type { JobPin, MarkedOutcome, WaitingJobEdit } from './job-pin';
export type { WaitingJobType, WaitingJobTypesSource } from './waiting-job-types';
export type { NewWorkListener, PushVia, WorkWatch } from './work-watch';

/** A continuation that became due (or was cancelled) when its parent finished. */
export interface ReleasedContinuation {
  readonly jobId: string;
  readonly jobType: string;
  readonly queue: string;
  readonly state: 'enqueued' | 'deleted';
}

/**
 * What {@link JobStore.insertUnlessExists} did: inserted, or not, because the id exists
 * (`heldBy` null) or because another unfinished job holds the uniqueKey (`heldBy` its id).
 */
export type InsertUnlessExistsOutcome =
  { readonly inserted: true } | { readonly inserted: false; readonly heldBy: string | null };

/**
 * What {@link JobStore.upsertUnique} did: inserted the record, replaced the waiting job that
 * held its uniqueKey (`replaced`), or neither because a running job holds it (`running`).
 */
export type UpsertUniqueOutcome =
  | { readonly outcome: 'inserted' }
  | { readonly outcome: 'replaced'; readonly job: JobRecord }
  | { readonly outcome: 'running'; readonly jobId: string };

/** What a bulk requeue did (see {@link JobStore.requeueMany}). */
export interface BulkRequeueOutcome {
  /** The targets requeued. */
  readonly changed: JobTarget[];
  /** Targets left as they were because another unfinished job holds their uniqueKey. */
  readonly conflicts: number;
}

/** How {@link JobStore.insert} treats a record. */
export interface InsertOptions {
  /** The caller chose the record's `_id`: another job may have it already. */
  readonly callerId?: boolean;
}

/**
 * The storage port the scheduler and the server depend on. The MongoDB implementation is
 * `MongoJobStore`; unit tests use a fake.
 */
export interface JobStore {
  /** The batches, whose counts and continuations follow the jobs' outcomes. */
  readonly jobBatches: BatchStore;
  /**
   * Tells servers of other processes about jobs an update made claimable (on a standalone,
   * where they follow notices; elsewhere their change stream sees the update). A failure is
   * reported, not thrown: polling finds the jobs.
   */
  announce(
    jobs: ReadonlyArray<Pick<JobRecord, '_id' | 'queue' | 'dueAt' | 'state'>>,
  ): Promise<void>;
  /** Creates every index the hot path needs (idempotent). */
  ensureIndexes(): Promise<void>;
  /**
   * Calls `onWork` with the job's id (and due time) when a job becomes claimable in one of
   * `queues`: inserted enqueued or scheduled, and, on a replica set, also retried, requeued,
   * released or recovered. On a replica set or sharded cluster through a change stream, which
   * sees every change from the moment this is called (not only from when the stream is open)
   * and, with `resumeAfter` (a {@link WorkWatch.resumeToken}), starts after that event. On a
   * standalone server through the notices inserts write (jobs inserted from then on only);
   * null when notices are unavailable, and polling alone finds new work.
   */
  watchForNewWork(
    queues: readonly string[],
    onWork: NewWorkListener,
    onError: (error: unknown) => void,
    options?: { readonly resumeAfter?: unknown },
  ): Promise<WorkWatch | null>;
  /**
   * Inserts a job. With a `uniqueKey` held by an unfinished job, inserts nothing and returns
   * that job's id; otherwise returns the new job's id.
   * With `session` the write is made in it, in its transaction if it is in one: then a
   * `uniqueKey` held by an unfinished job is looked for before the insert (a duplicate key
   * would abort the transaction), and MongoDB's errors are thrown as the driver raised them,
   * so that the caller's `withTransaction` can retry them; a standalone's refusal of
   * transactions is a `TransactionsUnsupportedError`.
   * @throws DuplicateJobIdError when another job has the record's `_id` (nothing written); in
   *   a transaction, only when `options.callerId` says the caller chose it: it is then looked
   *   for before the insert, which would otherwise abort the transaction.
   */
  insert(record: JobRecord, session?: ClientSession, options?: InsertOptions): Promise<string>;
  /**
   * Inserts jobs without uniqueKeys in one ordered round trip (batches are split by the
   * driver); with `session`, in it, as {@link insert} does.
   */
  insertMany(records: readonly JobRecord[], session?: ClientSession): Promise<void>;
  /**
   * Stores a job enqueued with `debounce` (`record.debounceKey` set, `scheduled`, due at the
   * end of its window), or folds it into the pending job of its key: that job takes its
   * payload and options, and its due time moves to the later of the two. Atomic and safe
   * against concurrent enqueues in any process. Resolves with the pending job's id, and
   * whether it existed before.
   */
  insertDebounced(
    record: JobRecord & { debounceKey: string },
    now: Date,
  ): Promise<{ id: string; dueAt: Date; replaced: boolean }>;
  /**
   * Stores `record` (which has a uniqueKey) unless an unfinished job holds its key: a waiting
   * holder (enqueued, scheduled or awaiting) takes the record's payload and options (and,
   * unless it is awaiting, its due time and state), keeping its id, attempts and history; a
   * running holder is left as it is. Each replacement is one write pinned to the key and a
   * waiting state, and moves the holder's fence, so a claim that read it before cannot take
   * it. Safe against concurrent upserts of the key: the unique index lets one insert win, and
   * the others replace its job.
   * @throws DuplicateJobIdError when the record's caller-chosen `_id` is another job's.
   * @throws UniqueKeyConflictError when the holder keeps finishing between the tries.
   */
  upsertUnique(record: JobRecord, now: Date): Promise<UpsertUniqueOutcome>;
  /**
   * Changes a waiting job as `edit` says, with one write pinned to `pin` that also moves its
   * fence by one (so a batch claim that read the job before the edit no longer matches it).
   * Returns the job as it is now (without its history), or null when it changed since `pin`
   * was read (nothing written).
   */
  editWaiting(pin: JobPin, edit: WaitingJobEdit, now: Date): Promise<JobRecord | null>;
  /**
   * Records an outcome a caller reports for a waiting or running job, with the write a worker's
   * outcome makes (result, error, retention, the uniqueKey freed), pinned to `pin` and moving
   * the fence by one: the running attempt's lease is lost, so its own outcome and other writes
   * match nothing. Returns the job as it is now, or null when it changed since `pin`.
   */
  markOutcome(pin: JobPin, outcome: MarkedOutcome, now: Date): Promise<JobRecord | null>;
  /**
   * Inserts unless a job with the same `_id` exists or, for a record with a uniqueKey, an
   * unfinished job holds it (idempotent enqueue; one insert decides both).
   */
  insertUnlessExists(record: JobRecord): Promise<InsertUnlessExistsOutcome>;
  /**
   * Claims the most urgent due job (queues in order), one atomic `findOneAndUpdate` per queue
   * tried. The lease expires `leaseMs` after the database's time of the claim.
   */
  claim(request: ClaimRequest): Promise<JobRecord | null>;
  /**
   * Claims up to `limit` due jobs in a constant number of round trips (for servers under
   * load); each job is claimed by exactly one server, with its own fencing token. The
   * database stamps the lease expiry from its own clock; a claimed record's `leaseExpiresAt`
   * may be null when it was not read back.
   */
  claimBatch(request: ClaimRequest, limit: number): Promise<ClaimedJobs>;
  /**
   * The first half of {@link claimBatch}: reads up to `limit` due jobs to claim, in claim
   * order, claiming nothing (a server that must admit them first, under rate limits).
   */
  findClaimCandidates(request: ClaimRequest, limit: number): Promise<JobRecord[]>;
  /**
   * The second half of {@link claimBatch}: claims those of `candidates` still unchanged since
   * they were read (same fencing token and attempt, still due), each by exactly one server.
   * One round trip when every candidate is taken, two when a concurrent claim took some.
   */
  claimCandidates(request: ClaimRequest, candidates: readonly JobRecord[]): Promise<ClaimedJobs>;
  /**
   * Records an attempt's outcome; null when the lease was lost (nothing written). Safe to call
   * again with the same lease after a failure: an outcome this lease already recorded is
   * reported as recorded.
   */
  finish(
    lease: JobLease,
    outcome: AttemptOutcome,
    serverId: string,
    now: Date,
  ): Promise<FinishResult | null>;
  /**
   * Records many outcomes in a constant number of round trips; null entries lost their lease.
   * Safe to call again with the same entries after a failure, as {@link finish} is.
   */
  finishMany(entries: readonly FinishEntry[]): Promise<Array<FinishResult | null>>;
  /**
   * Runs `work` in a transaction and records, in the same transaction, the outcome `entry()`
   * builds once `work` is done, fenced by its lease: both commit or neither does. Resolves
   * with what `work` returned and what recording tells; null when the lease was lost
   * (nothing committed). `work` may run more than once (after a transient error), each time
   * in a fresh transaction.
   * @throws TransactionsUnsupportedError on a standalone server; what `work` throws; MongoDB's
   *   errors once the transaction is given up (nothing committed).
   */
  commitWithOutcome<T>(
    work: (session: ClientSession) => Promise<T>,
    entry: () => FinishEntry,
  ): Promise<{ readonly value: T; readonly result: FinishResult } | null>;
  /**
   * Extends the leases in one round trip to `leaseMs` after the database's time now; returns
   * those no longer held.
   */
  extendLeases(leases: readonly JobLease[], leaseMs: number): Promise<LostLease[]>;
  /**
   * Gives jobs back to their queue at once (a stopping server, a full global limit): their
   * attempt is not counted, and they keep their due time, so their place in line is the one
   * they had when claimed; `reason` goes into the history. With `notBefore`, a due time
   * earlier than it moves to it (a FIFO job put back behind an earlier job of its key).
   */
  release(
    leases: readonly JobLease[],
    serverId: string,
    now: Date,
    reason: string,
    notBefore?: Date,
  ): Promise<number>;
  /**
   * Re-enqueues jobs whose lease expired by the database's clock (their worker died), keeping
   * their due time (their place in line); `now` dates the history entry. Returns how many.
   */
  recoverExpired(now: Date): Promise<number>;
  /**
   * Marks a job deleted, whatever its state but `deleted` (a running one loses its lease);
   * returns the job as it was, or null when it does not exist or was deleted already.
   */
  delete(jobId: string, now: Date): Promise<JobRecord | null>;
  /**
   * Deletes, as {@link delete} does, each target still in the state it was read in and
   * still matching `within` (when given); the others are left as they are. Returns the
   * targets deleted.
   */
  deleteMany(
    targets: readonly JobTarget[],
    within: JobCriteria | null,
    now: Date,
  ): Promise<JobTarget[]>;
  /**
   * Removes for good each finished target still in the state it was read in (and still
   * matching `within`, when given), unless it is a parent whose continuations are not
   * resolved yet (the recovery sweep needs it to release them). Returns how many it removed.
   */
  purgeMany(targets: readonly JobTarget[], within: JobCriteria | null): Promise<number>;
  /**
   * Puts a finished (succeeded, failed or deleted) job back in its queue with fresh attempts;
   * returns it, or null when it does not exist or is unfinished.
   * @throws UniqueKeyConflictError when another unfinished job holds its uniqueKey.
   */
  requeue(jobId: string, now: Date): Promise<JobRecord | null>;
  /**
   * Puts each target still in the state it was read in (and still matching `within`, when
   * given) back in its queue, due now: a finished one as {@link requeue} does, a scheduled
   * one keeping its attempts. A finished target whose uniqueKey another unfinished job holds
   * is left as it is and counted as a conflict.
   */
  requeueMany(
    targets: readonly JobTarget[],
    within: JobCriteria | null,
    now: Date,
  ): Promise<BulkRequeueOutcome>;
  /**
   * Stores the attempt's checkpoint under the lease (null removes it); false when the lease
   * was lost (nothing written).
   */
  saveCheckpoint(lease: JobLease, checkpoint: JobCheckpoint | null): Promise<boolean>;
  /** Stores progress under the lease; false when the lease was lost. */
  saveProgress(lease: JobLease, progress: JobProgress): Promise<boolean>;
  findById(jobId: string): Promise<JobRecord | null>;
  /**
   * Inserts a continuation (state `awaiting`) and marks its parent; returns the job id (an
   * existing one when its uniqueKey is held, as in {@link insert}) and the parent's state after
   * marking (a finished parent means the caller must resolve at once), or null when the parent
   * does not exist (then nothing is inserted). With a `session` in a transaction, everything
   * is written in it, and a continuation of a finished parent is written already released
   * (the caller must not release it).
   * @throws DuplicateJobIdError as {@link insert} does, before the parent is marked.
   */
  addContinuation(
    record: JobRecord & { parentId: string },
    session?: ClientSession,
    options?: InsertOptions,
  ): Promise<{ readonly jobId: string; readonly parentState: JobState } | null>;
  /**
   * Releases the continuations of a finished parent: enqueued when it succeeded (or when their
   * policy is `run`), deleted otherwise, cascading down chains. Idempotent.
   */
  resolveContinuations(
    parentId: string,
    parentState: JobState,
    now: Date,
  ): Promise<ReleasedContinuation[]>;
  /** Finished parents whose continuations were not resolved (their worker died in between). */
  findUnresolvedParents(
    limit: number,
  ): Promise<Array<{ readonly _id: string; readonly state: JobState }>>;
  /**
   * Whether an error thrown by this store is transient (a lost connection, a failover): the
   * same call may succeed if tried again shortly.
   */
  isTransient(error: unknown): boolean;
}
