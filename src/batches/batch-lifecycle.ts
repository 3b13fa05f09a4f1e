import type { EventBus } from '../events/event-bus';
import type { BatchFinishes, EndedBatch } from '../storage/batch-store';
import type { JobStore } from '../storage/job-store';

/** How a job (or a nested batch) ended, as its batch counts it. */
export type BatchItemOutcome = 'succeeded' | 'failed' | 'deleted';

/**
 * Counts one finished job (or nested batch) in its batch: one write. When that makes the
 * whole batch finished, ends it (see {@link afterBatchEnded}).
 */
export async function countBatchFinish(
  store: JobStore,
  events: EventBus,
  batchId: string,
  outcome: BatchItemOutcome,
  now: Date,
): Promise<void> {
  const ended = await store.jobBatches.count(batchId, finishesOf(outcome), now);
  if (ended) await afterBatchEnded(store, events, ended, now);
}

/**
 * What follows the end of a batch: the release (or deletion) of its continuations, its
 * `batch.ended` event, then its count in the batch it is nested in, which may end that one too.
 * Its ender and the recovery sweep may both get here (the sweep finds the batch before the
 * ender marked its continuations resolved, or after a continuation was added to it): the
 * event and the count come from the one that claims them, so the parent counts it once.
 */
export async function afterBatchEnded(
  store: JobStore,
  events: EventBus,
  batch: EndedBatch,
  now: Date,
): Promise<void> {
  const released = await store.jobBatches.resolveContinuations(batch, now);
  const enqueued = released.filter((child) => child.state === 'enqueued');
  if (enqueued.length > 0) {
    await store.announce(
      enqueued.map((child) => ({
        _id: child.jobId,
        queue: child.queue,
        dueAt: now,
        state: 'enqueued',
      })),
    );
  }
  for (const child of released) {
    const base = { jobId: child.jobId, jobType: child.jobType, queue: child.queue };
    if (child.state === 'enqueued') events.emit('job.enqueued', { ...base, dueAt: now });
    else events.emit('job.deleted', { ...base, wasRunning: false });
  }
  // A claim lost with a crash before the count is recovered by the parent's idle check, which
  // counts its items from storage.
  if (!(await store.jobBatches.claimEndNotice(batch.id))) return;
  events.emit('batch.ended', {
    batchId: batch.id,
    state: batch.state,
    parentBatchId: batch.parentBatchId,
  });
  if (batch.parentBatchId !== null) {
    const outcome: BatchItemOutcome =
      batch.state === 'succeeded' ? 'succeeded' : batch.state === 'finished' ? 'failed' : 'deleted';
    await countBatchFinish(store, events, batch.parentBatchId, outcome, now);
  }
}

/**
 * The recovery sweep's part for batches: creations left halfway finished or removed, started
 * batches idle for `idleMs` checked (a count lost with its worker), and ended batches whose
 * continuations were not resolved, resolved.
 */
export async function sweepBatches(
  store: JobStore,
  events: EventBus,
  now: Date,
  idleMs: number,
): Promise<void> {
  for (const batch of await store.jobBatches.sweep(now, idleMs)) {
    await afterBatchEnded(store, events, batch, now);
  }
}

function finishesOf(outcome: BatchItemOutcome): BatchFinishes {
  return {
    succeeded: outcome === 'succeeded' ? 1 : 0,
    failed: outcome === 'failed' ? 1 : 0,
    deleted: outcome === 'deleted' ? 1 : 0,
  };
}
