/**
 * Releasers registered when a resource is acquired (listeners, timers, streams), run in
 * reverse order at stop: every step runs, and a failing step is reported, not thrown.
 */
export class Cleanups {
  private readonly steps: Array<{ name: string; run: () => void | Promise<void> }> = [];

  constructor(private readonly report: (error: unknown, context: string) => void) {}

  /** Registers a releaser. */
  add(name: string, run: () => void | Promise<void>): void {
    this.steps.push({ name, run });
  }

  /** Runs `task` every `ms` without overlapping itself, until the cleanups run. */
  every(name: string, ms: number, task: () => Promise<void>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      task()
        .catch((error: unknown) => this.report(error, `${name} failed`))
        .finally(() => (busy = false));
    }, ms);
    this.add(`${name} timer`, () => clearInterval(timer));
  }

  /** Runs every releaser, last registered first. */
  async runAll(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await this.run(step.name, step.run);
  }

  /** Runs one step, reporting its failure. */
  async run(name: string, step: () => void | Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.report(error, `stopping: ${name} failed`);
    }
  }
}
