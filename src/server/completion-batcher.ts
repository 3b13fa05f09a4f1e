import { setTimeout as sleep } from 'node:timers/promises';
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

/** Wait before the first retry of a write that failed transiently; it doubles up to the max. */
const FIRST_RETRY_DELAY_MS = 20;
const MAX_RETRY_DELAY_MS = 1_000;

/**
 * Group commit for outcomes: outcomes recorded in the same turn of the event loop, or while
 * a previous write is in flight, are written together (`finishMany`: one or two round trips
 * for the whole group); a lone outcome is written alone (`finish`: one round trip). No timer
 * delays a write, so latency does not grow when the server is quiet.
 *
 * A write that fails transiently (a lost connection, a failover) is tried again with a short
 * backoff for up to `retryForMs` (the lease's length: the heartbeat keeps the lease while the
 * job waits for its outcome). That is safe: outcome writes are fenced, and the store reports
 * an outcome an earlier try recorded as recorded. Without it, the lease would expire and the
 * job would run again although it finished.
 */
export class CompletionBatcher {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly retryForMs: number,
  ) {}

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
        const results = await this.write(batch.map((p) => p.entry));
        batch.forEach((p, i) => p.resolve(results[i]));
      } catch (error) {
        batch.forEach((p) => p.reject(error));
      }
    }
    this.flushing = undefined;
  }

  /** Writes the entries, trying again while the failure is transient and time is left. */
  private async write(entries: readonly FinishEntry[]): Promise<Array<FinishResult | null>> {
    const deadline = performance.now() + this.retryForMs;
    for (let delay = FIRST_RETRY_DELAY_MS; ; delay = Math.min(2 * delay, MAX_RETRY_DELAY_MS)) {
      try {
        return entries.length === 1
          ? [await this.finishOne(entries[0])]
          : await this.store.finishMany(entries);
      } catch (error) {
        if (!this.store.isTransient(error) || performance.now() + delay > deadline) throw error;
      }
      await sleep(delay);
    }
  }

  private finishOne({ lease, outcome, serverId, now }: FinishEntry): Promise<FinishResult | null> {
    return this.store.finish(lease, outcome, serverId, now);
  }
}
