/**
 * Lets a loop sleep until a deadline or until something wakes it. A wake with no sleeper is
 * remembered, so a wake that races the start of a sleep is never lost.
 */
export class WakeSignal {
  private pending = false;
  private wakeSleeper: (() => void) | undefined;

  /** Wakes the current sleeper, or the next one if none sleeps now. */
  wake(): void {
    if (this.wakeSleeper) this.wakeSleeper();
    else this.pending = true;
  }

  /** Resolves after `ms` (never, if Infinity) or at the next {@link wake}, whichever is first. */
  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
      if (Number.isFinite(ms)) timer = setTimeout(done, ms);
      this.wakeSleeper = done;
    });
  }
}
