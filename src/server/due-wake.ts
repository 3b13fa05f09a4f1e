import type { Clock } from './clock';

/** Added to a due-time wake-up so that the job is due when the server looks. */
const MARGIN_MS = 3;
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One timer that wakes a server when the earliest job it heard of in this process becomes
 * due (a delayed job, a retry): such jobs start on time without waiting for a poll.
 */
export class DueWake {
  private next: { at: number; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly wake: () => void,
  ) {}

  /** Wakes at once if `dueAt` has passed, else at `dueAt` unless an earlier wake is set. */
  at(dueAt: Date): void {
    const at = dueAt.getTime();
    const delay = at - this.clock.now().getTime();
    if (delay <= 0) {
      this.wake();
      return;
    }
    if (this.next && this.next.at <= at) return;
    if (this.next) clearTimeout(this.next.timer);
    const timer = setTimeout(
      () => {
        this.next = undefined;
        this.wake();
      },
      // libuv counts timers from its cached loop time, which can lag the clock by a few ms:
      // a timer set for exactly the due time could fire before the job is due.
      Math.min(delay + MARGIN_MS, MAX_TIMER_MS),
    );
    timer.unref();
    this.next = { at, timer };
  }

  /** Cancels the pending wake-up. */
  clear(): void {
    if (this.next) clearTimeout(this.next.timer);
    this.next = undefined;
  }
}
