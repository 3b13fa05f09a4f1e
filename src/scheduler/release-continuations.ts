import type { EventBus } from '../events/event-bus';
import type { JobState } from '../storage/job-record';
import type { JobStore } from '../storage/job-store';

/**
 * Releases (or cancels) the continuations of a finished parent and tells this process's
 * servers about the ones that became due, so they start without waiting for a poll.
 */
export async function releaseContinuations(
  store: JobStore,
  events: EventBus,
  parentId: string,
  parentState: JobState,
  now: Date,
): Promise<void> {
  const released = await store.resolveContinuations(parentId, parentState, now);
  for (const child of released) {
    const base = { jobId: child.jobId, jobType: child.jobType, queue: child.queue };
    if (child.state === 'enqueued') events.emit('job.enqueued', { ...base, dueAt: now });
    else events.emit('job.deleted', { ...base, wasRunning: false });
  }
}
