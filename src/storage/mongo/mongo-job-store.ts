import type { Collection, Db, Filter, UpdateFilter } from 'mongodb';
import { StorageError } from '../../errors';
import {
  CLAIMABLE_STATES,
  HISTORY_LIMIT,
  UNFINISHED_STATES,
  type JobHistoryEntry,
  type JobProgress,
  type JobRecord,
} from '../job-record';
import type {
  AttemptOutcome,
  ClaimRequest,
  JobLease,
  JobStore,
  LostLease,
} from '../job-store';
import { JOB_INDEXES } from './job-indexes';

/** Payload bigints are stored as int64; reading them back as `Long` keeps them exact. */
const READ_OPTIONS = { promoteLongs: false } as const;

/** The fields a worker never needs back from a claim. */
const CLAIM_PROJECTION = { history: 0 } as const;

/** `JobStore` on one MongoDB collection, `<prefix>jobs`. */
export class MongoJobStore implements JobStore {
  private readonly jobs: Collection<JobRecord>;

  constructor(db: Db, collectionPrefix: string) {
    this.jobs = db.collection<JobRecord>(`${collectionPrefix}jobs`);
  }

  /** The jobs collection (for tests and tooling that inspect storage). */
  get collection(): Collection<JobRecord> {
    return this.jobs;
  }

  async ensureIndexes(): Promise<void> {
    await guard('create the job indexes', () => this.jobs.createIndexes([...JOB_INDEXES]));
  }

  async insert(record: JobRecord): Promise<void> {
    await guard('insert the job', () => this.jobs.insertOne(record), record._id);
  }

  async claim(request: ClaimRequest): Promise<JobRecord | null> {
    const { now, serverId } = request;
    const filter: Filter<JobRecord> = {
      queue: { $in: [...request.queues] },
      state: { $in: [...CLAIMABLE_STATES] },
      dueAt: { $lte: now },
      type: { $in: [...request.jobTypes] },
    };
    const update: UpdateFilter<JobRecord> = {
      $set: {
        state: 'processing',
        leaseOwner: serverId,
        leaseExpiresAt: new Date(now.getTime() + request.leaseMs),
        startedAt: now,
      },
      $inc: { attempt: 1, fence: 1 },
      $push: historyPush({ state: 'processing', at: now, serverId }),
    };
    return guard('claim a job', () =>
      this.jobs.findOneAndUpdate(filter, update, {
        sort: { priority: -1, dueAt: 1 },
        returnDocument: 'after',
        projection: CLAIM_PROJECTION,
        ...READ_OPTIONS,
      }),
    );
  }

  async finish(
    lease: JobLease,
    outcome: AttemptOutcome,
    serverId: string,
    now: Date,
  ): Promise<boolean> {
    const set: Partial<JobRecord> = {
      state: outcome.state,
      durationMs: outcome.durationMs,
      leaseOwner: null,
      leaseExpiresAt: null,
    };
    if (outcome.state === 'scheduled') {
      set.dueAt = outcome.dueAt;
      set.error = outcome.error;
    } else {
      set.finishedAt = now;
      if (outcome.state === 'failed') set.error = outcome.error;
    }
    const reason = outcome.state === 'succeeded' ? undefined : outcome.reason;
    const result = await guard(
      'record the outcome',
      () =>
        this.jobs.updateOne(heldBy(lease), {
          $set: set,
          $push: historyPush({ state: outcome.state, at: now, serverId, reason }),
        }),
      lease.jobId,
    );
    return result.modifiedCount === 1;
  }

  async extendLeases(leases: readonly JobLease[], expiresAt: Date): Promise<LostLease[]> {
    if (leases.length === 0) return [];
    const result = await guard('extend leases', () =>
      this.jobs.updateMany(
        { state: 'processing', $or: leases.map((l) => ({ _id: l.jobId, fence: l.fence })) },
        { $set: { leaseExpiresAt: expiresAt } },
      ),
    );
    if (result.matchedCount === leases.length) return [];
    // Rare path: find out which leases were lost, and why (deleted, or taken over).
    const current = await guard('read lost leases', () =>
      this.jobs
        .find(
          { _id: { $in: leases.map((l) => l.jobId) } },
          { projection: { _id: 1, fence: 1, state: 1 } },
        )
        .toArray(),
    );
    const byId = new Map(current.map((doc) => [doc._id, doc]));
    return leases.flatMap((lease) => {
      const doc = byId.get(lease.jobId);
      const held = doc !== undefined && doc.state === 'processing' && doc.fence === lease.fence;
      return held ? [] : [{ ...lease, state: doc?.state ?? null }];
    });
  }

  async release(leases: readonly JobLease[], serverId: string, now: Date): Promise<number> {
    if (leases.length === 0) return 0;
    const result = await guard('release leases', () =>
      this.jobs.updateMany(
        { state: 'processing', $or: leases.map((l) => ({ _id: l.jobId, fence: l.fence })) },
        {
          $set: { state: 'enqueued', dueAt: now, leaseOwner: null, leaseExpiresAt: null },
          // The server gave up, not the job: the attempt does not count.
          $inc: { attempt: -1 },
          $push: historyPush({ state: 'enqueued', at: now, serverId, reason: 'released by a stopping server' }),
        },
      ),
    );
    return result.modifiedCount;
  }

  async recoverExpired(now: Date): Promise<number> {
    const result = await guard('recover expired leases', () =>
      this.jobs.updateMany(
        { state: 'processing', leaseExpiresAt: { $lt: now } },
        {
          $set: { state: 'enqueued', dueAt: now, leaseOwner: null, leaseExpiresAt: null },
          $push: historyPush({ state: 'enqueued', at: now, reason: 'lease expired: its worker stopped renewing it' }),
        },
      ),
    );
    return result.modifiedCount;
  }

  async delete(jobId: string, now: Date): Promise<JobRecord | null> {
    return guard(
      'delete the job',
      () =>
        this.jobs.findOneAndUpdate(
          { _id: jobId, state: { $in: [...UNFINISHED_STATES] } },
          {
            $set: { state: 'deleted', finishedAt: now, leaseOwner: null, leaseExpiresAt: null },
            $push: historyPush({ state: 'deleted', at: now, reason: 'deleted' }),
          },
          { returnDocument: 'before', projection: CLAIM_PROJECTION, ...READ_OPTIONS },
        ),
      jobId,
    );
  }

  async saveProgress(lease: JobLease, progress: JobProgress): Promise<boolean> {
    const result = await guard(
      'save progress',
      () => this.jobs.updateOne(heldBy(lease), { $set: { progress } }),
      lease.jobId,
    );
    return result.matchedCount === 1;
  }

  async findById(jobId: string): Promise<JobRecord | null> {
    return guard('read the job', () => this.jobs.findOne({ _id: jobId }, READ_OPTIONS), jobId);
  }
}

/** The filter that makes a write conditional on still holding the lease (fencing). */
function heldBy(lease: JobLease): Filter<JobRecord> {
  return { _id: lease.jobId, fence: lease.fence, state: 'processing' };
}

function historyPush(entry: JobHistoryEntry): UpdateFilter<JobRecord>['$push'] {
  const clean = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
  return { history: { $each: [clean as JobHistoryEntry], $slice: -HISTORY_LIMIT } } as UpdateFilter<JobRecord>['$push'];
}

async function guard<T>(action: string, run: () => Promise<T>, jobId?: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StorageError(`Could not ${action}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      jobId,
    });
  }
}
