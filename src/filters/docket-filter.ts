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
  readonly jobType: string;
  /** The payload as it will be stored (read it; changing it is not supported). */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly queue: string;
  readonly priority: number;
  /** When it becomes due (now for an enqueue; later for a schedule). */
  readonly dueAt: Date;
  readonly source: EnqueueSource;
  /** For a recurring job's occurrence: the recurring job's id. */
  readonly recurringId?: string;
  /** The job's metadata so far: a hook adds, changes or removes entries. */
  readonly metadata: JobMetadata;
}

/** What the execution hooks see of an attempt. */
export interface ExecutionFilterContext {
  readonly jobId: string;
  readonly jobType: string;
  readonly queue: string;
  readonly attempt: number;
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
  readonly jobId: string;
  readonly jobType: string;
  readonly queue: string;
} & (
  | { readonly state: 'enqueued'; readonly dueAt: Date }
  | { readonly state: 'processing'; readonly attempt: number; readonly serverId: string }
  | { readonly state: 'succeeded'; readonly attempt: number; readonly durationMs: number }
  | {
      readonly state: 'retrying';
      readonly attempt: number;
      readonly error: JobErrorInfo;
      readonly nextAttemptAt: Date;
    }
  | { readonly state: 'failed'; readonly attempt: number; readonly error: JobErrorInfo }
  | { readonly state: 'deleted'; readonly wasRunning: boolean }
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
