export { HandlerRegistry, type HandlerRegistration } from './handler-registry';
export type { JobContext } from './job-context';
export type { SnoozeOptions } from './snooze-options';
export {
  HANDLER_DEFAULTS,
  resolveJobHandlerOptions,
  type BackoffOptions,
  type JobHandlerOptions,
  type ResolvedBackoffOptions,
  type ResolvedJobHandlerOptions,
} from './job-handler-options';
export {
  JobHandler,
  decoratedHandlerClasses,
  jobHandlerMetadataOf,
  type HandlerClass,
  type JobHandlerMetadata,
} from './job-handler.decorator';
export type { IJobHandler, JobResultOf } from './job-handler.interface';
export { checkHandlerDependencies } from './handler-dependencies';
