import type { Collection, Filter, UpdateFilter } from 'mongodb';
import type { AttemptOutcome, FinishResult } from '../attempt-outcome';
import type { ClaimRequest, JobLease } from '../job-lease';
import type { JobCheckpoint, JobProgress, JobRecord } from '../job-record';
import type { ResolvedRetention } from '../retention';
import { heldBy } from './lease-time';
import { claimUpdate, dueFilter, outcomeUpdate } from './mongo-batch-writes';
import { guard } from './mongo-errors';

/** Payload bigints are stored as int64; reading them back as `Long` keeps them exact. */
const READ_OPTIONS = { promoteLongs: false } as const;

/** The fields a worker never needs back from a claim. */
export const CLAIM_PROJECTION = { history: 0 } as const;

/**
 * The writes of one attempt, one job at a time: its claim, then under its lease (fenced, so
 * that a lost lease writes nothing) its checkpoint, progress and outcome. Batches of them go
 * through `MongoBatchWrites` instead.
 */
export class MongoAttemptWrites {
  constructor(
    private readonly jobs: Collection<JobRecord>,
    private readonly retention: ResolvedRetention,
  ) {}

  async claim(request: ClaimRequest): Promise<JobRecord | null> {
    for (const queue of request.queues) {
      const job = await this.claimFrom(queue, request);
      if (job) return job;
    }
    return null;
  }

  private claimFrom(queue: string, request: ClaimRequest): Promise<JobRecord | null> {
    const filter: Filter<JobRecord> = { queue, ...dueFilter(request) };
    return guard('claim a job', () =>
      this.jobs.findOneAndUpdate(filter, claimUpdate(request), {
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
  ): Promise<FinishResult | null> {
    const update = outcomeUpdate({ lease, outcome, serverId, now }, this.retention);
    const projection = { _id: 1, hasContinuations: 1 };
    // findOneAndUpdate costs the same round trip as updateOne and tells, atomically with the
    // outcome, whether a continuation was added meanwhile.
    const after = await guard(
      'record the outcome',
      () =>
        this.jobs.findOneAndUpdate(heldBy(lease), update, { returnDocument: 'after', projection }),
      lease.jobId,
    );
    // Rare path: the lease is no longer held. Lost, or an earlier try of this call took effect
    // and its reply was lost: then the job carries this lease's fence as the recorded one.
    const recorded =
      after ??
      (await guard(
        'read the recorded outcome',
        () => this.jobs.findOne({ _id: lease.jobId, recordedFence: lease.fence }, { projection }),
        lease.jobId,
      ));
    if (!recorded) return null;
    return {
      hasContinuations: outcome.state !== 'scheduled' && recorded.hasContinuations === true,
    };
  }

  saveCheckpoint(lease: JobLease, checkpoint: JobCheckpoint | null): Promise<boolean> {
    const update =
      checkpoint === null ? { $unset: { checkpoint: '' as const } } : { $set: { checkpoint } };
    return this.updateHeld('save the checkpoint', lease, update);
  }

  saveProgress(lease: JobLease, progress: JobProgress): Promise<boolean> {
    return this.updateHeld('save progress', lease, { $set: { progress } });
  }

  /** Updates the job while `lease` holds it (fenced); false when the lease was lost. */
  private async updateHeld(
    what: string,
    lease: JobLease,
    update: UpdateFilter<JobRecord>,
  ): Promise<boolean> {
    const result = await guard(what, () => this.jobs.updateOne(heldBy(lease), update), lease.jobId);
    return result.matchedCount === 1;
  }
}
