import type { Logger } from 'winston';
import type { JobStore, WorkWatch } from '../storage/job-store';
import { retryDelayMs, type BackoffSettings } from './retry-backoff';

/** Where a {@link NewWorkWatch} opens its change streams. */
export type NewWorkSource = Pick<JobStore, 'watchForNewWork'>;

/** What a {@link NewWorkWatch} needs from its server. */
export interface NewWorkWatchDeps {
  readonly source: NewWorkSource;
  readonly queues: readonly string[];
  /** Work may be due: claim now (`jobId`: the job that became due, when one is known). */
  readonly onWork: (jobId?: string) => void;
  readonly report: (error: unknown, context: string) => void;
  readonly logger: Logger;
  readonly random?: () => number;
}

/** Delays between attempts to reopen a failed change stream (equal jitter, see `retryDelayMs`). */
export const REOPEN_BACKOFF: BackoffSettings = { baseMs: 1_000, maxMs: 60_000 };

/**
 * The change stream that wakes a server when any process enqueues work. The driver resumes
 * by itself after resumable errors; an `error` event means the stream is dead. Then polling
 * (which never stops) finds work meanwhile, and the stream is reopened after an exponential
 * backoff with jitter, after the last event it delivered when its resume token is known. A
 * stream that fails again before delivering anything after resuming is reopened fresh next
 * time (its token may be what fails, e.g. history the oplog no longer holds).
 */
export class NewWorkWatch {
  private current: WorkWatch | undefined;
  /** Events and errors of streams from before the last (re)open are ignored. */
  private generation = 0;
  private failures = 0;
  private resumeToken: unknown;
  private resumedWithToken = false;
  private delivered = false;
  private openedAt = 0;
  private reopenTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly deps: NewWorkWatchDeps) {}

  /**
   * Opens the stream; false on a deployment without change streams.
   * @throws what the store throws when it cannot tell or open.
   */
  async open(): Promise<boolean> {
    return (await this.connect(undefined)) !== null;
  }

  /** Closes the stream and cancels any pending reopen. */
  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = undefined;
    const current = this.current;
    this.current = undefined;
    await current?.close();
  }

  private async connect(resumeAfter: unknown): Promise<WorkWatch | null> {
    const generation = ++this.generation;
    const watch = await this.deps.source.watchForNewWork(
      this.deps.queues,
      (jobId) => this.onChange(generation, jobId),
      (error) => this.onFailure(generation, error),
      resumeAfter === undefined ? undefined : { resumeAfter },
    );
    if (watch && (this.closed || generation !== this.generation)) {
      await watch.close();
      return null;
    }
    this.current = watch ?? undefined;
    this.resumedWithToken = resumeAfter !== undefined;
    this.delivered = false;
    this.openedAt = performance.now();
    return watch;
  }

  private onChange(generation: number, jobId: string): void {
    if (generation !== this.generation) return;
    this.delivered = true;
    this.failures = 0;
    this.deps.onWork(jobId);
  }

  private onFailure(generation: number, error: unknown): void {
    if (this.closed || generation !== this.generation) return;
    this.generation++;
    const failed = this.current;
    this.current = undefined;
    // A token we resumed from and that delivered nothing may be the problem: start fresh.
    const token = this.resumedWithToken && !this.delivered ? undefined : failed?.resumeToken;
    this.resumeToken = token ?? (this.resumedWithToken ? undefined : this.resumeToken);
    // A stream that lived long counts as healthy: its failure starts the backoff over.
    if (performance.now() - this.openedAt > REOPEN_BACKOFF.maxMs) this.failures = 0;
    failed?.close().catch(() => undefined);
    this.deps.report(error, 'the change stream failed; polling until it is reopened');
    // Work enqueued while the stream was failing was not announced: look now.
    this.deps.onWork();
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    this.failures++;
    const delay = retryDelayMs(this.failures, REOPEN_BACKOFF, this.deps.random);
    this.reopenTimer = setTimeout(() => void this.reopen(), delay);
    this.reopenTimer.unref();
  }

  private async reopen(): Promise<void> {
    this.reopenTimer = undefined;
    if (this.closed) return;
    const token = this.resumeToken;
    try {
      const watch = await this.connect(token);
      if (this.closed) return;
      if (watch) this.deps.logger.info('change stream reopened');
      else this.deps.logger.warn('change streams are no longer available: polling only');
    } catch (error) {
      if (this.closed) return;
      this.deps.report(error, 'reopening the change stream failed; polling continues');
      if (token !== undefined) this.resumeToken = undefined;
      this.scheduleReopen();
    }
  }
}
