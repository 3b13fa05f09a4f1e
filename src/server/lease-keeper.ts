import type { JobLease, JobStore, LostLease } from '../storage/job-store';
import { RequestGate, withTimeLimit } from './time-limit';

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

/** A lease the keeper renews; `onHold` while its attempt's transaction runs (see `hold`). */
interface HeldLease {
  readonly lease: JobLease;
  deadline: number;
  onHold: boolean;
  /** The hold's own renewal landed: the transaction had the whole window. */
  renewedAtHold: boolean;
  /** The heartbeat renewed it while on hold after a full window (the transaction outlasted it). */
  renewedOnHold: boolean;
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
  private readonly held = new Map<string, HeldLease>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  /** A renewal that timed out may still be queued at the server: one more is sent, no more. */
  private readonly renewals = new RequestGate(2);
  /** How long before the lease could expire the server gives up on it (10%). */
  readonly marginMs: number;

  constructor(private readonly deps: LeaseKeeperDeps) {
    this.marginMs = Math.max(1, Math.round(deps.leaseMs / 10));
  }

  /** How long a lease on hold lasts, at least, before the heartbeat must renew it. */
  get holdWindowMs(): number {
    return Math.max(0, this.deps.leaseMs - this.marginMs - 2 * this.deps.renewTimeoutMs);
  }

  /** Tracks a claimed lease; `grantedAt` is when the claim was sent (`performance.now()`). */
  track(key: string, lease: JobLease, grantedAt: number): void {
    const deadline = grantedAt + this.deps.leaseMs - this.marginMs;
    this.held.set(key, {
      lease,
      deadline,
      onHold: false,
      renewedAtHold: false,
      renewedOnHold: false,
    });
    this.arm(deadline);
  }

  /**
   * Renews one lease now and leaves it out of the heartbeat's renewals until {@link resume}:
   * its attempt's transaction is about to write the job, and a renewal landing meanwhile would
   * make that write conflict, and the transaction start over, at every heartbeat. A lease on
   * hold is still renewed by the heartbeat once its deadline is two renewal timeouts away:
   * the server never gives up a lease it could keep (the transaction then starts over).
   * Resolves true when that happened although the previous hold of this lease began with a
   * renewal: its transaction had the whole {@link holdWindowMs}. A renewal that fails, or has
   * no answer within the renewal timeout, leaves the deadline as it was (its late answer still
   * counts), and the hold goes on: the lease is held until that deadline anyway.
   */
  async hold(key: string): Promise<boolean> {
    const entry = this.held.get(key);
    if (!entry) return false;
    const broken = entry.renewedOnHold;
    entry.onHold = true;
    entry.renewedOnHold = false;
    entry.renewedAtHold = false;
    const sentAt = performance.now();
    const renewal = this.deps.store.extendLeases([entry.lease], this.deps.leaseMs).then((lost) => {
      this.apply([[key, entry]], sentAt, lost);
      entry.renewedAtHold = !lost.length;
    });
    await withTimeLimit(renewal, this.deps.renewTimeoutMs, 'renew a lease').catch(() => undefined);
    return broken;
  }

  /** The heartbeat renews this lease again (its attempt's transaction ended). */
  resume(key: string): void {
    const entry = this.held.get(key);
    if (entry) entry.onHold = entry.renewedOnHold = false;
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
   * Leases on hold are left out until their last chance (see {@link hold}).
   */
  async renew(): Promise<void> {
    const sentAt = performance.now();
    const lastChance = sentAt + 2 * this.deps.renewTimeoutMs;
    const entries = [...this.held].filter(([, e]) => !e.onHold || e.deadline <= lastChance);
    if (entries.length === 0) return;
    await this.renewals.send(
      async () => {
        for (const [, e] of entries) if (e.onHold && e.renewedAtHold) e.renewedOnHold = true;
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

  /** Applies a renewal's answer: `lost` leases are reported, the others last from `sentAt`. */
  private apply(
    entries: Array<[string, HeldLease]>,
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
