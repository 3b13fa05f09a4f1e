import type {
  AttemptOutcome,
  FinishEntry,
  FinishResult,
  JobLease,
  JobStore,
} from '../storage/job-store';

interface Pending {
  readonly entry: FinishEntry;
  readonly resolve: (result: FinishResult | null) => void;
  readonly reject: (error: unknown) => void;
}

/** The most outcomes one flush writes. */
const MAX_BATCH = 500;

/**
 * Group commit for outcomes: outcomes recorded in the same turn of the event loop, or while
 * a previous write is in flight, are written together (`finishMany`: two round trips for the
 * whole group); a lone outcome is written alone (`finish`: one round trip). No timer delays
 * a write, so latency does not grow when the server is quiet.
 */
export class CompletionBatcher {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly store: JobStore) {}

  /** Records an outcome; resolves as `JobStore.finish` does. */
  finish(
    lease: JobLease,
    outcome: AttemptOutcome,
    serverId: string,
    now: Date,
  ): Promise<FinishResult | null> {
    return new Promise((resolve, reject) => {
      this.pending.push({ entry: { lease, outcome, serverId, now }, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        const results =
          batch.length === 1
            ? [await this.finishOne(batch[0].entry)]
            : await this.store.finishMany(batch.map((p) => p.entry));
        batch.forEach((p, i) => p.resolve(results[i]));
      } catch (error) {
        batch.forEach((p) => p.reject(error));
      }
    }
    this.flushing = undefined;
  }

  private finishOne({ lease, outcome, serverId, now }: FinishEntry): Promise<FinishResult | null> {
    return this.store.finish(lease, outcome, serverId, now);
  }
}
