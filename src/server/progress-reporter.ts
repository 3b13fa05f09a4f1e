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
 * waits).
 */
export class ProgressReporter {
  private pending: { percent: number; message?: string } | undefined;
  private flush: Promise<void> | undefined;

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
    this.flush ??= this.write();
    return this.flush;
  }

  /** Settles when no progress write is in flight. */
  async flushed(): Promise<void> {
    await this.flush;
  }

  private async write(): Promise<void> {
    await Promise.resolve();
    try {
      while (this.pending) {
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
