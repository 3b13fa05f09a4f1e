/** A time window in which a process did not run (ms since the epoch). */
export interface Stall {
  readonly from: number;
  readonly to: number;
}

/**
 * Watches this process's event loop: a timer tick that comes more than `thresholdMs` late
 * means the process did not run for that long (starved by a loaded machine, frozen, or
 * busy). Such a stall can cost a lease as a SIGSTOP does (renewals are timed out after a
 * heartbeat interval); the suite records them so that it does not blame Docket for what the
 * machine did.
 */
export class StallMonitor {
  private readonly stalls: Stall[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onStall: (stall: Stall) => void = () => undefined,
    private readonly thresholdMs = 400,
    private readonly intervalMs = 100,
  ) {}

  start(): this {
    let last = Date.now();
    this.timer = setInterval(() => {
      const now = Date.now();
      if (now - last > this.intervalMs + this.thresholdMs) {
        const stall = { from: last, to: now };
        this.stalls.push(stall);
        this.onStall(stall);
      }
      last = now;
    }, this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Stalls that ended after `since`. */
  after(since: number): Stall[] {
    return this.stalls.filter((stall) => stall.to >= since);
  }
}
