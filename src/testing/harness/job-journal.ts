import type { Docket } from '../../docket';
import type { DrainSummary } from './drain-summary';

/** What a {@link JobJournal} hands over: a drain summary without its duration. */
export type JournalEntries = Omit<DrainSummary, 'elapsedMs'>;

/**
 * The job events a harness's server emitted since the journal was last taken. The harness
 * keeps one from its start, so a drain also reports the jobs that ran between the call
 * that enqueued them and the drain: a server with free slots often finishes a job before
 * the test gets to `drain()`.
 */
export class JobJournal {
  private started = new Set<string>();
  private succeeded: string[] = [];
  private failed: string[] = [];
  private retried: string[] = [];
  private deleted: string[] = [];
  private readonly unsubscribe: ReadonlyArray<() => void>;

  constructor(docket: Pick<Docket, 'on'>) {
    this.unsubscribe = [
      docket.on('job.started', (e) => void this.started.add(e.jobId)),
      docket.on('job.succeeded', (e) => void this.succeeded.push(e.jobId)),
      docket.on('job.failed', (e) => void this.failed.push(e.jobId)),
      docket.on('job.retried', (e) => void this.retried.push(e.jobId)),
      docket.on('job.deleted', (e) => void this.deleted.push(e.jobId)),
    ];
  }

  /** What was recorded since the last call (or the start), and a fresh start. */
  take(): JournalEntries {
    const entries = {
      started: [...this.started],
      succeeded: this.succeeded,
      failed: this.failed,
      retried: this.retried,
      deleted: this.deleted,
    };
    this.started = new Set();
    this.succeeded = [];
    this.failed = [];
    this.retried = [];
    this.deleted = [];
    return entries;
  }

  /** Stops recording. */
  close(): void {
    for (const off of this.unsubscribe) off();
  }
}
