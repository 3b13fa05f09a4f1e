import type { Clock } from './clock';

/** Added to a due-time wake-up so that the job is due when the server looks. */
const MARGIN_MS = 3;
/** Announcements further ahead are left to polling (they would only hold memory). */
const HORIZON_MS = 3_600_000;
/** At most this many distinct due times are remembered; later ones are left to polling. */
const MAX_PENDING = 10_000;

/**
 * Wakes a server when jobs it heard of in this process become due (delayed jobs, retries,
 * recurring occurrences stored ahead), saying how many: such jobs start on time, without
 * waiting for a poll, and a hundred jobs due at one instant are claimed as a batch.
 */
export class DueWake {
  /** Announced jobs by due time (ms), and the one timer for the earliest. */
  private readonly pending = new Map<number, number>();
  private next: { at: number; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly wake: (count: number) => void,
  ) {}

  /** Announces `count` jobs due at `dueAt`: wakes at once if they are due, else at their time. */
  at(dueAt: Date, count = 1): void {
    const at = dueAt.getTime();
    const delay = at - this.clock.now().getTime();
    if (delay <= 0) {
      this.wake(count);
      return;
    }
    if (delay > HORIZON_MS) return;
    const pending = this.pending.get(at);
    if (pending === undefined && this.pending.size >= MAX_PENDING) return;
    this.pending.set(at, (pending ?? 0) + count);
    if (!this.next || at < this.next.at) this.arm(at);
  }

  /** Cancels every pending wake-up. */
  clear(): void {
    if (this.next) clearTimeout(this.next.timer);
    this.next = undefined;
    this.pending.clear();
  }

  private arm(at: number): void {
    if (this.next) clearTimeout(this.next.timer);
    // libuv counts timers from its cached loop time, which can lag the clock by a few ms:
    // a timer set for exactly the due time could fire before the job is due.
    const delay = Math.max(0, at - this.clock.now().getTime()) + MARGIN_MS;
    const timer = setTimeout(() => this.fire(), delay);
    timer.unref();
    this.next = { at, timer };
  }

  private fire(): void {
    this.next = undefined;
    const now = this.clock.now().getTime();
    let due = 0;
    let earliest = Infinity;
    for (const [at, count] of this.pending) {
      if (at <= now) {
        due += count;
        this.pending.delete(at);
      } else if (at < earliest) {
        earliest = at;
      }
    }
    if (earliest !== Infinity) this.arm(earliest);
    if (due > 0) this.wake(due);
  }
}
