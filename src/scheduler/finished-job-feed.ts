import { retryDelayMs, type BackoffSettings } from '../server/retry-backoff';
import type { JobRecord } from '../storage/job-record';
import type { FinishedJobSource, FinishedJobWatch } from '../storage/finished-jobs';

/** What a {@link FinishedJobFeed} needs from its owner. */
export interface FinishedJobFeedDeps {
  readonly source: FinishedJobSource;
  /** The ids of the jobs waited for now: what a poll asks for, in one query. */
  readonly waitingIds: () => readonly string[];
  /** The stream saw a change that may have finished `jobId`: read it. */
  readonly onChange: (jobId: string) => void;
  /** A poll found these jobs finished. */
  readonly onFinished: (jobs: readonly JobRecord[]) => void;
  /** How often to poll while there is no stream (integer ms). */
  readonly pollIntervalMs: number;
  readonly report: (error: unknown, context: string) => void;
  readonly random?: () => number;
}

/** Delays between attempts to reopen a failed change stream (equal jitter, see `retryDelayMs`). */
export const FEED_REOPEN_BACKOFF: BackoffSettings = { baseMs: 1_000, maxMs: 60_000 };

/**
 * Tells its owner of finished jobs among those waited for: through one change stream on a
 * replica set or sharded cluster, by one batched poll per `pollIntervalMs` on a standalone.
 *
 * When the stream dies it polls instead, at once (a job may have finished while the stream
 * was failing) and then every interval, and reopens the stream after an exponential backoff
 * with jitter. A reopened stream is armed from its start: one more successful poll after
 * that covers what finished between the last poll and the arming, then polling stops.
 */
export class FinishedJobFeed {
  private stream: FinishedJobWatch | undefined;
  /** Changes and errors of streams older than the current one are ignored. */
  private generation = 0;
  /** Poll every interval: there is no stream (a standalone, or a failed one). */
  private polling = false;
  /** Polls started so far; a catch-up is done by a successful poll started after it was asked. */
  private pollsStarted = 0;
  private catchUpAfter: number | null = null;
  private pollTimer: NodeJS.Timeout | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly deps: FinishedJobFeedDeps) {}

  /**
   * Arms the feed: resolves once the stream is armed, or polling runs (a standalone); a job
   * that finishes from then on is reported.
   * @throws what the source throws when it cannot tell the deployment or open the stream.
   */
  async open(): Promise<void> {
    const watch = await this.connect();
    if (watch === null && !this.closed) this.startPolling();
  }

  /**
   * Polls soon, and again at every interval until one poll succeeds: a read that was to
   * confirm a change failed, so the finished jobs are looked for instead.
   */
  catchUp(): void {
    if (this.closed) return;
    this.catchUpAfter = this.pollsStarted;
    this.pollSoon(0);
  }

  /** Stops polling and reopening, and closes the stream (a failure is reported). */
  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    clearTimeout(this.pollTimer);
    clearTimeout(this.reopenTimer);
    this.pollTimer = this.reopenTimer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close().catch((error: unknown) => {
      this.deps.report(error, 'closing the change stream of finished jobs failed');
    });
  }

  /** Opens a stream (null: the deployment has none, or the feed closed meanwhile). */
  private async connect(): Promise<FinishedJobWatch | null> {
    const generation = ++this.generation;
    const watch = await this.deps.source.watchFinishedJobs(
      (jobId) => this.onChange(generation, jobId),
      (error) => this.onFailure(generation, error),
    );
    if (watch && (this.closed || generation !== this.generation)) {
      await watch.close().catch(() => undefined);
      return null;
    }
    this.stream = watch ?? undefined;
    return watch;
  }

  private onChange(generation: number, jobId: string): void {
    if (generation !== this.generation) return;
    this.failures = 0;
    this.deps.onChange(jobId);
  }

  private onFailure(generation: number, error: unknown): void {
    if (this.closed || generation !== this.generation) return;
    this.generation++;
    const failed = this.stream;
    this.stream = undefined;
    failed?.close().catch(() => undefined);
    this.deps.report(
      error,
      'the change stream of finished jobs failed; polling until it is reopened',
    );
    this.startPolling();
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    this.failures++;
    const delay = retryDelayMs(this.failures, FEED_REOPEN_BACKOFF, this.deps.random);
    this.reopenTimer = setTimeout(() => void this.reopen(), delay);
  }

  private async reopen(): Promise<void> {
    this.reopenTimer = undefined;
    if (this.closed) return;
    try {
      const watch = await this.connect();
      // No stream: the deployment no longer serves them (or the feed closed); keep polling.
      if (watch === null) return;
      this.polling = false;
      this.catchUp();
    } catch (error) {
      if (this.closed) return;
      this.deps.report(
        error,
        'reopening the change stream of finished jobs failed; polling continues',
      );
      this.scheduleReopen();
    }
  }

  private startPolling(): void {
    this.polling = true;
    this.pollSoon(0);
  }

  private pollSoon(delayMs: number): void {
    if (this.closed) return;
    if (this.pollTimer !== undefined) {
      if (delayMs > 0) return;
      clearTimeout(this.pollTimer);
    }
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll();
    }, delayMs);
  }

  private async poll(): Promise<void> {
    const started = ++this.pollsStarted;
    const ids = this.deps.waitingIds();
    let succeeded = true;
    if (ids.length > 0) {
      try {
        const jobs = await this.deps.source.findFinished(ids);
        if (this.closed) return;
        this.deps.onFinished(jobs);
      } catch (error) {
        if (this.closed) return;
        succeeded = false;
        this.deps.report(error, 'looking for finished jobs failed; trying again at the next poll');
      }
    }
    if (succeeded && this.catchUpAfter !== null && started > this.catchUpAfter) {
      this.catchUpAfter = null;
    }
    if (this.polling || this.catchUpAfter !== null) this.pollSoon(this.deps.pollIntervalMs);
  }
}
