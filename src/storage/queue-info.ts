import type { JobState } from './job-record';

/** A queue as monitoring shows it (`Docket.listQueues()`, the queues page). */
export interface QueueInfo {
  readonly name: string;
  readonly paused: boolean;
  /** Unfinished jobs of the queue by state (`enqueued`, `scheduled`, `processing`, `awaiting`). */
  readonly counts: Readonly<Partial<Record<JobState, number>>>;
}
