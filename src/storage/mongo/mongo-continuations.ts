import type { Collection } from 'mongodb';
import { FINISHED_STATES, type JobRecord, type JobState } from '../job-record';
import type { ReleasedContinuation } from '../job-store';
import type { ResolvedRetention } from '../retention';
import { historyPush } from './history';
import { guard } from './mongo-errors';

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
    const run = children.filter(
      (child) => parentState === 'succeeded' || child.continuationPolicy === 'run',
    );
    const cancel = children.filter((child) => !run.includes(child));
    const released: ReleasedContinuation[] = [];
    if (run.length > 0) {
      await this.release(run, 'enqueued', `parent ${parentId} ${parentState}`, now);
      released.push(...run.map((child) => describe(child, 'enqueued')));
    }
    if (cancel.length > 0) {
      await this.release(cancel, 'deleted', `cancelled: parent ${parentId} ${parentState}`, now);
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

  private async release(
    children: readonly Child[],
    state: 'enqueued' | 'deleted',
    reason: string,
    now: Date,
  ): Promise<void> {
    const set: Partial<JobRecord> =
      state === 'enqueued'
        ? { state, dueAt: now }
        : { state, finishedAt: now, expireAt: new Date(now.getTime() + this.retention.deletedMs) };
    await guard('release continuations', () =>
      this.jobs.updateMany(
        { _id: { $in: children.map((child) => child._id) }, state: 'awaiting' },
        {
          $set: set,
          ...(state === 'deleted' ? { $unset: { activeUniqueKey: '' } } : {}),
          $push: historyPush({ state, at: now, reason }),
        },
      ),
    );
  }
}

function describe(child: Child, state: 'enqueued' | 'deleted'): ReleasedContinuation {
  return { jobId: child._id, jobType: child.type, queue: child.queue, state };
}
