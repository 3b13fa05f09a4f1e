import {
  DocketClosedError,
  JobDeletedError,
  JobNotFoundError,
  JobWaitTimeoutError,
} from '../errors';
import { FINISHED_STATES, type JobRecord, type JobState } from '../storage/job-record';
import type { FinishedJobSource } from '../storage/finished-jobs';
import { FinishedJobFeed } from './finished-job-feed';
import type { FinishedJob } from './job-scheduler.interface';
import type { ResolvedJobWaitOptions } from './job-wait-options';

/** What a {@link JobWaits} needs from its Docket. */
export interface JobWaitsDeps {
  readonly source: FinishedJobSource;
  /** How often to poll where there is no change stream (integer ms). */
  readonly pollIntervalMs: number;
  readonly report: (error: unknown, context: string) => void;
  readonly random?: () => number;
}

/** One pending `waitForJob` call. */
interface Waiter {
  readonly jobId: string;
  readonly startedAt: number;
  /** The state the job was last read in (null before the first read). */
  lastState: JobState | null;
  resolve(job: FinishedJob): void;
  reject(error: unknown): void;
}

/**
 * The waits of one Docket instance for jobs to finish, wherever they run. Every wait shares
 * one {@link FinishedJobFeed} (one change stream, or one poll per interval for all of them),
 * opened with the first wait and closed when the last one ends.
 *
 * A wait registers first, then arms the feed, then reads its job once: a job that finished
 * before the feed was armed is seen by that read, one that finishes after by the feed, so
 * no finish is missed. A change the feed reports for a waited job is confirmed by reading
 * the job (a finished job may have been requeued since, and then the wait goes on).
 */
export class JobWaits {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private feed: FinishedJobFeed | undefined;
  private opening: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly deps: JobWaitsDeps) {}

  /**
   * Resolves with the job once it succeeded or failed for good.
   * @throws JobNotFoundError when there is no such job (or its document is removed).
   * @throws JobDeletedError when it ends deleted.
   * @throws JobWaitTimeoutError at the deadline; the signal's reason when it aborts.
   * @throws DocketClosedError when closed before the job finished.
   * @throws StorageError when the first read, or opening the feed, fails.
   */
  wait(jobId: string, options: ResolvedJobWaitOptions): Promise<FinishedJob> {
    if (this.closed) return Promise.reject(new DocketClosedError('waitForJob'));
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<FinishedJob>((resolve, reject) => {
      const cleanups: Array<() => void> = [];
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        for (const cleanup of cleanups) cleanup();
        this.remove(waiter);
        outcome();
      };
      const waiter: Waiter = {
        jobId,
        startedAt: performance.now(),
        lastState: null,
        resolve: (job) => settle(() => resolve(job)),
        reject: (error) => settle(() => reject(error)),
      };
      this.add(waiter);
      // The deadline ends the wait only once the job was read: `timeoutMs: 0` looks once,
      // and a timeout always says which state the job was in.
      let looked = false;
      let overdue = false;
      const expire = (): void => {
        if (timeoutMs !== null) waiter.reject(this.timeoutOf(waiter, timeoutMs));
      };
      if (timeoutMs !== null) {
        const timer = setTimeout(() => {
          overdue = true;
          if (looked) expire();
        }, timeoutMs);
        cleanups.push(() => clearTimeout(timer));
      }
      if (signal) {
        const onAbort = (): void => waiter.reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
      this.armFeed()
        .then(() => this.deps.source.findById(jobId))
        .then((job) => {
          this.apply(jobId, job);
          looked = true;
          if (overdue) expire();
        })
        .catch((error: unknown) => waiter.reject(error));
    });
  }

  /** Rejects every pending wait with `DocketClosedError` and closes the feed. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const set of [...this.waiters.values()]) {
      for (const waiter of [...set]) {
        waiter.reject(new DocketClosedError('waitForJob', { pending: true }));
      }
    }
    await this.closeFeed();
  }

  /** How many waits are pending (for tests and diagnostics). */
  get pending(): number {
    let count = 0;
    for (const set of this.waiters.values()) count += set.size;
    return count;
  }

  private add(waiter: Waiter): void {
    let set = this.waiters.get(waiter.jobId);
    if (!set) this.waiters.set(waiter.jobId, (set = new Set()));
    set.add(waiter);
  }

  private remove(waiter: Waiter): void {
    const set = this.waiters.get(waiter.jobId);
    if (!set?.delete(waiter)) return;
    if (set.size === 0) this.waiters.delete(waiter.jobId);
    if (this.waiters.size === 0) void this.closeFeed();
  }

  /** The shared feed, armed; the first wait opens it. */
  private armFeed(): Promise<void> {
    if (this.opening) return this.opening;
    const feed = new FinishedJobFeed({
      source: this.deps.source,
      waitingIds: () => [...this.waiters.keys()],
      onChange: (jobId) => this.confirm(jobId),
      onFinished: (jobs) => {
        for (const job of jobs) this.apply(job._id, job);
      },
      pollIntervalMs: this.deps.pollIntervalMs,
      report: this.deps.report,
      random: this.deps.random,
    });
    this.feed = feed;
    const opening = feed.open().catch(async (error: unknown) => {
      // The waits that awaited this opening fail with its error; the next wait tries again.
      if (this.feed === feed) {
        this.feed = undefined;
        this.opening = undefined;
      }
      await feed.close();
      throw error;
    });
    this.opening = opening;
    return opening;
  }

  private async closeFeed(): Promise<void> {
    const feed = this.feed;
    this.feed = undefined;
    this.opening = undefined;
    await feed?.close();
  }

  /** The feed saw a change of `jobId`: read the job if someone waits for it. */
  private confirm(jobId: string): void {
    if (!this.waiters.has(jobId)) return;
    this.deps.source.findById(jobId).then(
      (job) => this.apply(jobId, job),
      (error: unknown) => {
        // The finish may be what this read missed: look for finished jobs until a poll works.
        this.deps.report(error, `reading job ${jobId} after a change failed; polling for it`);
        this.feed?.catchUp();
      },
    );
  }

  /** Settles the waits of `jobId` when `job` (as just read) is finished or gone. */
  private apply(jobId: string, job: JobRecord | null): void {
    const set = this.waiters.get(jobId);
    if (!set) return;
    for (const waiter of [...set]) {
      if (job === null) waiter.reject(new JobNotFoundError(jobId));
      else if (job.state === 'deleted') {
        const details = { jobId, jobType: job.type, queue: job.queue };
        waiter.reject(new JobDeletedError(details, 'before it finished'));
      } else if (isFinished(job)) waiter.resolve(job);
      else waiter.lastState = job.state;
    }
  }

  private timeoutOf(waiter: Waiter, timeoutMs: number): JobWaitTimeoutError {
    return new JobWaitTimeoutError({
      jobId: waiter.jobId,
      awaitedStates: FINISHED_STATES,
      lastState: waiter.lastState,
      waitedMs: Math.round(performance.now() - waiter.startedAt),
      timeoutMs,
    });
  }
}

function isFinished(job: JobRecord): job is FinishedJob {
  return job.state === 'succeeded' || job.state === 'failed';
}
