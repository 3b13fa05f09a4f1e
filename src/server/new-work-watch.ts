import type { Logger } from 'winston';
import type { JobStore, WorkWatch } from '../storage/job-store';
import type { PickupMode } from '../storage/server-info';
import { retryDelayMs, type BackoffSettings } from './retry-backoff';

/** Where a {@link NewWorkWatch} opens its change streams. */
export type NewWorkSource = Pick<JobStore, 'watchForNewWork'>;

/** What a {@link NewWorkWatch} needs from its server. */
export interface NewWorkWatchDeps {
  readonly source: NewWorkSource;
  readonly queues: readonly string[];
  /**
   * Work may be claimable: claim now, or at `dueAt` when that is later (`jobId`: the job, when
   * one is known).
   */
  readonly onWork: (jobId?: string, dueAt?: Date) => void;
  /** The pickup mode changed (`reason`: why, when it fell back to polling). */
  readonly onMode: (mode: PickupMode, reason?: string) => void;
  readonly report: (error: unknown, context: string) => void;
  readonly logger: Logger;
  readonly random?: () => number;
}

/** Delays between attempts to reopen a failed change stream (equal jitter, see `retryDelayMs`). */
export const REOPEN_BACKOFF: BackoffSettings = { baseMs: 1_000, maxMs: 60_000 };

/**
 * The push channel that wakes a server when any process creates work: a change stream, or
 * the tail of the notices collection on a standalone server. The driver resumes a change
 * stream by itself after resumable errors; an `error` event means the channel is dead. Then
 * polling (which never stops) finds work meanwhile, the mode is `polling`, and the channel is
 * reopened after an exponential backoff with jitter: a change stream after the last event it
 * delivered when its resume token is known, a tail from a new start (and the server looks at
 * once for what it missed). A stream that fails again before delivering anything after
 * resuming is reopened fresh next time (its token may be what fails, e.g. history the oplog
 * no longer holds).
 */
export class NewWorkWatch {
  private current: WorkWatch | undefined;
  private currentMode: PickupMode = 'polling';
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

  /** How this server learns of other processes' work now. */
  get mode(): PickupMode {
    return this.currentMode;
  }

  /**
   * Opens the push channel; resolves with the pickup mode (`polling` on a deployment with
   * neither change streams nor notices).
   * @throws what the store throws when it cannot tell or open.
   */
  async open(): Promise<PickupMode> {
    await this.connect(undefined, false);
    return this.currentMode;
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

  /** `tell`: whether a change of mode is told to the server (not at its start: it says so). */
  private async connect(resumeAfter: unknown, tell = true): Promise<WorkWatch | null> {
    const generation = ++this.generation;
    const watch = await this.deps.source.watchForNewWork(
      this.deps.queues,
      (jobId, dueAt) => this.onChange(generation, jobId, dueAt),
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
    if (tell) this.setMode(watch?.via ?? 'polling');
    else this.currentMode = watch?.via ?? 'polling';
    return watch;
  }

  private setMode(mode: PickupMode, reason?: string): void {
    if (mode === this.currentMode) return;
    this.currentMode = mode;
    this.deps.onMode(mode, reason);
  }

  private onChange(generation: number, jobId: string | undefined, dueAt: Date | undefined): void {
    if (generation !== this.generation) return;
    this.delivered = true;
    this.failures = 0;
    this.deps.onWork(jobId, dueAt);
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
    const what = failed?.via === 'notifications' ? 'the notices tail' : 'the change stream';
    this.setMode('polling', error instanceof Error ? error.message : String(error));
    this.deps.report(error, `${what} failed; polling until it is reopened`);
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
      if (watch) this.deps.logger.info(`${watch.via} reopened: push pickup again`);
      else this.deps.logger.warn('push pickup is no longer available: polling only');
      // A tail starts anew, and a change stream without a token too: what was created while
      // the channel was down was not announced, and polling may not have looked yet.
      if (watch && token === undefined) this.deps.onWork();
    } catch (error) {
      if (this.closed) return;
      this.deps.report(error, 'reopening the push channel failed; polling continues');
      if (token !== undefined) this.resumeToken = undefined;
      this.scheduleReopen();
    }
  }
}
