import type { JobLease } from './job-store';

/** One line a handler logged through `JobContext.logger`, as kept with its job. */
export interface JobLogLine {
  /** When the handler logged it. */
  readonly at: Date;
  /** winston's level name (`info`, `warn`...). */
  readonly level: string;
  /** The logged message. */
  readonly message: string;
  /** The line's other fields, as JSON (cut to a bounded length). */
  readonly meta?: string;
}

/** A stored line, where it sits in its job's log. */
export interface StoredJobLogLine extends JobLogLine {
  /** Its place in the job's log, from 0, across attempts: the paging key. */
  readonly seq: number;
  /** The attempt (from 1) that logged it. */
  readonly attempt: number;
  /** Set on the line that says the job's log reached its limit, and the lines after it were dropped. */
  readonly truncated?: true;
}

/** Limits of a job's log, over all its attempts. */
export interface JobLogLimits {
  readonly maxLines: number;
  readonly maxBytes: number;
}

/** What became of a batch of lines. */
export type JobLogAppendResult =
  /** Every line kept. */
  | 'kept'
  /** The job's log reached a limit: lines past it were dropped, with a line that says so. */
  | 'truncated'
  /** The attempt no longer holds the job: nothing was written. */
  | 'stale';

/** A page of a job's log, in the order the lines were logged. */
export interface JobLogPage {
  /** The lines of this page, by `seq`. */
  readonly lines: StoredJobLogLine[];
  /** The `after` of the next page; null at the end of the log as it is now. */
  readonly next: number | null;
}

/** Where jobs' logs are kept. */
export interface JobLogStore {
  /**
   * Appends lines an attempt logged, on the condition that it still holds the job (its fence,
   * while the job is processing, or right after it committed its success): a stale attempt
   * writes nothing. Lines past the job's limits are dropped.
   */
  append(
    lease: JobLease,
    attempt: number,
    lines: readonly JobLogLine[],
    limits: JobLogLimits,
  ): Promise<JobLogAppendResult>;
  /** Up to `limit` lines of a job's log whose `seq` is at least `after`. */
  read(jobId: string, after: number, limit: number): Promise<JobLogPage>;
  /**
   * Deletes the logs of jobs that no longer exist (removed by retention, or by hand), walking
   * the logs in job id order in bounded steps, from where the last sweep stopped; returns how
   * many jobs' logs went.
   */
  sweep(): Promise<number>;
}
