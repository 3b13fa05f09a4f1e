import type { JobErrorInfo } from '../storage/job-record';
import type { PickupMode } from '../storage/server-info';

/** Identifies the job an event is about. */
export interface JobEventBase {
  /** The job's id. */
  readonly jobId: string;
  /** Its stable job type name. */
  readonly jobType: string;
  /** Its queue. */
  readonly queue: string;
}

/**
 * Every event Docket emits, by name, with its payload. Events are emitted in the process
 * that did the work (enqueued, ran, deleted...), not in every process sharing the database:
 * `Docket.jobEvents` streams the lifecycle events of jobs whatever process wrote them.
 */
export interface DocketEvents {
  /**
   * A job became enqueued or scheduled in this process: an enqueue, a recurring occurrence,
   * a requeue, a released continuation...
   */
  'job.enqueued': JobEventBase & {
    /** When it becomes due: now, or its scheduled time. */
    readonly dueAt: Date;
  };
  /** A server of this process claimed the job and its handler starts. */
  'job.started': JobEventBase & {
    /** The attempt's number, from 1. */
    readonly attempt: number;
    /** The server running it. */
    readonly serverId: string;
  };
  /**
   * The job's handler succeeded and the success was recorded, or this process recorded a
   * success reported from outside (`IJobScheduler.markSucceeded`: `external` is set).
   */
  'job.succeeded': JobEventBase & {
    /** The attempt's number, from 1 (0 for a job marked before it ever ran). */
    readonly attempt: number;
    /** How long the handler ran, in ms (until the mark for a marked job; 0 if it never ran). */
    readonly durationMs: number;
    /** Set when a caller recorded the outcome (`markSucceeded`), not a handler. */
    readonly external?: true;
  };
  /** An attempt failed and the job is scheduled for another. */
  'job.retried': JobEventBase & {
    /** The number of the attempt that failed, from 1. */
    readonly attempt: number;
    /** What it threw. */
    readonly error: JobErrorInfo;
    /** When the next attempt becomes due (after the handler's backoff). */
    readonly nextAttemptAt: Date;
  };
  /**
   * The job's handler snoozed it (`JobContext.snooze`): the attempt ended without counting,
   * and the job is due again at `until`.
   */
  'job.snoozed': JobEventBase & {
    /** The number the snoozing attempt ran under (the next run has the same), from 1. */
    readonly attempt: number;
    /** When the job is due again. */
    readonly until: Date;
    /** Why, as the handler said. */
    readonly reason: string | undefined;
  };
  /**
   * An attempt failed and no attempt is left: the job failed for good; or this process
   * recorded a failure reported from outside (`IJobScheduler.markFailed`: `external` is set).
   */
  'job.failed': JobEventBase & {
    /** Set when a caller recorded the outcome (`markFailed`), not a handler. */
    readonly external?: true;
    /** The number of the last attempt, from 1. */
    readonly attempt: number;
    /** What it threw. */
    readonly error: JobErrorInfo;
    /**
     * Set when the handler's `onAttemptsExhausted` did more than keep the job failed: it was
     * deleted, or moved to the dead-letter queue.
     */
    readonly exhausted?: 'delete' | 'deadLetter';
  };
  /** This process deleted the job (or cancelled it as a continuation whose parent failed). */
  'job.deleted': JobEventBase & {
    /** It was `processing`: its handler is aborted with `JobDeletedError`. */
    readonly wasRunning: boolean;
  };
  /** The job's handler reported progress through `JobContext.progress`. */
  'job.progress': JobEventBase & {
    /** How far it got, 0 to 100. */
    readonly percent: number;
    /** What it said it was doing (at most 500 characters). */
    readonly message?: string;
  };
  /**
   * A lease this server held was lost: the job was deleted or taken over, or no renewal was
   * confirmed before the server's own deadline for it. Its handler is aborted with
   * `LeaseLostError` (or `JobDeletedError`) and nothing more is written for the attempt.
   */
  'job.leaseLost': JobEventBase & {
    /** The attempt that lost its lease, from 1. */
    readonly attempt: number;
  };
  /**
   * An attempt ended (it timed out, lost its lease, was deleted, or its server is stopping)
   * but its handler ignores its signal and still runs. The attempt's outcome is recorded
   * (when the lease allowed); the invocation keeps its concurrency slots (per server, type,
   * queue and global) until it settles (`job.overrunEnded`), so that no limit is exceeded.
   */
  'job.overrunning': JobEventBase & {
    /** The attempt that ended, from 1. */
    readonly attempt: number;
    /** The server its handler still runs on. */
    readonly serverId: string;
    /** Why the attempt ended. */
    readonly reason: 'timeout' | 'leaseLost' | 'deleted' | 'stopping' | 'snoozed';
  };
  /** An overrunning handler (see `job.overrunning`) settled at last: its slots are free. */
  'job.overrunEnded': JobEventBase & {
    /** The attempt whose handler settled, from 1. */
    readonly attempt: number;
    /** The server it ran on. */
    readonly serverId: string;
    /** How long it ran after its attempt ended. */
    readonly overrunMs: number;
  };
  /**
   * A batch ended: its last job finished here, it was cancelled here, or this process's
   * recovery sweep ended it (or resolved it after the process that ended it stopped).
   */
  'batch.ended': {
    /** The batch's id. */
    readonly batchId: string;
    /** How it ended (see `BatchState`). */
    readonly state: 'succeeded' | 'finished' | 'cancelled';
    /** The batch it is nested in, or null. */
    readonly parentBatchId: string | null;
  };
  /** A recurring job enqueued its job for one occurrence (exactly one server does, per occurrence). */
  'recurring.enqueued': {
    /** The recurring job's id. */
    readonly recurringId: string;
    /** The id of the job enqueued. */
    readonly jobId: string;
    /** The occurrence of the schedule the job is for (the time of a trigger). */
    readonly occurrence: Date;
  };
  /** A recurring job was added, updated, removed, paused or resumed in this process. */
  'recurring.changed': {
    /** The recurring job's id. */
    readonly recurringId: string;
  };
  /** A queue was paused in this process (servers elsewhere see it at their next refresh). */
  'queue.paused': {
    /** The queue's name. */
    readonly queue: string;
  };
  /** A queue was resumed in this process (servers elsewhere see it at their next refresh). */
  'queue.resumed': {
    /** The queue's name. */
    readonly queue: string;
  };
  /**
   * How a server learns of work other processes create changed: once at its start, then
   * whenever its push channel (change stream or notices tail) fails (`polling`, with the
   * reason) or is reopened.
   */
  'server.pickup': {
    /** The server's id. */
    readonly serverId: string;
    /** How it learns of new work from now on. */
    readonly mode: PickupMode;
    /** Why the mode changed, when known (the push channel's failure). */
    readonly reason?: string;
  };
  /** A failure outside any single job's outcome (storage, a throwing listener...). */
  error: {
    /** The failure. */
    readonly error: Error;
    /** What Docket was doing, e.g. `a 'job.succeeded' listener threw`. */
    readonly context: string;
  };
}

/** An event name of {@link DocketEvents}. */
export type DocketEventName = keyof DocketEvents;
