import type { ClientSession, Collection, Db } from 'mongodb';
import { DuplicateJobIdError, UniqueKeyConflictError } from '../../errors';
import type { JobCriteria } from '../job-criteria';
import {
  FINISHED_STATES,
  type JobCheckpoint,
  type JobProgress,
  type JobRecord,
  type JobState,
} from '../job-record';
import type {
  AttemptOutcome,
  BulkRequeueOutcome,
  ClaimedJobs,
  ClaimRequest,
  FinishEntry,
  FinishResult,
  InsertOptions,
  JobLease,
  JobStore,
  LostLease,
  NewWorkListener,
  ReleasedContinuation,
  WorkWatch,
  InsertUnlessExistsOutcome,
  JobPin,
  MarkedOutcome,
  UpsertUniqueOutcome,
  WaitingJobEdit,
} from '../job-store';
import type { JobTarget } from '../job-summary';
import type { ResolvedRetention } from '../retention';
import { deleteUpdate, requeueUpdate } from './job-transitions';
import { MongoBulkTransitions } from './mongo-bulk-transitions';
import { JOB_INDEXES } from './job-indexes';
import { MongoLeases } from './mongo-leases';
import { MongoBatchWrites } from './mongo-batch-writes';
import { CLAIM_PROJECTION, MongoAttemptWrites } from './mongo-attempt-writes';
import { MongoContinuations } from './mongo-continuations';
import {
  checkSessionOwner,
  insertInTransaction,
  insertManyInTransaction,
} from './in-transaction-writes';
import { watchForNewWork } from './new-work-watch';
import { guard, isDuplicateKey, isTransientMongoError, storageError } from './mongo-errors';
import { WorkNotices } from './work-notices';
import { insertDebounced } from './debounced-insert';
import { insertOrFindHolder, insertUnlessExists } from './insert-unless-exists';
import { MongoJobBatches } from './mongo-job-batches';
import { commitWithOutcome, FenceMismatch } from './attempt-transaction';
import { editWaiting, markOutcome, upsertUnique } from './waiting-job-writes';

export { isDuplicateKey } from './mongo-errors';

/** Payload bigints are stored as int64; reading them back as `Long` keeps them exact. */
const READ_OPTIONS = { promoteLongs: false } as const;

/** `JobStore` on one MongoDB collection, `<prefix>jobs`. */
export class MongoJobStore implements JobStore {
  private readonly jobs: Collection<JobRecord>;
  private readonly continuations: MongoContinuations;
  private readonly batchWrites: MongoBatchWrites;
  private readonly notices: WorkNotices;
  readonly jobBatches: MongoJobBatches;
  private readonly bulk: MongoBulkTransitions;
  private readonly leases: MongoLeases;
  private readonly attempts: MongoAttemptWrites;

  /**
   * @param onNoticeError told when a new-work notice (standalone servers only) could not be
   *   written after its job was: the job is stored, and servers find it by polling.
   */
  constructor(
    private readonly db: Db,
    collectionPrefix: string,
    private readonly retention: ResolvedRetention,
    onNoticeError: (error: unknown) => void = () => undefined,
  ) {
    this.jobs = db.collection<JobRecord>(`${collectionPrefix}jobs`);
    this.continuations = new MongoContinuations(this.jobs, retention);
    this.batchWrites = new MongoBatchWrites(this.jobs, retention);
    this.jobBatches = new MongoJobBatches(db, collectionPrefix, this.jobs, retention);
    this.notices = new WorkNotices(db, collectionPrefix, onNoticeError);
    this.bulk = new MongoBulkTransitions(this.jobs, retention);
    this.leases = new MongoLeases(this.jobs);
    this.attempts = new MongoAttemptWrites(this.jobs, retention);
  }

  /** The jobs collection (for tests and tooling that inspect storage). */
  get collection(): Collection<JobRecord> {
    return this.jobs;
  }

  /** Creates the indexes, and on a standalone server the new-work notices collection. */
  async ensureIndexes(): Promise<void> {
    await Promise.all([
      guard('create the job indexes', () => this.jobs.createIndexes([...JOB_INDEXES])),
      this.jobBatches.ensureIndexes(),
      this.notices.ensure(),
    ]);
  }

  async watchForNewWork(
    queues: readonly string[],
    onWork: NewWorkListener,
    onError: (error: unknown) => void,
    options: { readonly resumeAfter?: unknown } = {},
  ): Promise<WorkWatch | null> {
    return (
      (await watchForNewWork(this.db, this.jobs, queues, onWork, onError, options)) ??
      this.notices.tail(queues, onWork, onError)
    );
  }

