import type { EventBus } from '../events/event-bus';
import { sweepBatches } from '../batches/batch-lifecycle';
import { releaseContinuations } from '../scheduler/release-continuations';
import type { JobStore } from '../storage/job-store';
import type { Clock } from './clock';

/** How many finished parents one sweep resolves at most. */
const PARENTS_PER_SWEEP = 100;

/**
 * The recovery sweep every server runs: re-enqueues jobs whose lease expired (their worker
 * died); resolves the continuations of parents whose worker died between recording the
 * outcome and releasing them; sweeps the batches (creations left halfway, started batches
 * idle for a lease whose counts may have been lost, ended ones not resolved). Returns
 * how many jobs were re-enqueued. Whether a lease expired is decided by the database's
 * clock; `clock` only dates the history entries.
 */
export async function recoverAbandonedWork(
  { store, events, clock }: { store: JobStore; events: EventBus; clock: Clock },
  { leaseMs, recoveryIntervalMs }: { leaseMs: number; recoveryIntervalMs: number },
): Promise<number> {
  // A batch without a count for a lease (or a sweep interval) is checked: a count lost with
  // its worker would otherwise leave it open.
  const batchIdleMs = Math.max(leaseMs, recoveryIntervalMs);
  const recovered = await store.recoverExpired(clock.now());
  for (const parent of await store.findUnresolvedParents(PARENTS_PER_SWEEP)) {
    await releaseContinuations(store, events, parent._id, parent.state, clock.now());
  }
  await sweepBatches(store, events, clock.now(), batchIdleMs);
  return recovered;
}
