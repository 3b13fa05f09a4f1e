import type { IJob } from '../../jobs/job.interface';
import type { EnqueueOptions } from '../../scheduler/job-scheduler-options';
import { BaseCommand } from '../command.interface';

/**
 * Enqueues a job: what a saga, which may only emit commands, emits to cause one. Its
 * handler calls `IJobScheduler.enqueue(job, options)`; executing it resolves with the job id.
 *
 * ```ts
 * const jobId = await bus.execute(new EnqueueJobCommand(job, { queue: 'emails' }));
 * ```
 */
export class EnqueueJobCommand extends BaseCommand<string> {
  /**
   * @param job - An instance of a `@Job` class.
   * @param options - As for `IJobScheduler.enqueue`, passed through unchanged.
   */
  constructor(
    readonly job: IJob,
    readonly options?: EnqueueOptions,
  ) {
    super();
  }
}
