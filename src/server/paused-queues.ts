import type { QueueStateSource } from './job-server-deps';

/** A server's view of which queues are paused: set at once locally, refreshed from storage. */
export class PausedQueues {
  private paused = new Set<string>();

  constructor(private readonly source: QueueStateSource) {}

  has(queue: string): boolean {
    return this.paused.has(queue);
  }

  /** Applies a pause or resume made in this process. */
  set(queue: string, paused: boolean): void {
    if (paused) this.paused.add(queue);
    else this.paused.delete(queue);
  }

  /** Re-reads the paused queues; true when the set changed. */
  async refresh(): Promise<boolean> {
    const paused = await this.source.pausedQueues();
    const changed =
      paused.size !== this.paused.size || [...paused].some((queue) => !this.paused.has(queue));
    this.paused = paused;
    return changed;
  }
}
