import type { Timestamp } from 'bson';
import { CommandFailure } from '../command-types';
import type { Transaction } from './transaction';
import type { TransactionRegistry } from './transaction-registry';

/** mongod's `minSnapshotHistoryWindowInSeconds` default, in milliseconds. */
export const SNAPSHOT_HISTORY_WINDOW_MS = 300_000;
/** How many snapshots the stand-in keeps at most (the oldest go first). */
const MAX_RETAINED_SNAPSHOTS = 16;

interface RetainedSnapshot {
  readonly view: Transaction;
  readonly retainedAt: number;
}

/**
 * Reads at a snapshot (`readConcern: { level: 'snapshot' }` outside a transaction) at a
 * cluster time earlier than the latest write, as a snapshot session's later reads are:
 * mongod serves them from its history of versions. The stand-in keeps no such history;
 * instead, each snapshot read at the latest time keeps that snapshot (a read-only view
 * whose collections are copied before any later change, as an open transaction's are) for
 * mongod's history window, and a later read at that time reads it. A read at any other
 * earlier time, or past the window, fails with 239 SnapshotTooOld, as a read before the
 * oldest version mongod still holds does.
 */
export class ReadSnapshots {
  private readonly retained = new Map<string, RetainedSnapshot>();

  constructor(
    private readonly transactions: TransactionRegistry,
    private readonly now: () => number = Date.now,
    private readonly windowMs = SNAPSHOT_HISTORY_WINDOW_MS,
  ) {}

  /**
   * What a snapshot read at `at` reads: the store as it is (undefined) when `at` is the
   * latest write's time, which is then kept; else the view kept at `at`.
   * @throws CommandFailure 239 SnapshotTooOld for an earlier time that is not kept.
   */
  viewAt(at: Timestamp, latest: Timestamp): Transaction | undefined {
    this.forgetExpired();
    const key = at.toString();
    if (at.equals(latest)) {
      if (!this.retained.has(key)) this.keep(key);
      return undefined;
    }
    const kept = this.retained.get(key);
    if (!kept) {
      throw new CommandFailure(
        239,
        'SnapshotTooOld',
        `Read timestamp ${at.toString()} is older than the oldest available timestamp: the stand-in keeps only the snapshots it answered snapshot reads at, for ${this.windowMs / 1000} s`,
      );
    }
    return kept.view;
  }

  /** How many snapshots are kept. */
  get size(): number {
    return this.retained.size;
  }

  private keep(key: string): void {
    this.retained.set(key, { view: this.transactions.retainSnapshot(), retainedAt: this.now() });
    while (this.retained.size > MAX_RETAINED_SNAPSHOTS) {
      const [oldest] = this.retained.keys();
      this.forget(oldest);
    }
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [key, { retainedAt }] of this.retained) {
      if (now - retainedAt >= this.windowMs) this.forget(key);
    }
  }

  private forget(key: string): void {
    this.retained.get(key)?.view.abort();
    this.retained.delete(key);
  }
}
