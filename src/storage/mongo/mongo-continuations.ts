import type { ClientSession, Collection } from 'mongodb';
import { FINISHED_STATES, type JobRecord, type JobState } from '../job-record';
import type { InsertOptions, ReleasedContinuation } from '../job-store';
import type { ResolvedRetention } from '../retention';
import { historyPush } from './history';
import { checkIdFree, insertInTransaction } from './in-transaction-writes';
import { guard, inTransactionError } from './mongo-errors';

/** How deep a cancellation cascades down a chain of continuations in one call. */
const MAX_CHAIN_DEPTH = 100;

type Child = Pick<JobRecord, '_id' | 'type' | 'queue' | 'continuationPolicy' | 'hasContinuations'>;

/**
 * Continuations on the jobs collection: children wait in state `awaiting` with a `parentId`;
 * when the parent finishes they are enqueued, or deleted (policy `cancel`) when it failed
 * for good or was deleted. Every step is a conditional write, so the finishing worker, the
 * caller of `continueWith` and the recovery sweep may all resolve the same parent safely.
 */
export class MongoContinuations {
  constructor(
    private readonly jobs: Collection<JobRecord>,
    private readonly retention: ResolvedRetention,
  ) {}

  /**
   * Marks the parent as having continuations (after the child was inserted); returns the
   * parent's state, or null when the parent is gone.
   */
  async markParent(parentId: string): Promise<JobState | null> {
    const parent = await guard(
      'mark the parent job',
      () =>
        this.jobs.findOneAndUpdate(
          { _id: parentId },
          // A finished parent that gets a new child needs resolving again.
          { $set: { hasContinuations: true }, $unset: { continuationsResolved: '' } },
          { returnDocument: 'after', projection: { _id: 1, state: 1 } },
        ),
      parentId,
    );
    return parent?.state ?? null;
  }

  /**
   * Adds a continuation in the caller's transaction. An unfinished parent is marked in the
   * same transaction, so a worker finishing it meanwhile conflicts with the transaction:
   * either the transaction commits first and the worker, finishing after, releases the
   * continuation, or the caller's `withTransaction` retries and finds the parent finished.
   * A continuation of a finished parent is written already released (enqueued, or deleted
   * under `cancel`), as its parent's release would have left it: nothing else will release
   * it, and nothing can outside the transaction before it commits.
   * @returns the job id and the parent's state, or null when the parent does not exist.
   */
  async addInTransaction(
    record: JobRecord & { parentId: string },
    session: ClientSession,
    options: InsertOptions = {},
  ): Promise<{ jobId: string; parentState: JobState } | null> {
    // Before the parent is marked: a duplicate id leaves the transaction as it was.
    await checkIdFree(this.jobs, record._id, session, options);
    try {
      const unfinished = await this.jobs.findOneAndUpdate(
        { _id: record.parentId, state: { $nin: [...FINISHED_STATES] } },
        { $set: { hasContinuations: true }, $unset: { continuationsResolved: '' } },
        { session, returnDocument: 'after', projection: { _id: 1, state: 1 } },
      );
      if (unfinished) {
        const jobId = await insertInTransaction(this.jobs, record, session);
        return { jobId, parentState: unfinished.state };
      }
      const parent = await this.jobs.findOne(
        { _id: record.parentId },
        { session, projection: { _id: 1, state: 1 } },
      );
      if (!parent) return null;
      const state = releasedState(record, parent.state);
      const release = this.releaseOf(state, record.parentId, parent.state, record.dueAt);
      const released: JobRecord = {
        ...record,
        state: release.state,
        ...release.set,
        history: [
          ...record.history,
          { state: release.state, at: record.dueAt, reason: release.reason },
        ],
      };
      if (release.state === 'deleted') delete released.activeUniqueKey;
      const jobId = await insertInTransaction(this.jobs, released, session);
      return { jobId, parentState: parent.state };
    } catch (error) {
      throw inTransactionError(error);
    }
  }

