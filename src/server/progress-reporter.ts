import { InvalidOptionsError } from '../errors';
import type { EventBus } from '../events/event-bus';
import type { JobLease, JobStore } from '../storage/job-store';
import type { Clock } from './clock';

/** The job a {@link ProgressReporter} reports on. */
interface ReportedJob {
  readonly jobId: string;
  readonly jobType: string;
  readonly queue: string;
  readonly attempt: number;
}

/** What a {@link ProgressReporter} needs from its execution. */
export interface ProgressReporterDeps {
  readonly store: Pick<JobStore, 'saveProgress'>;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly report: (error: unknown, context: string) => void;
}

/**
 * `JobContext.progress` of one attempt: validates, emits `job.progress`, and stores progress
 * under the lease, coalescing bursts (while one write is in flight only the latest value
 * waits). While the attempt's transaction runs, progress is held back: a write to the job
 * would make the transaction conflict.
 */
export class ProgressReporter {
  private pending: { percent: number; message?: string } | undefined;
  private flush: Promise<void> | undefined;
  private onHold = false;

  constructor(
    private readonly lease: JobLease,
    private readonly job: ReportedJob,
    private readonly deps: ProgressReporterDeps,
  ) {}

  /** Records progress; rejects with `InvalidOptionsError` for an invalid percent or message. */
  report(percent: number, message?: string): Promise<void> {
    if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
      return Promise.reject(
        new InvalidOptionsError(
          `progress percent must be a number from 0 to 100, got ${String(percent)}`,
          { option: 'percent', ...this.job },
        ),
      );
    }
    if (message !== undefined && typeof message !== 'string') {
      return Promise.reject(
        new InvalidOptionsError(`progress message must be a string, got ${typeof message}`, {
          option: 'message',
          ...this.job,
        }),
      );
    }
    this.pending = {
      percent,
      ...(message === undefined ? {} : { message: message.slice(0, 500) }),
    };
    const { jobId, jobType, queue } = this.job;
    this.deps.events.emit('job.progress', { jobId, jobType, queue, percent, message });
    // Held back: the handler may await this inside the transaction that holds it back.
    if (this.onHold) return Promise.resolve();
    this.flush ??= this.write();
    return this.flush;
  }

  /** Settles when no progress write is in flight. */
  async flushed(): Promise<void> {
    await this.flush;
  }

  /** Holds progress back, once the write in flight (if any) is done. */
  async hold(): Promise<void> {
    this.onHold = true;
    await this.flushed();
  }

  /**
   * Writes what was held back; or drops it when the transaction `committed` the job's
   * success (the job is no longer processing: the write could not land).
   */
  resume(committed: boolean): void {
    this.onHold = false;
    if (committed) this.pending = undefined;
    if (this.pending) this.flush ??= this.write();
  }

  private async write(): Promise<void> {
    await Promise.resolve();
    try {
      while (this.pending && !this.onHold) {
        const next = this.pending;
        this.pending = undefined;
        await this.deps.store.saveProgress(this.lease, { ...next, at: this.deps.clock.now() });
      }
    } catch (error) {
      this.deps.report(error, 'saving progress failed');
    } finally {
      this.flush = undefined;
    }
  }
}
