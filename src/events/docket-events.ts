import type { JobErrorInfo } from '../storage/job-record';

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
  /** A lease this server held was lost (deleted, expired and taken over); its handler is aborted. */
  'job.leaseLost': JobEventBase & { readonly attempt: number };
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
  /** A failure outside any single job's outcome (storage, a throwing listener...). */
  error: { readonly error: Error; readonly context: string };
}

/** An event name of {@link DocketEvents}. */
export type DocketEventName = keyof DocketEvents;
