import type { EventBus } from '../events/event-bus';
import { FINISHED_STATES, type JobRecord } from '../storage/job-record';
import type { JobStore } from '../storage/job-store';
import { countBatchFinish } from '../batches/batch-lifecycle';
import { releaseContinuations } from './release-continuations';

/** What a deletion needs to know of the job as it was just before. */
export type DeletedJob = Pick<
  JobRecord,
  '_id' | 'type' | 'queue' | 'state' | 'hasContinuations' | 'continuationsResolved' | 'batchId'
>;

/**
 * What follows a deletion in this process, for one job or many alike: the `job.deleted`
 * event (a server of this process running the job aborts it at once; others see their lease
 * lost at their next heartbeat), then its continuations. An unfinished job's are resolved as
 * for a deleted parent; a finished job's were resolved when it finished, unless its worker
 * stopped in between: they are resolved now as that finish said (a succeeded parent's run).
 * An unfinished job of a batch counts as deleted in it.
 */
export async function afterDeletion(
  store: JobStore,
  events: EventBus,
  before: DeletedJob,
  now: Date,
): Promise<void> {
  events.emit('job.deleted', {
    jobId: before._id,
    jobType: before.type,
    queue: before.queue,
    wasRunning: before.state === 'processing',
  });
  if (before.batchId !== undefined && !FINISHED_STATES.includes(before.state)) {
    await countBatchFinish(store, events, before.batchId, 'deleted', now);
  }
  if (before.hasContinuations !== true) return;
  if (!FINISHED_STATES.includes(before.state)) {
    await releaseContinuations(store, events, before._id, 'deleted', now);
  } else if (before.continuationsResolved !== true) {
    await releaseContinuations(store, events, before._id, before.state, now);
  }
}
