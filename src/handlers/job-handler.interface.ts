import type { IJob } from '../jobs/job.interface';
import type { JobContext } from './job-context';

/**
 * Runs jobs of one type. Decorate the class with `@JobHandler(TheJobClass, options)`;
 * Docket resolves a fresh instance from a child of your tsyringe container for every
 * execution, so constructor-injected dependencies (scoped ones included) work.
 */
export interface IJobHandler<T extends IJob> {
  /**
   * Runs one attempt of a job. Resolving marks the job succeeded; throwing (or rejecting,
   * or running past the timeout) fails the attempt, and the job is retried while it has
   * attempts left.
   * @param job - The job, rebuilt as an instance of its class and validated.
   * @param context - The execution's signal, ids, attempt numbers, logger and progress.
   */
  handle(job: T, context: JobContext): Promise<void>;
}
