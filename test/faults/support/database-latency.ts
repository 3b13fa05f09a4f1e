import type { MongoClient } from 'mongodb';
import type { Stall } from './stall-monitor';

/**
 * Pings the database every `intervalMs` on a connection of its own, and records when an
 * answer took `thresholdMs` or more: a stand-in starved by a loaded machine (or a busy
 * server) answers every worker that late too, and renewals that late (servers time them out
 * after a heartbeat interval) may cost a lease without any fault of Docket's.
 */
export class DatabaseLatencyMonitor {
  private readonly slow: Stall[] = [];
  private running = true;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly client: MongoClient,
    private readonly onSlow: (stall: Stall) => void = () => undefined,
    private readonly thresholdMs = 250,
    private readonly intervalMs = 100,
  ) {}

  start(): this {
    this.loop = this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Slow answers that ended after `since`. */
  after(since: number): Stall[] {
    return this.slow.filter((stall) => stall.to >= since);
  }

  private async run(): Promise<void> {
    const admin = this.client.db('admin');
    while (this.running) {
      const from = Date.now();
      // Any member answers: a step-down leaves no primary for a while, which is a fault the
      // suite injects (and logs), not a slow database.
      await admin.command({ ping: 1 }, { readPreference: 'nearest' }).catch(() => undefined);
      const to = Date.now();
      if (to - from >= this.thresholdMs) {
        const stall = { from, to };
        this.slow.push(stall);
        this.onSlow(stall);
      }
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }
}
