/**
 * Docket: background jobs for TypeScript services, backed by MongoDB.
 * This file is the public API; everything else is internal.
 * @module docket
 */
// tsyringe, loaded by what follows, needs the Reflect metadata API before it loads; the
// application's own import of reflect-metadata may come later than ours.
import 'reflect-metadata';

export { Docket } from './docket';
export type { DocketOptions, DocketMongoOptions, QueueStateOptions } from './docket-options';
export type { RetentionOptions } from './storage/retention';
export type { JobLogOptions, JobLogLevel } from './logging/job-log-options';
export type { JobLogLine, JobLogPage, StoredJobLogLine } from './storage/job-logs';
export type { ArtefactOptions } from './storage/artefact-options';
export type { ArtefactFile, ArtefactInfo, ArtefactStorage } from './storage/artefacts';
export type { ArtefactData, JobArtefacts } from './handlers/job-artefacts';
export { GridFsArtefactStorage } from './storage/mongo/gridfs-artefact-storage';
export { FileSystemArtefactStorage } from './storage/files/file-system-artefact-storage';
export type { QueueInfo } from './storage/queue-info';
export type { RateLimitInfo, RateLimitScope } from './storage/rate-limit-store';
export type { PickupMode, ServerInfo } from './storage/server-info';
export type { WaitingJobType } from './storage/waiting-job-types';
export { SCHEMA_VERSION } from './schema/schema-version';
export type { SchemaVersion } from './schema/schema-version';
export type { OnOlderSchema, SchemaOptions } from './schema/schema-options';
export type {
  AppliedSchemaStep,
  PendingSchemaStep,
  SchemaMigration,
  SchemaStatus,
} from './schema/schema-status';

export { Job } from './jobs/job.decorator';
export type { IJob, JobClass } from './jobs/job.interface';

export { JobHandler } from './handlers/job-handler.decorator';
export type { JobHandlerOptions, HandlerClass } from './handlers/job-handler.decorator';
export type { BackoffOptions, IsolationMode } from './handlers/job-handler-options';
export type {
  AttemptsExhaustedAction,
  BackoffFunction,
  ErrorClass,
  RetryOn,
  RetryPredicate,
} from './handlers/failure-policy-options';
export type { RateLimitOptions } from './options/rate-limit-options';
export type { DistributedLocks, LockHandle, LockOptions } from './locks';
export type {
  EnqueueConcurrencyKey,
  HandlerConcurrencyKey,
  KeyOrder,
} from './options/concurrency-key-options';
export type { IJobHandler, JobResultOf } from './handlers/job-handler.interface';
export type { JobContext } from './handlers/job-context';
export type { SnoozeOptions } from './handlers/snooze-options';

export { JOB_SCHEDULER } from './scheduler/job-scheduler.interface';
export type { IJobScheduler, FinishedJob } from './scheduler/job-scheduler.interface';
export type {
  EnqueueOptions,
  DebounceOptions,
  DuplicateIdPolicy,
  DuplicateKeyPolicy,
  ContinuationOptions,
  MarkFailedOptions,
  MarkSucceededOptions,
  ScheduleTime,
} from './scheduler/job-scheduler-options';
export type { JobWaitOptions } from './scheduler/job-wait-options';
export type {
  BatchContinuationCondition,
  BatchContinuationItem,
  BatchContinuationOptions,
  BatchInfo,
  BatchJobItem,
  BatchJobOptions,
  BatchSpec,
  BatchState,
  CreateBatchOptions,
} from './batches/batch-types';
export type { BatchPage, ListBatchesOptions } from './batches/batch-verbs';
export type {
  CountJobsOptions,
  FindJobsOptions,
  JobCount,
  JobFilter,
  JobPage,
  PayloadFilterValue,
  SortDirection,
  TimeRangeFilter,
} from './job-search';
export type { JobSortField } from './storage/job-criteria';
export type { JobSummary } from './storage/job-summary';
export type { BulkActionResult, DrainQueueOptions, JobSelection } from './bulk-actions';

export { DOCKET_FILTER } from './filters/docket-filter';
export type {
  DocketFilter,
  DocketFilterClass,
  DocketFilterEntry,
  EnqueueFilterContext,
  EnqueueSource,
  ExecutionFilterContext,
  JobMetadata,
  JobStateChange,
} from './filters/docket-filter';

