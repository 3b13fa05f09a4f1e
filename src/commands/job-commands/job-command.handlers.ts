import { inject } from 'tsyringe';
import { JOB_SCHEDULER, type IJobScheduler } from '../../scheduler/job-scheduler.interface';
import type { ICommand, ResultOf } from '../command.interface';
import { CommandHandler } from '../command-handler.decorator';
import type { ICommandHandler } from '../command-handler.interface';
import { CreateBatchCommand } from './create-batch.command';
import { DeleteJobCommand } from './delete-job.command';
import { EnqueueJobCommand } from './enqueue-job.command';
import { ScheduleJobCommand } from './schedule-job.command';

/** What the job commands need of an {@link IJobScheduler}. */
export type JobCommandScheduler = Pick<
  IJobScheduler,
  'enqueue' | 'schedule' | 'delete' | 'createBatch'
>;

/** The commands that act on jobs through the {@link IJobScheduler}. */
export type JobCommand =
  EnqueueJobCommand | ScheduleJobCommand | DeleteJobCommand | CreateBatchCommand;

/** Whether `command` is one of Docket's {@link JobCommand}s. */
export function isJobCommand(command: unknown): command is JobCommand {
  return (
    command instanceof EnqueueJobCommand ||
    command instanceof ScheduleJobCommand ||
    command instanceof DeleteJobCommand ||
    command instanceof CreateBatchCommand
  );
}

/**
 * Runs one of Docket's job commands on `scheduler`, for buses other than Docket's: an
 * adapter over your own bus calls it first and falls through to your bus when it returns
 * `undefined`.
 *
 * ```ts
 * execute<C extends ICommand>(command: C): Promise<ResultOf<C>> {
 *   return handleJobCommand(this.scheduler, command) ?? this.myBus.execute(command);
 * }
 * ```
 * @returns The scheduler's answer (a job or batch id, or whether a job was deleted), or `undefined`
 *   when `command` is not a job command.
 */
export function handleJobCommand<C extends ICommand>(
  scheduler: JobCommandScheduler,
  command: C,
): Promise<ResultOf<C>> | undefined {
  const candidate: unknown = command;
  let result: Promise<string | boolean>;
  if (candidate instanceof EnqueueJobCommand) {
    result = scheduler.enqueue(candidate.job, candidate.options);
  } else if (candidate instanceof ScheduleJobCommand) {
    result = scheduler.schedule(candidate.job, candidate.when, candidate.options);
  } else if (candidate instanceof DeleteJobCommand) {
    result = scheduler.delete(candidate.jobId);
  } else if (candidate instanceof CreateBatchCommand) {
    result = scheduler.createBatch(candidate.spec, candidate.options);
  } else {
    return undefined;
  }
  // The branches above are exactly the commands whose ResultOf is string / boolean.
  return result as Promise<ResultOf<C>>;
}

/** Docket's handler of {@link EnqueueJobCommand}: `IJobScheduler.enqueue`. */
@CommandHandler(EnqueueJobCommand)
export class EnqueueJobCommandHandler implements ICommandHandler<EnqueueJobCommand> {
  constructor(@inject(JOB_SCHEDULER) private readonly scheduler: IJobScheduler) {}

  execute(command: EnqueueJobCommand): Promise<string> {
    return this.scheduler.enqueue(command.job, command.options);
  }
}

/** Docket's handler of {@link ScheduleJobCommand}: `IJobScheduler.schedule`. */
@CommandHandler(ScheduleJobCommand)
export class ScheduleJobCommandHandler implements ICommandHandler<ScheduleJobCommand> {
  constructor(@inject(JOB_SCHEDULER) private readonly scheduler: IJobScheduler) {}

  execute(command: ScheduleJobCommand): Promise<string> {
    return this.scheduler.schedule(command.job, command.when, command.options);
  }
}

/** Docket's handler of {@link DeleteJobCommand}: `IJobScheduler.delete`. */
@CommandHandler(DeleteJobCommand)
export class DeleteJobCommandHandler implements ICommandHandler<DeleteJobCommand> {
  constructor(@inject(JOB_SCHEDULER) private readonly scheduler: IJobScheduler) {}

  execute(command: DeleteJobCommand): Promise<boolean> {
    return this.scheduler.delete(command.jobId);
  }
}

/** Docket's handler of {@link CreateBatchCommand}: `IJobScheduler.createBatch`. */
@CommandHandler(CreateBatchCommand)
export class CreateBatchCommandHandler implements ICommandHandler<CreateBatchCommand> {
  constructor(@inject(JOB_SCHEDULER) private readonly scheduler: IJobScheduler) {}

  execute(command: CreateBatchCommand): Promise<string> {
    return this.scheduler.createBatch(command.spec, command.options);
  }
}

/** The four handlers above, which `CommandBus.register` adds unless `jobCommands: false`. */
export const JOB_COMMAND_HANDLERS = Object.freeze([
  EnqueueJobCommandHandler,
  ScheduleJobCommandHandler,
  DeleteJobCommandHandler,
  CreateBatchCommandHandler,
] as const);
