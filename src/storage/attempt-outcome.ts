import type { JobErrorInfo, JobSnooze } from './job-record';
import type { JobLease } from './job-lease';

/** The outcome a worker records for an attempt. */
export type AttemptOutcome =
  | {
      readonly state: 'succeeded';
      readonly durationMs: number;
      /** What `handle()` resolved with, as stored (absent for `undefined`). */
      readonly result?: unknown;
    }
  | {
      readonly state: 'failed';
      readonly durationMs: number;
      readonly error: JobErrorInfo;
      readonly reason: string;
      /**
       * The handler's `onAttemptsExhausted`, when not `'fail'`: `'delete'` records the job as
       * deleted, `'deadLetter'` keeps it failed, in the dead-letter queue, with no expiry.
       */
      readonly exhausted?: 'delete' | 'deadLetter';
    }
  | {
      readonly state: 'scheduled';
      readonly durationMs: number;
      readonly error: JobErrorInfo;
      readonly reason: string;
      readonly dueAt: Date;
      readonly snooze?: undefined;
    }
  | {
      /** The handler snoozed: due again at `snooze.until`, the attempt not counted. */
      readonly state: 'scheduled';
      readonly durationMs: number;
      readonly snooze: JobSnooze;
      readonly error?: undefined;
    };

/** One outcome to record (see {@link JobStore.finishMany}). */
export interface FinishEntry {
  readonly lease: JobLease;
  readonly outcome: AttemptOutcome;
  readonly serverId: string;
  readonly now: Date;
}

/** What recording an outcome tells the worker (null when the lease was lost). */
export interface FinishResult {
  /** The job has continuations to release or cancel now. */
  readonly hasContinuations: boolean;
}
