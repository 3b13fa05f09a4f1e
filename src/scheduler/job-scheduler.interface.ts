import type { InjectionToken } from 'tsyringe';
import type { IJob } from '../jobs';

/** Options of {@link IJobScheduler.enqueue} and {@link IJobScheduler.schedule}. */
export interface EnqueueOptions {
  /**
   * The queue the job waits in; a server claims only from the queues it lists.
   * @defaultValue `'default'`
   */
  queue?: string;
  /**
   * Higher runs first among due jobs of the same queues; an integer from -1000 to 1000.
   * @defaultValue `0`
   */
  priority?: number;
  /**
   * Attempts before the job fails for good (integer 1..1000).
   * @defaultValue the handler's `retries + 1` (4 when the handler sets nothing)
   */
  maxAttempts?: number;
  /**
   * How long one attempt may run before its signal is aborted and the attempt fails (ms).
   * @defaultValue the handler's `timeoutMs` (30 minutes when the handler sets nothing)
   */
  timeoutMs?: number;
}

/** When a scheduled job becomes due: at a time, or after a delay from now. */
export type ScheduleTime = { readonly at: Date } | { readonly delayMs: number };

/**
 * Defers work: persists jobs that servers (in this process or any other) will run.
 * Resolve it from the container with {@link JOB_SCHEDULER}.
 */
export interface IJobScheduler {
  /**
   * Stores a job to run as soon as a server is free; resolves with its id once stored.
   * @throws UnknownJobTypeError when the job's class is not decorated with `@Job`.
   * @throws JobValidationError when the payload breaks its class-validator rules.
   * @throws NonSerializablePayloadError / PayloadTooLargeError when it cannot be stored.
   * @throws InvalidOptionsError for invalid options. Nothing is written when any of these throws.
   */
  enqueue(job: IJob, options?: EnqueueOptions): Promise<string>;
  /**
   * Stores a job to run at `when.at` or after `when.delayMs`; a past time runs it now.
   * Throws as {@link enqueue} does.
   */
  schedule(job: IJob, when: ScheduleTime, options?: EnqueueOptions): Promise<string>;
  /**
   * Deletes an unfinished job: a waiting one never runs, a running one has its signal
   * aborted and ends as deleted. Resolves false when the job is unknown or already finished.
   */
  delete(jobId: string): Promise<boolean>;
}

/** The container token under which `Docket.create` registers the {@link IJobScheduler}. */
export const JOB_SCHEDULER: InjectionToken<IJobScheduler> = Symbol.for('docket.IJobScheduler');
