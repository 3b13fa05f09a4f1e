import type { EventBus } from '../events/event-bus';
import { FINISHED_STATES, type JobRecord } from '../storage/job-record';
import type { JobStore } from '../storage/job-store';
import { countBatchFinishes, finishesOf } from '../batches/batch-lifecycle';
import { releaseContinuations } from './release-continuations';

/** What a deletion needs to know of the job as it was just before. */
export type DeletedJob = Pick<
  JobRecord,
  '_id' | 'type' | 'queue' | 'state' | 'hasContinuations' | 'continuationsResolved' | 'batchId'
>;

/**
 * What follows deletions in this process, for one job or many alike: each job's
 * `job.deleted` event (a server of this process running the job aborts it at once; others
 * see their lease lost at their next heartbeat), then its continuations. An unfinished job's
 * are resolved as for a deleted parent; a finished job's were resolved when it finished,
 * unless its worker stopped in between: they are resolved now as that finish said (a
 * succeeded parent's run). Unfinished jobs of a batch count as deleted in it: one write per
 * batch, however many of its jobs were deleted.
 */
export async function afterDeletions(
  store: JobStore,
  events: EventBus,
  deleted: readonly DeletedJob[],
  now: Date,
): Promise<void> {
  const perBatch = new Map<string, number>();
  for (const before of deleted) {
    events.emit('job.deleted', {
      jobId: before._id,
      jobType: before.type,
      queue: before.queue,
      wasRunning: before.state === 'processing',
    });
    const finished = FINISHED_STATES.includes(before.state);
    if (before.batchId !== undefined && !finished) {
      perBatch.set(before.batchId, (perBatch.get(before.batchId) ?? 0) + 1);
    }
    if (before.hasContinuations !== true) continue;
    if (!finished) {
      await releaseContinuations(store, events, before._id, 'deleted', now);
    } else if (before.continuationsResolved !== true) {
      await releaseContinuations(store, events, before._id, before.state, now);
    }
  }
  for (const [batchId, count] of perBatch) {
    await countBatchFinishes(store, events, batchId, finishesOf('deleted', count), now);
  }
}
