/**
 * Docket: background jobs for TypeScript services, backed by MongoDB.
 * This file is the public API; everything else is internal.
 */
export { Docket } from './docket';
export type { DocketOptions, DocketMongoOptions } from './docket-options';

export { Job } from './jobs/job.decorator';
export type { IJob, JobClass } from './jobs/job.interface';

export { JobHandler } from './handlers/job-handler.decorator';
export type { JobHandlerOptions } from './handlers/job-handler.decorator';
export type { IJobHandler } from './handlers/job-handler.interface';
export type { JobContext } from './handlers/job-context';

export { JOB_SCHEDULER } from './scheduler/job-scheduler.interface';
export type { IJobScheduler, EnqueueOptions, ScheduleTime } from './scheduler/job-scheduler.interface';

export { JobServer } from './server/job-server';
export type { JobServerOptions } from './server/job-server-options';
export { handleShutdownSignals } from './server/shutdown-signals';
export type { ShutdownSignalOptions } from './server/shutdown-signals';
export type { Clock } from './server/clock';

export type { DocketEvents, DocketEventName, JobEventBase } from './events/docket-events';
export type {
  JobRecord,
  JobState,
  JobHistoryEntry,
  JobErrorInfo,
  JobProgress,
} from './storage/job-record';

export {
  DocketError,
  DuplicateHandlerError,
  DuplicateJobTypeError,
  HandlerNotFoundError,
  InvalidCronExpressionError,
  InvalidOptionsError,
  JobDeletedError,
  JobNotFoundError,
  JobTimeoutError,
  JobValidationError,
  LeaseLostError,
  NonSerializablePayloadError,
  PayloadTooLargeError,
  StorageError,
  UnknownJobTypeError,
} from './errors';
export { ServerStoppingError } from './errors/server-stopping.error';
export type { DocketErrorDetails, ValidationIssue } from './errors';
