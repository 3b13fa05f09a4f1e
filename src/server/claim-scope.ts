import type { HandlerRegistry } from '../handlers';
import type { GlobalSlots } from './global-slots';
import type { ResolvedJobServerOptions } from './job-server-options';
import type { PausedQueues } from './paused-queues';
import type { RateLimits } from './rate-limits';

/** Fewer free slots (or announced jobs) than this: claim one job at a time. */
export const MIN_BATCH = 4;

/**
 * What a server may claim right now: its queues (in order) that are not paused nor at a
 * limit, the job types it has handlers for that are not at a limit, and how many jobs one
 * claim may take. Counts running jobs per type and per queue for the per-server limits.
 */
export class ClaimScope {
  private readonly runningByType = new Map<string, number>();
  private readonly runningByQueue = new Map<string, number>();

  constructor(
    private readonly options: ResolvedJobServerOptions,
    private readonly registry: HandlerRegistry,
    private readonly paused: PausedQueues,
    private readonly globalSlots: GlobalSlots,
    private readonly rateLimits: RateLimits,
  ) {}

  /** Counts a job that starts (`by` 1) or ends (`by` -1) on this server. */
  track(jobType: string, queue: string, by: 1 | -1): void {
    this.runningByType.set(jobType, (this.runningByType.get(jobType) ?? 0) + by);
    this.runningByQueue.set(queue, (this.runningByQueue.get(queue) ?? 0) + by);
  }

  /** Job types with handlers whose per-server, global and rate limits are not reached. */
  jobTypes(): string[] {
    return this.registry
      .all()
      .filter(
        (r) =>
          (r.options.concurrency === undefined ||
            (this.runningByType.get(r.jobType) ?? 0) < r.options.concurrency) &&
          !this.globalSlots.isFull('type', r.jobType) &&
          !this.rateLimits.isThrottled('type', r.jobType),
      )
      .map((r) => r.jobType);
  }

  /** The server's queues, in its order, that are not paused nor at a limit (rate limits too). */
  queues(): string[] {
    const limits = this.options.queueConcurrency;
    return this.options.queues.filter(
      (queue) =>
        !this.paused.has(queue) &&
        !this.globalSlots.isFull('queue', queue) &&
        !this.rateLimits.isThrottled('queue', queue) &&
        (limits[queue] === undefined || (this.runningByQueue.get(queue) ?? 0) < limits[queue]),
    );
  }

  /**
   * How many jobs a batch claim may take: the free slots, capped by `claimBatchSize`; 1 when a
   * per-type or per-queue limit applies (a batch could overshoot it).
   */
  batchSize(free: number, jobTypes: readonly string[], queues: readonly string[]): number {
    const limited =
      jobTypes.some(
        (type) =>
          this.registry.get(type)?.options.concurrency !== undefined ||
          this.globalSlots.limits(type, undefined),
      ) ||
      queues.some(
        (queue) =>
          this.options.queueConcurrency[queue] !== undefined ||
          this.globalSlots.limits(undefined, queue),
      );
    return limited || free < MIN_BATCH ? 1 : Math.min(free, this.options.claimBatchSize);
  }
}