  async insert(
    record: JobRecord,
    session?: ClientSession,
    options: InsertOptions = {},
  ): Promise<string> {
    const transaction = this.transactionOf(session);
    if (transaction) return insertInTransaction(this.jobs, record, transaction, options);
    const outcome = await insertOrFindHolder(this.jobs, record, session);
    if (outcome.inserted) {
      await this.notices.announce([record]);
      return record._id;
    }
    // Generated ids never collide: a duplicate `_id` is one the caller chose.
    if (outcome.heldBy === null) throw new DuplicateJobIdError(record._id);
    return outcome.heldBy;
  }

  async insertMany(records: readonly JobRecord[], session?: ClientSession): Promise<void> {
    const transaction = this.transactionOf(session);
    if (transaction) return insertManyInTransaction(this.jobs, records, transaction);
    await guard('insert the jobs', () =>
      this.jobs.insertMany([...records], { ordered: true, session }),
    );
    await this.notices.announce(records);
  }

  announce(jobs: ReadonlyArray<Pick<JobRecord, '_id' | 'queue' | 'dueAt' | 'state'>>) {
    return this.notices.announce(jobs);
  }

  async insertDebounced(record: JobRecord & { debounceKey: string }, now: Date) {
    const { job, replaced } = await insertDebounced(this.jobs, record, now);
    await this.notices.announce([job]);
    return { id: job._id, dueAt: job.dueAt, replaced };
  }

  async upsertUnique(record: JobRecord, now: Date): Promise<UpsertUniqueOutcome> {
    const outcome = await upsertUnique(this.jobs, record, now);
    if (outcome.outcome === 'inserted') await this.notices.announce([record]);
    if (outcome.outcome === 'replaced') await this.notices.announce([outcome.job]);
    return outcome;
  }

  async editWaiting(pin: JobPin, edit: WaitingJobEdit, now: Date): Promise<JobRecord | null> {
    const job = await editWaiting(this.jobs, pin, edit, now);
    if (job && edit.due !== undefined) await this.notices.announce([job]);
    return job;
  }

  markOutcome(pin: JobPin, outcome: MarkedOutcome, now: Date): Promise<JobRecord | null> {
    return markOutcome(this.jobs, this.retention, pin, outcome, now);
  }

  async insertUnlessExists(record: JobRecord): Promise<InsertUnlessExistsOutcome> {
    const outcome = await insertUnlessExists(this.jobs, record);
    if (outcome.inserted) await this.notices.announce([record]);
    return outcome;
  }

  claim(request: ClaimRequest): Promise<JobRecord | null> {
    return this.attempts.claim(request);
  }

  finish(
    lease: JobLease,
    outcome: AttemptOutcome,
    serverId: string,
    now: Date,
  ): Promise<FinishResult | null> {
    return this.attempts.finish(lease, outcome, serverId, now);
  }

  claimBatch(request: ClaimRequest, limit: number): Promise<ClaimedJobs> {
    return this.batchWrites.claimBatch(request, limit);
  }

  findClaimCandidates(request: ClaimRequest, limit: number): Promise<JobRecord[]> {
    return this.batchWrites.findCandidates(request, limit);
  }

  claimCandidates(request: ClaimRequest, candidates: readonly JobRecord[]): Promise<ClaimedJobs> {
    return this.batchWrites.claimCandidates(request, candidates);
  }

  finishMany(entries: readonly FinishEntry[]): Promise<Array<FinishResult | null>> {
    return this.batchWrites.finishMany(entries);
  }

  async commitWithOutcome<T>(
    work: (session: ClientSession) => Promise<T>,
    entry: () => FinishEntry,
  ): Promise<{ value: T; result: FinishResult } | null> {
    try {
      return await commitWithOutcome(this.db.client, this.jobs, this.retention, work, entry);
    } catch (error) {
      if (error instanceof FenceMismatch) return null;
      throw error;
    }
  }

  extendLeases(leases: readonly JobLease[], leaseMs: number): Promise<LostLease[]> {
    return this.leases.extend(leases, leaseMs);
  }

  release(
    leases: readonly JobLease[],
    serverId: string,
    now: Date,
    reason: string,
    notBefore?: Date,
  ): Promise<number> {
    return this.leases.release(leases, serverId, now, reason, notBefore);
  }

