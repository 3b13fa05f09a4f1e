import type { EventBus } from '../events/event-bus';
import { announceReleased } from '../scheduler/release-continuations';
import type { BatchFinishes, EndedBatch } from '../storage/batch-store';
import type { JobStore } from '../storage/job-store';

/** How a job (or a nested batch) ended, as its batch counts it. */
export type BatchItemOutcome = 'succeeded' | 'failed' | 'deleted';

/**
 * Counts finished jobs (or nested batches) in their batch: one write, whatever their number.
 * When that makes the whole batch finished, ends it (see {@link afterBatchEnded}).
 */
export async function countBatchFinishes(
  store: JobStore,
  events: EventBus,
  batchId: string,
  finishes: BatchFinishes,
  now: Date,
): Promise<void> {
  const ended = await store.jobBatches.count(batchId, finishes, now);
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
  announceReleased(events, released, now);
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
    await countBatchFinishes(store, events, batch.parentBatchId, finishesOf(outcome), now);
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

/** `count` finishes of one outcome. */
export function finishesOf(outcome: BatchItemOutcome, count = 1): BatchFinishes {
  return {
    succeeded: outcome === 'succeeded' ? count : 0,
    failed: outcome === 'failed' ? count : 0,
    deleted: outcome === 'deleted' ? count : 0,
  };
}
