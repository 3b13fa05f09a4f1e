import type { JobErrorInfo } from '../storage/job-record';
import type { PickupMode } from '../storage/server-info';

/** Identifies the job an event is about. */
export interface JobEventBase {
  readonly jobId: string;
  readonly jobType: string;
  readonly queue: string;
}

/** Every event Docket emits, by name, with its payload. */
export interface DocketEvents {
  'job.enqueued': JobEventBase & { readonly dueAt: Date };
  'job.started': JobEventBase & { readonly attempt: number; readonly serverId: string };
  'job.succeeded': JobEventBase & { readonly attempt: number; readonly durationMs: number };
  'job.retried': JobEventBase & {
    readonly attempt: number;
    readonly error: JobErrorInfo;
    readonly nextAttemptAt: Date;
  };
  'job.failed': JobEventBase & { readonly attempt: number; readonly error: JobErrorInfo };
  'job.deleted': JobEventBase & { readonly wasRunning: boolean };
  'job.progress': JobEventBase & { readonly percent: number; readonly message?: string };
  /**
   * A lease this server held was lost: the job was deleted or taken over, or no renewal was
   * confirmed before the server's own deadline for it. Its handler is aborted with
   * `LeaseLostError` (or `JobDeletedError`) and nothing more is written for the attempt.
   */
  'job.leaseLost': JobEventBase & { readonly attempt: number };
  /**
   * An attempt ended (it timed out, lost its lease, was deleted, or its server is stopping)
   * but its handler ignores its signal and still runs. The attempt's outcome is recorded
   * (when the lease allowed); the invocation keeps its concurrency slots (per server, type,
   * queue and global) until it settles (`job.overrunEnded`), so that no limit is exceeded.
   */
  'job.overrunning': JobEventBase & {
    readonly attempt: number;
    readonly serverId: string;
    readonly reason: 'timeout' | 'leaseLost' | 'deleted' | 'stopping';
  };
  /** An overrunning handler (see `job.overrunning`) settled at last: its slots are free. */
  'job.overrunEnded': JobEventBase & {
    readonly attempt: number;
    readonly serverId: string;
    /** How long it ran after its attempt ended. */
    readonly overrunMs: number;
  };
  /**
   * A batch ended: its last job finished here, it was cancelled here, or this process's
   * recovery sweep ended it (or resolved it after the process that ended it stopped).
   */
  'batch.ended': {
    readonly batchId: string;
    readonly state: 'succeeded' | 'finished' | 'cancelled';
    readonly parentBatchId: string | null;
  };
  /** A recurring job enqueued its job for one occurrence (exactly one server does, per occurrence). */
  'recurring.enqueued': {
    readonly recurringId: string;
    readonly jobId: string;
    readonly occurrence: Date;
  };
  /** A recurring job was added, updated, removed, paused or resumed in this process. */
  'recurring.changed': { readonly recurringId: string };
  /** A queue was paused or resumed in this process (servers elsewhere see it at their next refresh). */
  'queue.paused': { readonly queue: string };
  'queue.resumed': { readonly queue: string };
  /**
   * How a server learns of work other processes create changed: once at its start, then
   * whenever its push channel (change stream or notices tail) fails (`polling`, with the
   * reason) or is reopened.
   */
  'server.pickup': {
    readonly serverId: string;
    readonly mode: PickupMode;
    readonly reason?: string;
  };
  /** A failure outside any single job's outcome (storage, a throwing listener...). */
  error: { readonly error: Error; readonly context: string };
}

/** An event name of {@link DocketEvents}. */
export type DocketEventName = keyof DocketEvents;
