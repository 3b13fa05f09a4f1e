import type { Collection, Filter, UpdateFilter } from 'mongodb';
import type { JobCriteria } from '../job-criteria';
import type { JobRecord, JobState } from '../job-record';
import type { BulkRequeueOutcome } from '../job-store';
import type { JobTarget } from '../job-summary';
import type { ResolvedRetention } from '../retention';
import { criteriaFilter } from './job-filter-query';
import { DELETE_REASON, deleteUpdate, requeueReason, requeueUpdate } from './job-transitions';
import { guard, isDuplicateKey, storageError } from './mongo-errors';

/**
 * The writes of bulk actions: one conditional `updateMany` (`deleteMany` for a purge) per
 * state among the targets, whose filter pins each job to the state it was read in (and to
 * the criteria it was chosen by): a job that changed meanwhile is left as it is.
 */
export class MongoBulkTransitions {
  constructor(
    private readonly jobs: Collection<JobRecord>,
    private readonly retention: ResolvedRetention,
  ) {}

  async deleteMany(
    targets: readonly JobTarget[],
    within: JobCriteria | null,
    now: Date,
  ): Promise<JobTarget[]> {
    const changed: JobTarget[] = [];
    for (const group of byState(targets)) {
      const result = await guard('delete jobs', () =>
        this.jobs.updateMany(pinned(group, within), deleteUpdate(now, this.retention)),
      );
      changed.push(
        ...(await this.changedAmong(group, result.modifiedCount, 'deleted', now, DELETE_REASON)),
      );
    }
    return changed;
  }

  async purgeMany(targets: readonly JobTarget[], within: JobCriteria | null): Promise<number> {
    let removed = 0;
    for (const group of byState(targets)) {
      const result = await guard('purge jobs', () =>
        this.jobs.deleteMany({ $and: [pinned(group, within), CONTINUATIONS_SETTLED] }),
      );
      removed += result.deletedCount;
    }
    return removed;
  }

  async requeueMany(
    targets: readonly JobTarget[],
    within: JobCriteria | null,
    now: Date,
  ): Promise<BulkRequeueOutcome> {
    // A finished job with a uniqueKey takes it again, which fails while another unfinished
    // job holds it: such jobs are written one by one, so that one conflict stops no other.
    const keyed = targets.filter((t) => t.uniqueKey !== null && t.state !== 'scheduled');
    const plain = targets.filter((t) => !keyed.includes(t));
    const changed: JobTarget[] = [];
    for (const group of byState(plain)) {
      const from = group[0].state;
      const result = await guard('requeue jobs', () =>
        this.jobs.updateMany(pinned(group, within), requeueUpdate(from, null, now)),
      );
      changed.push(
        ...(await this.changedAmong(
          group,
          result.modifiedCount,
          'enqueued',
          now,
          requeueReason(from),
        )),
      );
    }
    let conflicts = 0;
    for (const target of keyed) {
      const update: UpdateFilter<JobRecord> = requeueUpdate(target.state, target.uniqueKey, now);
      try {
        const result = await this.jobs.updateOne(pinned([target], within), update);
        if (result.modifiedCount === 1) changed.push(target);
      } catch (error) {
        if (!isDuplicateKey(error, 'activeUniqueKey')) {
          throw storageError('requeue the job', error, target._id);
        }
        conflicts += 1;
      }
    }
    return { changed, conflicts };
  }

  /**
   * The targets of `group` a write changed. Usually all of them (as many as it modified);
   * otherwise some changed meanwhile, and the others are told by the history entry the write
   * added (a rare extra read).
   */
  private async changedAmong(
    group: readonly JobTarget[],
    modified: number,
    state: JobState,
    now: Date,
    reason: string,
  ): Promise<JobTarget[]> {
    if (modified === group.length) return [...group];
    if (modified === 0) return [];
    const written = await guard('read which jobs changed', () =>
      this.jobs
        .find(
          {
            _id: { $in: group.map((target) => target._id) },
            history: { $elemMatch: { state, at: now, reason } },
          },
          { projection: { _id: 1 } },
        )
        .toArray(),
    );
    const ids = new Set(written.map((job) => job._id));
    return group.filter((target) => ids.has(target._id));
  }
}

/**
 * A job that is no parent with continuations left to release: a finished parent whose worker
 * stopped before releasing them is found again by the recovery sweep, which needs it.
 */
const CONTINUATIONS_SETTLED: Filter<JobRecord> = {
  $or: [{ hasContinuations: { $ne: true } }, { continuationsResolved: true }],
};

/** The targets grouped by the state they were read in. */
function byState(targets: readonly JobTarget[]): JobTarget[][] {
  const groups = new Map<JobState, JobTarget[]>();
  for (const target of targets) {
    const group = groups.get(target.state);
    if (group) group.push(target);
    else groups.set(target.state, [target]);
  }
  return [...groups.values()];
}

/** The targets of one state, still in it, and still matching `within`. */
function pinned(group: readonly JobTarget[], within: JobCriteria | null): Filter<JobRecord> {
  const ids = group.map((target) => target._id);
  const pin: Filter<JobRecord> = {
    _id: ids.length === 1 ? ids[0] : { $in: ids },
    state: group[0].state,
  };
  return within === null ? pin : { $and: [criteriaFilter(within), pin] };
}