  recoverExpired(now: Date): Promise<number> {
    return this.leases.recoverExpired(now);
  }

  async delete(jobId: string, now: Date): Promise<JobRecord | null> {
    return guard(
      'delete the job',
      () =>
        this.jobs.findOneAndUpdate(
          { _id: jobId, state: { $ne: 'deleted' } },
          deleteUpdate(now, this.retention),
          { returnDocument: 'before', projection: CLAIM_PROJECTION, ...READ_OPTIONS },
        ),
      jobId,
    );
  }

  deleteMany(
    targets: readonly JobTarget[],
    within: JobCriteria | null,
    now: Date,
  ): Promise<JobTarget[]> {
    return this.bulk.deleteMany(targets, within, now);
  }

  purgeMany(targets: readonly JobTarget[], within: JobCriteria | null): Promise<number> {
    return this.bulk.purgeMany(targets, within);
  }

  async requeue(jobId: string, now: Date): Promise<JobRecord | null> {
    const current = await this.findById(jobId);
    if (!current || !FINISHED_STATES.includes(current.state)) return null;
    const update = requeueUpdate(current.state, current.uniqueKey, now);
    try {
      // Conditioned on the state read, so a concurrent requeue or delete wins cleanly.
      return await this.jobs.findOneAndUpdate({ _id: jobId, state: current.state }, update, {
        returnDocument: 'after',
        projection: CLAIM_PROJECTION,
        ...READ_OPTIONS,
      });
    } catch (error) {
      if (current.uniqueKey !== null && isDuplicateKey(error, 'activeUniqueKey')) {
        const key = current.uniqueKey;
        const holder = await guard(
          'read the job holding the uniqueKey',
          () => this.jobs.findOne({ activeUniqueKey: key }, { projection: { _id: 1 } }),
          jobId,
        );
        throw new UniqueKeyConflictError(current.uniqueKey, holder?._id, { jobId, cause: error });
      }
      throw storageError('requeue the job', error, jobId);
    }
  }

  requeueMany(
    targets: readonly JobTarget[],
    within: JobCriteria | null,
    now: Date,
  ): Promise<BulkRequeueOutcome> {
    return this.bulk.requeueMany(targets, within, now);
  }

  saveCheckpoint(lease: JobLease, checkpoint: JobCheckpoint | null): Promise<boolean> {
    return this.attempts.saveCheckpoint(lease, checkpoint);
  }

  saveProgress(lease: JobLease, progress: JobProgress): Promise<boolean> {
    return this.attempts.saveProgress(lease, progress);
  }

  async findById(jobId: string): Promise<JobRecord | null> {
    return guard('read the job', () => this.jobs.findOne({ _id: jobId }, READ_OPTIONS), jobId);
  }

  async addContinuation(
    record: JobRecord & { parentId: string },
    session?: ClientSession,
    options: InsertOptions = {},
  ): Promise<{ jobId: string; parentState: JobState } | null> {
    const transaction = this.transactionOf(session);
    if (transaction) return this.continuations.addInTransaction(record, transaction, options);
    const parent = await guard('read the parent job', () =>
      this.jobs.findOne({ _id: record.parentId }, { projection: { _id: 1 } }),
    );
    if (!parent) return null;
    const jobId = await this.insert(record, session, options);
    const parentState = await this.continuations.markParent(record.parentId);
    if (parentState === null) {
      // The parent vanished (retention) between the two reads: the child could never run.
      await guard('remove the orphaned continuation', () =>
        this.jobs.deleteOne({ _id: record._id }),
      );
      return null;
    }
    return { jobId, parentState };
  }

  resolveContinuations(
    parentId: string,
    parentState: JobState,
    now: Date,
  ): Promise<ReleasedContinuation[]> {
    return this.continuations.resolve(parentId, parentState, now);
  }

  findUnresolvedParents(limit: number): Promise<Array<{ _id: string; state: JobState }>> {
    return this.continuations.findUnresolvedParents(limit);
  }

  isTransient(error: unknown): boolean {
    return isTransientMongoError(error);
  }

  /**
   * The caller's session when it is in a transaction (the writes then go through it).
   * @throws InvalidOptionsError for a session of another `MongoClient`.
   */
  private transactionOf(session: ClientSession | undefined): ClientSession | undefined {
    if (!session) return undefined;
    checkSessionOwner(this.db.client, session);
    return session.inTransaction() ? session : undefined;
  }
}
