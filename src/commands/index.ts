export { BaseCommand, type CommandClass, type ICommand, type ResultOf } from './command.interface';
export { Command } from './command.decorator';
export {
  CommandHandler,
  commandHandlerMetadataOf,
  decoratedCommandHandlerClasses,
  type CommandHandlerClass,
  type CommandHandlerMetadata,
} from './command-handler.decorator';
export type { ICommandHandler } from './command-handler.interface';
export { COMMAND_BUS, type ICommandBus } from './command-bus.interface';
export { CommandBus, type CommandBusOptions } from './command-bus';
export { commandClassFor, commandTypeOf } from './command-type-registry';
export { EnqueueJobCommand } from './job-commands/enqueue-job.command';
export { ScheduleJobCommand } from './job-commands/schedule-job.command';
export { DeleteJobCommand } from './job-commands/delete-job.command';
export { CreateBatchCommand } from './job-commands/create-batch.command';
export {
  CreateBatchCommandHandler,
  DeleteJobCommandHandler,
  EnqueueJobCommandHandler,
  JOB_COMMAND_HANDLERS,
  ScheduleJobCommandHandler,
  handleJobCommand,
  isJobCommand,
  type JobCommand,
  type JobCommandScheduler,
} from './job-commands/job-command.handlers';
export { ExecuteCommandJob } from './execute-command.job';
export { ExecuteCommandJobHandler } from './execute-command-job.handler';