  async resolve(
    parentId: string,
    parentState: JobState,
    now: Date,
    depth = 0,
  ): Promise<ReleasedContinuation[]> {
    if (!FINISHED_STATES.includes(parentState) || depth > MAX_CHAIN_DEPTH) return [];
    const children = await guard('read continuations', () =>
      this.jobs
        .find(
          { parentId, state: 'awaiting' },
          { projection: { _id: 1, type: 1, queue: 1, continuationPolicy: 1, hasContinuations: 1 } },
        )
        .toArray(),
    );
    const run = children.filter((child) => releasedState(child, parentState) === 'enqueued');
    const cancel = children.filter((child) => !run.includes(child));
    const released: ReleasedContinuation[] = [];
    if (run.length > 0) {
      const release = this.releaseOf('enqueued', parentId, parentState, now);
      if (parentState === 'succeeded') {
        // The parent's result goes with each child: the parent may be gone when it runs.
        const parent = await guard('read the parent result', () =>
          this.jobs.findOne({ _id: parentId }, { projection: { _id: 0, result: 1 } }),
        );
        if (parent?.result !== undefined) release.set.parentResult = parent.result;
      }
      await this.release(run, release, now);
      released.push(...run.map((child) => describe(child, 'enqueued')));
    }
    if (cancel.length > 0) {
      await this.release(cancel, this.releaseOf('deleted', parentId, parentState, now), now);
      released.push(...cancel.map((child) => describe(child, 'deleted')));
      for (const child of cancel.filter((c) => c.hasContinuations)) {
        released.push(...(await this.resolve(child._id, 'deleted', now, depth + 1)));
      }
    }
    await guard('mark continuations resolved', () =>
      this.jobs.updateOne(
        { _id: parentId, state: parentState },
        { $set: { continuationsResolved: true } },
      ),
    );
    return released;
  }

  async findUnresolvedParents(limit: number): Promise<Array<{ _id: string; state: JobState }>> {
    return guard('find unresolved parents', () =>
      this.jobs
        .find(
          {
            hasContinuations: true,
            continuationsResolved: { $ne: true },
            state: { $in: [...FINISHED_STATES] },
          },
          { projection: { _id: 1, state: 1 } },
        )
        .limit(limit)
        .toArray(),
    );
  }

  /** The fields a release to `state` sets, and the reason its history entry gives. */
  private releaseOf(
    state: ReleasedState,
    parentId: string,
    parentState: JobState,
    now: Date,
  ): Release {
    return state === 'enqueued'
      ? { state, set: { dueAt: now }, reason: `parent ${parentId} ${parentState}` }
      : {
          state,
          set: { finishedAt: now, expireAt: new Date(now.getTime() + this.retention.deletedMs) },
          reason: `cancelled: parent ${parentId} ${parentState}`,
        };
  }

  private async release(children: readonly Child[], release: Release, now: Date): Promise<void> {
    const { state, set, reason } = release;
    await guard('release continuations', () =>
      this.jobs.updateMany(
        { _id: { $in: children.map((child) => child._id) }, state: 'awaiting' },
        {
          $set: { state, ...set },
          ...(state === 'deleted' ? { $unset: { activeUniqueKey: '' } } : {}),
          $push: historyPush({ state, at: now, reason }),
        },
      ),
    );
  }
}

type ReleasedState = 'enqueued' | 'deleted';

/**
 * What a continuation becomes when its parent finished in `parentState`: enqueued when the
 * parent succeeded or the continuation's policy is `run`, deleted otherwise.
 */
function releasedState(
  child: Pick<JobRecord, 'continuationPolicy'>,
  parentState: JobState,
): ReleasedState {
  return parentState === 'succeeded' || child.continuationPolicy === 'run' ? 'enqueued' : 'deleted';
}

/** A continuation's release (see `MongoContinuations.releaseOf`). */
interface Release {
  readonly state: ReleasedState;
  readonly set: Partial<JobRecord>;
  readonly reason: string;
}

function describe(child: Child, state: ReleasedState): ReleasedContinuation {
  return { jobId: child._id, jobType: child.type, queue: child.queue, state };
}
