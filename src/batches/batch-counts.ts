import type { EventBus } from '../events/event-bus';
import type { Clock } from '../server/clock';
import type { BatchFinishes } from '../storage/batch-store';
import type { JobStore } from '../storage/job-store';
import { countBatchFinishes, type BatchItemOutcome } from './batch-lifecycle';

/** Finishes of one batch waiting for their write, and the callers waiting on it. */
interface Pending {
  readonly finishes: BatchFinishes;
  readonly waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

/**
 * A server's counts of finished batch jobs, one write per batch at a time: the first finish
 * is written at once, and those that come while it is on its way are added together and
 * written by the next one. At most one write per finished job, fewer under load (20 jobs
 * finishing together cost one or two).
 */
export class BatchCounts {
  private readonly pending = new Map<string, Pending>();
  private readonly writing = new Set<string>();

  constructor(
    private readonly deps: {
      readonly store: JobStore;
      readonly events: EventBus;
      readonly clock: Clock;
    },
  ) {}

  /**
   * Counts one finished job in its batch; resolves once the count is written (and the batch
   * ended, when it made it end).
   * @throws what the write (or the end) threw: the recovery sweep checks idle batches.
   */
  add(batchId: string, outcome: BatchItemOutcome): Promise<void> {
    let entry = this.pending.get(batchId);
    if (!entry) {
      entry = { finishes: { succeeded: 0, failed: 0, deleted: 0 }, waiters: [] };
      this.pending.set(batchId, entry);
    }
    entry.finishes[outcome]++;
    const written = new Promise<void>((resolve, reject) => entry.waiters.push({ resolve, reject }));
    if (!this.writing.has(batchId)) void this.write(batchId);
    return written;
  }

  private async write(batchId: string): Promise<void> {
    this.writing.add(batchId);
    const { store, events, clock } = this.deps;
    for (let entry = this.pending.get(batchId); entry; entry = this.pending.get(batchId)) {
      this.pending.delete(batchId);
      try {
        await countBatchFinishes(store, events, batchId, entry.finishes, clock.now());
        for (const waiter of entry.waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of entry.waiters) waiter.reject(error);
      }
    }
    this.writing.delete(batchId);
  }
}
