import type { InjectionToken } from 'tsyringe';
import type { JobContext } from '../handlers';
import type { IJob } from '../jobs';
import type { JobErrorInfo } from '../storage/job-record';

/**
 * Strings a job carries besides its payload, set by filters at enqueue (a trace context, a
 * tenant, a correlation id) and given to every filter that runs around its attempts. Stored
 * with the job; at most 32 entries, keys of 1 to 64 characters (letters, digits, `_ . : -`),
 * values of at most 1,024 characters.
 */
export type JobMetadata = Record<string, string>;

/** How a job came to be enqueued. */
export type EnqueueSource = 'enqueue' | 'schedule' | 'continuation' | 'recurring';

/** What an `onEnqueue` hook sees of a job about to be stored. */
export interface EnqueueFilterContext {
  /** Stable job type name of the job. */
  readonly jobType: string;
  /** The payload as it will be stored (read it; changing it is not supported). */
  readonly payload: Readonly<Record<string, unknown>>;
  /** The queue it will wait in. */
  readonly queue: string;
  /** Its priority (higher runs first). */
  readonly priority: number;
  /** When it becomes due (now for an enqueue; later for a schedule). */
  readonly dueAt: Date;
  /** How it came to be enqueued. */
  readonly source: EnqueueSource;
  /** For a recurring job's occurrence: the recurring job's id. */
  readonly recurringId?: string;
  /** The job's metadata so far: a hook adds, changes or removes entries. */
  readonly metadata: JobMetadata;
}

/** What the execution hooks see of an attempt. */
export interface ExecutionFilterContext {
  /** The job's id. */
  readonly jobId: string;
  /** Its stable job type name. */
  readonly jobType: string;
  /** Its queue. */
  readonly queue: string;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  /** Attempts the job may have: its own `maxAttempts`, else the handler's `retries + 1`. */
  readonly maxAttempts: number;
  /** When the job was stored. */
  readonly createdAt: Date;
  /** When this attempt became due (a retry's due time for a retry). */
  readonly dueAt: Date;
  /** When this attempt was claimed (`startedAt − dueAt` is how long it waited in its queue). */
  readonly startedAt: Date;
  /** The job, rebuilt from its payload and validated, as the handler receives it. */
  readonly job: IJob;
  /** The metadata filters stored with the job at enqueue. */
  readonly metadata: Readonly<JobMetadata>;
  /** The context the handler receives: signal, logger, progress... */
  readonly context: JobContext;
}

/** A state a job entered, as this process saw it happen (see {@link DocketFilter.onStateChanged}). */
export type JobStateChange = {
  /** The job's id. */
  readonly jobId: string;
  /** Its stable job type name. */
  readonly jobType: string;
  /** Its queue. */
  readonly queue: string;
} & (
  | {
      /** Stored, waiting to be due or claimed. */
      readonly state: 'enqueued';
      /** When it becomes due. */
      readonly dueAt: Date;
    }
  | {
      /** Claimed by a server of this process; its handler starts. */
      readonly state: 'processing';
      /** The attempt's number, from 1. */
      readonly attempt: number;
      /** The server running it. */
      readonly serverId: string;
    }
  | {
      /** Its handler succeeded. */
      readonly state: 'succeeded';
      /** The attempt's number, from 1. */
      readonly attempt: number;
      /** How long the handler ran, in ms. */
      readonly durationMs: number;
    }
  | {
      /** An attempt failed; the job is scheduled for another. */
      readonly state: 'retrying';
      /** The number of the attempt that failed, from 1. */
      readonly attempt: number;
      /** What it threw. */
      readonly error: JobErrorInfo;
      /** When the next attempt becomes due. */
      readonly nextAttemptAt: Date;
    }
  | {
      /** An attempt failed and none is left. */
      readonly state: 'failed';
      /** The number of the last attempt, from 1. */
      readonly attempt: number;
      /** What it threw. */
      readonly error: JobErrorInfo;
    }
  | {
      /** Deleted (or cancelled as a continuation). */
      readonly state: 'deleted';
      /** It was `processing`: its handler is aborted. */
      readonly wasRunning: boolean;
    }
);

/**
 * A job filter: hooks around enqueue (the caller's side), around each attempt (the server's
 * side) and on state changes, for cross-cutting concerns (tracing, metrics, tenancy, audit)
 * that do not belong in every handler. Every hook is optional and may be async.
 *
 * **Order.** Filters run by ascending `order` (default 0); equal orders keep their
 * registration order, those of `DocketOptions.filters` before those of the container.
 * `onEnqueue`, `beforeExecution` and `onStateChanged` run first to last; `onExecute` hooks
 * nest, the first filter outermost; `afterExecution` and `onExecutionError` run last to
 * first, as they unwind.
 *
 * **Failures.** A hook that throws fails what it is part of, never the server: `onEnqueue`
 * fails the enqueue call (with {@link JobFilterError}, or the filter's own
 * `EnqueueRefusedError` as it is) before anything is written; an execution hook fails the
 * attempt with a `JobFilterError`, which is retried like any failure; `onStateChanged` is
 * told of a change already stored, so its error is reported on the `error` event.
 */
export interface DocketFilter {
  /** Names the filter in errors and logs. @defaultValue the class name */
  readonly name?: string;
  /** The job types it applies to. @defaultValue all */
  readonly jobTypes?: readonly string[];
  /** Where it runs among the filters (lower first). @defaultValue 0 */
  readonly order?: number;
  /**
   * Before a job is stored, in the enqueuing process (enqueue, schedule, continuations,
   * recurring occurrences): may add metadata, or refuse by throwing.
   */
  onEnqueue?(context: EnqueueFilterContext): void | Promise<void>;
  /** Before the handler runs; throwing fails the attempt without running it. */
  beforeExecution?(context: ExecutionFilterContext): void | Promise<void>;
  /**
   * Wraps the handler: call `next()` to run it (and the filters inside this one) and return
   * what it resolves with, or its rejection; a filter may also not call it, or call it
   * within a context of its own (an active trace span, a logging scope).
   */
  onExecute?(context: ExecutionFilterContext, next: () => Promise<unknown>): Promise<unknown>;
  /** After the handler resolved, with what it resolved with. */
  afterExecution?(context: ExecutionFilterContext, result: unknown): void | Promise<void>;
  /**
   * After the handler (or a filter inside this one) threw, with the error; the attempt fails
   * with it whatever the hook does (throwing replaces it with a `JobFilterError`).
   */
  onExecutionError?(context: ExecutionFilterContext, error: unknown): void | Promise<void>;
  /** After this process stored a job's new state (enqueued, processing, succeeded...). */
  onStateChanged?(change: JobStateChange): void | Promise<void>;
}

/** A class of filters, which the container constructs (its dependencies injected). */
// Constructor parameters are the container's to provide, whatever their types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DocketFilterClass = new (...args: any[]) => DocketFilter;

/** A filter, or a class of one. */
export type DocketFilterEntry = DocketFilter | DocketFilterClass;

/**
 * The container token for filters: `container.register(DOCKET_FILTER, { useClass: AuditFilter })`
 * (once per filter, before the first enqueue). Docket resolves them all once, at its first
 * enqueue or attempt, after those of `DocketOptions.filters`.
 */
export const DOCKET_FILTER: InjectionToken<DocketFilter> = Symbol.for('docket.filter');
