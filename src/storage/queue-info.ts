import type { JobState } from './job-record';

/** A queue as monitoring shows it (`Docket.listQueues()`, the queues page). */
export interface QueueInfo {
  /** The queue's name. */
  readonly name: string;
  /** Paused: no server claims from it until it is resumed (`Docket.pauseQueue`). */
  readonly paused: boolean;
  /** Unfinished jobs of the queue by state (`enqueued`, `scheduled`, `processing`, `awaiting`). */
  readonly counts: Readonly<Partial<Record<JobState, number>>>;
}
