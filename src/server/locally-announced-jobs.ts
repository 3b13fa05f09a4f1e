/**
 * The jobs this process announced to its server when it enqueued them, so that the change
 * stream's news of the same jobs does not wake the server a second time (a claim that would
 * find nothing). Bounded: past `capacity` the oldest are forgotten, which costs at most a
 * redundant claim, never a missed job.
 */
export class LocallyAnnouncedJobs {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 1_000) {}

  /** Notes a job announced in this process. */
  add(jobId: string): void {
    this.ids.delete(jobId);
    this.ids.add(jobId);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }

  /**
   * Whether the job was announced in this process; forgets it either way, since a later
   * change to the job (a retry, a release) is news the stream must deliver.
   */
  take(jobId: string): boolean {
    return this.ids.delete(jobId);
  }
}
