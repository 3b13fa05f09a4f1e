import type { EventBus } from '../events/event-bus';
import type { JobState } from '../storage/job-record';
import type { JobStore, ReleasedContinuation } from '../storage/job-store';

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
  announceReleased(events, await store.resolveContinuations(parentId, parentState, now), now);
}

/**
 * Tells this process's servers about released continuations (of a job or of a batch): the
 * enqueued ones start without waiting for a poll, and the deleted ones are reported.
 */
export function announceReleased(
  events: EventBus,
  released: readonly ReleasedContinuation[],
  now: Date,
): void {
  for (const child of released) {
    const base = { jobId: child.jobId, jobType: child.jobType, queue: child.queue };
    if (child.state === 'enqueued') events.emit('job.enqueued', { ...base, dueAt: now });
    else events.emit('job.deleted', { ...base, wasRunning: false });
  }
}
