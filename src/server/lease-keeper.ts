import type { JobLease, JobStore, LostLease } from '../storage/job-store';
import { RequestGate } from './time-limit';

/**
 * Why a server no longer holds a lease: the job was `deleted`, another claim `taken` it
 * (its fence moved on, or recovery re-enqueued it), or its local deadline `expired`: no
 * renewal was confirmed in time, so the server can no longer prove it owns the job.
 */
export type LeaseLoss = 'deleted' | 'taken' | 'expired';

/** What a {@link LeaseKeeper} needs from its server. */
export interface LeaseKeeperDeps {
  readonly store: Pick<JobStore, 'extendLeases'>;
  readonly leaseMs: number;
  /** Longest wait for one renewal (the heartbeat interval: the next one must not be held up). */
  readonly renewTimeoutMs: number;
  /** Called once per lease lost, with the key it was tracked under. */
  readonly onLost: (key: string, loss: LeaseLoss) => void;
}

/** The key an attempt is tracked under: a paused attempt and its takeover may both run here. */
export function leaseKey(lease: JobLease): string {
  return `${lease.jobId}#${lease.fence}`;
}

/**
 * The leases of a server's running attempts: renews them together (one round trip per heartbeat)
 * and keeps a local deadline per lease (docs/design.md, guarantee 8). MongoDB makes a lease last
 * `leaseMs` from its own time when it handles the claim or renewal, which is no earlier than the
 * local time `t` the request was sent: the lease lasts at least `leaseMs` after `t`, whatever the
 * clocks say. The deadline is that, less a margin, measured on the local monotonic clock (no
 * wall-clock jump moves it). Past it, the server can no longer prove that it owns the job (renewals
 * failed, or hung) and the attempt is reported lost before another server may take the job over.
 */
export class LeaseKeeper {
  private readonly held = new Map<string, { lease: JobLease; deadline: number }>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  /** A renewal that timed out may still be queued at the server: one more is sent, no more. */
  private readonly renewals = new RequestGate(2);
  /** How long before the lease could expire the server gives up on it (10%). */
  readonly marginMs: number;

  constructor(private readonly deps: LeaseKeeperDeps) {
    this.marginMs = Math.max(1, Math.round(deps.leaseMs / 10));
  }

  /** Tracks a claimed lease; `grantedAt` is when the claim was sent (`performance.now()`). */
  track(key: string, lease: JobLease, grantedAt: number): void {
    const deadline = grantedAt + this.deps.leaseMs - this.marginMs;
    this.held.set(key, { lease, deadline });
    this.arm(deadline);
  }

  /** Stops tracking a lease (its attempt ended). */
  untrack(key: string): void {
    this.held.delete(key);
  }

  /**
   * Renews every tracked lease in one round trip and reports those the store says are gone.
   * Waits at most `renewTimeoutMs` (then rejects: a hung renewal must not hold up the next),
   * but an answer that comes later still counts: it proves the leases were held when the
   * request was sent. A renewal that fails moves no deadline. While two renewals await their
   * answer, none is sent: requests piling up would only slow a struggling server further.
   */
  async renew(): Promise<void> {
    if (this.held.size === 0) return;
    const entries = [...this.held];
    const sentAt = performance.now();
    await this.renewals.send(
      async () => {
        const lost = await this.deps.store.extendLeases(
          entries.map(([, entry]) => entry.lease),
          this.deps.leaseMs,
        );
        this.apply(entries, sentAt, lost);
      },
      this.deps.renewTimeoutMs,
      'renew leases',
    );
  }

  /** Stops tracking everything and cancels the deadline timer. */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.held.clear();
  }

  private apply(
    entries: Array<[string, { lease: JobLease; deadline: number }]>,
    sentAt: number,
    lost: readonly LostLease[],
  ): void {
    const lostByKey = new Map(lost.map((lease) => [leaseKey(lease), lease]));
    for (const [key, entry] of entries) {
      // Ended, or expired locally, while the renewal was in flight.
      if (this.held.get(key) !== entry) continue;
      const gone = lostByKey.get(key);
      if (gone) {
        this.held.delete(key);
        this.deps.onLost(key, gone.state === 'deleted' ? 'deleted' : 'taken');
      } else {
        // An older answer arriving late never moves a deadline back.
        entry.deadline = Math.max(entry.deadline, sentAt + this.deps.leaseMs - this.marginMs);
      }
    }
  }

  /**
   * One timer, for the earliest deadline known when it was set. Renewals move deadlines
   * later without re-arming: the timer then fires early, finds nothing due and re-arms.
   */
  private arm(at: number): void {
    if (at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.expire(), Math.max(0, at - performance.now()));
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [key, entry] of [...this.held]) {
      if (entry.deadline <= now) {
        this.held.delete(key);
        this.deps.onLost(key, 'expired');
      } else {
        next = Math.min(next, entry.deadline);
      }
    }
    if (next !== Infinity) this.arm(next);
  }
}
