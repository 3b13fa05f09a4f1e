import type { IJob } from '../../jobs/job.interface';
import type { EnqueueOptions, ScheduleTime } from '../../scheduler/job-scheduler-options';
import { BaseCommand } from '../command.interface';

/**
 * Schedules a job at a time or after a delay. Its handler calls
 * `IJobScheduler.schedule(job, when, options)`; executing it resolves with the job id.
 *
 * The canonical saga timeout:
 * ```ts
 * new ScheduleJobCommand(new ExecuteCommandJob(new CancelUnpaidOrder(orderId)), { delayMs: 900_000 })
 * ```
 */
export class ScheduleJobCommand extends BaseCommand<string> {
  /**
   * @param job - An instance of a `@Job` class.
   * @param when - `{ at: Date }` or `{ delayMs }`, as for `IJobScheduler.schedule`.
   * @param options - As for `IJobScheduler.schedule`, passed through unchanged.
   */
  constructor(
    readonly job: IJob,
    readonly when: ScheduleTime,
    readonly options?: EnqueueOptions,
  ) {
    super();
  }
}