export { Recurring } from './recurring/recurring.decorator';
export type { RecurringDeclarationOptions } from './recurring/recurring.decorator';
export type {
  RecurringOptions,
  MissedRunPolicy,
  OverlapPolicy,
} from './recurring/recurring-options';
export type { RecurringInterval, RecurringSchedule } from './recurring/schedule-shape';
export type { RecurringJobInfo } from './recurring/recurring-record';

export type { JobServer } from './server/job-server.interface';
export type { JobServerOptions } from './server/job-server-options';
export type { IsolationOptions, IsolationResourceLimits } from './isolation/isolation-options';
export type { IsolationBootstrapModule } from './isolation/worker-bootstrap';
export { handleShutdownSignals } from './server/shutdown-signals';
export type { Closable, ShutdownSignalOptions } from './server/shutdown-signals';
export type { Clock } from './server/clock';

export type { DocketEvents, DocketEventName, JobEventBase } from './events/docket-events';
export type { JobEventStream, JobEventStreamOptions } from './job-events';
export { JOB_STREAM_EVENT_NAMES } from './storage/job-stream-event';
export type {
  JobStreamEvent,
  JobStreamEventBase,
  JobStreamEventName,
  JobStreamError,
} from './storage/job-stream-event';
export type {
  JobRecord,
  JobState,
  JobHistoryEntry,
  JobErrorInfo,
  JobProgress,
  JobCheckpoint,
  JobSnooze,
  ContinuationPolicy,
} from './storage/job-record';

export {
  DocketError,
  DocketClosedError,
  DuplicateHandlerError,
  DuplicateJobTypeError,
  HandlerNotFoundError,
  InvalidCronExpressionError,
  InvalidOptionsError,
  IsolatedWorkerExitedError,
  IsolationUnsupportedError,
  JobDeletedError,
  JobNotFoundError,
  JobTimeoutError,
  JobExpiredError,
  DuplicateJobIdError,
  JobValidationError,
  JobWaitTimeoutError,
  JobEventsLostError,
  LeaseLostError,
  NonRetryableError,
  AttemptCommittedError,
  TransactionTooLongError,
  JobFilterError,
  EnqueueRefusedError,
  ArtefactTooLargeError,
  ResultTooLargeError,
  NonSerializableResultError,
  CheckpointTooLargeError,
  NonSerializableCheckpointError,
  JobSnoozedError,
  SnoozeLimitError,
  NonSerializablePayloadError,
  PayloadTooLargeError,
  StorageError,
  SchemaVersionError,
  UnknownJobTypeError,
  UnknownQueueError,
  UnresolvableDependencyError,
  ServerStartError,
  ServerStoppingError,
  TransactionsUnsupportedError,
  UniqueKeyConflictError,
  RecurringJobNotFoundError,
  BatchNotFoundError,
  InvalidConcurrencyKeyError,
  LockLostError,
  LockTimeoutError,
} from './errors';
export type {
  DocketErrorDetails,
  FilterHook,
  IsolatedWorkerExit,
  IsolatedWorkerExitReason,
  SchemaVersionRefusal,
  UnresolvableDependency,
  UnresolvableDependencyReason,
  ValidationIssue,
} from './errors';

// Commands and sagas
export {
  BaseCommand,
  COMMAND_BUS,
  Command,
  CommandBus,
  CommandHandler,
  CreateBatchCommand,
  CreateBatchCommandHandler,
  DeleteJobCommand,
  DeleteJobCommandHandler,
  EnqueueJobCommand,
  EnqueueJobCommandHandler,
  ExecuteCommandJob,
  ExecuteCommandJobHandler,
  JOB_COMMAND_HANDLERS,
  ScheduleJobCommand,
  ScheduleJobCommandHandler,
  handleJobCommand,
  isJobCommand,
} from './commands';
export type {
  CommandBusOptions,
  CommandClass,
  CommandHandlerClass,
  ICommand,
  ICommandBus,
  ICommandHandler,
  JobCommand,
  JobCommandScheduler,
  ResultOf,
} from './commands';
export { OnEvent, SAGA_RUNNER, Saga, SagaRunner } from './sagas';
export type {
  EventClass,
  SagaClass,
  SagaContext,
  SagaOutcome,
  SagaReaction,
  SagaReactionMethod,
  SagaRunnerOptions,
} from './sagas';
export {
  CommandHandlerNotFoundError,
  DuplicateCommandHandlerError,
  DuplicateCommandTypeError,
  SagaExecutionError,
  UnknownCommandTypeError,
} from './errors';
export type { SagaFailure } from './errors';
