import { withTimeLimit } from './time-limit';

/** Options of {@link Cleanups.every}. */
export interface PeriodicTaskOptions {
  /**
   * A run still unsettled after this long is reported as failed and no longer waited for
   * (the next run is not held up by a hung call). @defaultValue no limit
   */
  readonly timeoutMs?: number;
}

/**
 * Releasers registered when a resource is acquired (listeners, timers, streams), run in
 * reverse order at stop: every step runs, and a failing step is reported (and returned),
 * not thrown.
 */
export class Cleanups {
  private readonly steps: Array<{ name: string; run: () => void | Promise<void> }> = [];

  constructor(private readonly report: (error: unknown, context: string) => void) {}

  /** Registers a releaser. */
  add(name: string, run: () => void | Promise<void>): void {
    this.steps.push({ name, run });
  }

  /**
   * Runs `task` every `ms`, never overlapping itself (a run that takes longer delays the
   * next), until the cleanups run. Its releaser waits for a run in progress: what the run
   * does must not race what is released after it (an entry it would write back, a client
   * about to close).
   */
  every(
    name: string,
    ms: number,
    task: () => Promise<void>,
    options: PeriodicTaskOptions = {},
  ): void {
    let timer: NodeJS.Timeout | undefined;
    let current: Promise<void> | undefined;
    let stopped = false;
    const schedule = (delay: number): void => {
      timer = setTimeout(tick, delay);
    };
    const tick = (): void => {
      const startedAt = performance.now();
      const run = Promise.resolve().then(task);
      const limited =
        options.timeoutMs === undefined
          ? run
          : withTimeLimit(run, options.timeoutMs, `finish the ${name}`);
      current = limited
        .catch((error: unknown) => this.report(error, `${name} failed`))
        .finally(() => {
          current = undefined;
          if (!stopped) schedule(Math.max(0, ms - (performance.now() - startedAt)));
        });
    };
    schedule(ms);
    this.add(`${name} timer`, async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    });
  }

  /** Runs every releaser, last registered first; returns the errors of those that failed. */
  async runAll(): Promise<unknown[]> {
    const errors: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      const error = await this.run(step.name, step.run);
      if (error !== undefined) errors.push(error);
    }
    return errors;
  }

  /** Runs one step, reporting its failure; returns the error, or undefined when it succeeded. */
  async run(name: string, step: () => void | Promise<void>): Promise<unknown> {
    try {
      await step();
      return undefined;
    } catch (error) {
      this.report(error, `stopping: ${name} failed`);
      return error ?? new Error(`${name} failed`);
    }
  }
}
