import type { IJob } from '../jobs/job.interface';
import type { JobContext } from './job-context';

/**
 * Runs jobs of one type. Decorate the class with `@JobHandler(TheJobClass, options)`;
 * Docket resolves a fresh instance from a child of your tsyringe container for every
 * execution, so constructor-injected dependencies (scoped ones included) work.
 */
export interface IJobHandler<T extends IJob, TResult = void> {
  /**
   * Runs one attempt of a job. Resolving marks the job succeeded; throwing (or rejecting,
   * or running past the timeout) fails the attempt, and the job is retried while it has
   * attempts left.
   *
   * What it resolves with is the job's result: stored with the job (`JobRecord.result`, the
   * REST API, `waitForJob`) and given to its continuations (`JobContext.parentResult`).
   * Results are stored by the rules of payloads (plain data, Dates, bytes...) and must fit in
   * the `maxResultBytes` option (1 MiB by default) as BSON; one that does not fails the
   * attempt with `NonSerializableResultError` or `ResultTooLargeError`.
   * @param job - The job, rebuilt as an instance of its class and validated.
   * @param context - The execution's signal, ids, attempt numbers, logger and progress.
   */
  handle(job: T, context: JobContext): Promise<TResult>;
}

/**
 * The result type of a handler class or instance, as stored: e.g.
 * `docket.getJob<JobResultOf<ReportHandler>>(id)` or `ctx.parentResult as JobResultOf<...>`.
 */
export type JobResultOf<H> = H extends abstract new (...args: never[]) => infer I
  ? JobResultOf<I>
  : H extends {
        /** A handler's `handle`: what its promise resolves to is the result. */
        handle(...args: never[]): Promise<infer R>;
      }
    ? R
    : never;
