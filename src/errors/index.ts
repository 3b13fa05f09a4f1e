export { DocketError, type DocketErrorDetails } from './docket-error';
export { DocketClosedError } from './docket-closed.error';
export { DuplicateHandlerError } from './duplicate-handler.error';
export { DuplicateJobTypeError } from './duplicate-job-type.error';
export { HandlerNotFoundError } from './handler-not-found.error';
export { InvalidCronExpressionError } from './invalid-cron-expression.error';
export { InvalidOptionsError } from './invalid-options.error';
export {
  IsolatedWorkerExitedError,
  type IsolatedWorkerExit,
  type IsolatedWorkerExitReason,
} from './isolated-worker-exited.error';
export { IsolationUnsupportedError } from './isolation-unsupported.error';
export { MissingPeerDependencyError } from './missing-peer-dependency.error';
export { NonRetryableError } from './non-retryable.error';
export { JobDeletedError } from './job-deleted.error';
export { JobNotFoundError } from './job-not-found.error';
export { JobTimeoutError } from './job-timeout.error';
export { JobExpiredError } from './job-expired.error';
export { DuplicateJobIdError } from './duplicate-job-id.error';
export { JobWaitTimeoutError } from './job-wait-timeout.error';
export { JobEventsLostError } from './job-events-lost.error';
export { JobValidationError, type ValidationIssue } from './job-validation.error';
export { LeaseLostError } from './lease-lost.error';
export { AttemptCommittedError } from './attempt-committed.error';
export { TransactionTooLongError } from './transaction-too-long.error';
export { EnqueueRefusedError, JobFilterError, type FilterHook } from './job-filter.error';
export { ArtefactTooLargeError } from './artefact-too-large.error';
export { ResultTooLargeError } from './result-too-large.error';
export { NonSerializableResultError } from './non-serializable-result.error';
export { CheckpointTooLargeError } from './checkpoint-too-large.error';
export { NonSerializableCheckpointError } from './non-serializable-checkpoint.error';
export { JobSnoozedError } from './job-snoozed.error';
export { SnoozeLimitError } from './snooze-limit.error';
export { NonSerializablePayloadError } from './non-serializable-payload.error';
export { PayloadTooLargeError } from './payload-too-large.error';
export { ServerStartError } from './server-start.error';
export { ServerStoppingError } from './server-stopping.error';
export { StorageError } from './storage.error';
export { SchemaVersionError, type SchemaVersionRefusal } from './schema-version.error';
export { UnknownJobTypeError } from './unknown-job-type.error';
export { UnknownQueueError } from './unknown-queue.error';
export {
  UnresolvableDependencyError,
  type UnresolvableDependency,
  type UnresolvableDependencyReason,
} from './unresolvable-dependency.error';
// Commands and sagas
export { CommandHandlerNotFoundError } from './command-handler-not-found.error';
export { DuplicateCommandHandlerError } from './duplicate-command-handler.error';
export { DuplicateCommandTypeError } from './duplicate-command-type.error';
export { SagaExecutionError, type SagaFailure } from './saga-execution.error';
export { UnknownCommandTypeError } from './unknown-command-type.error';
export { RecurringJobNotFoundError } from './recurring-job-not-found.error';
export { BatchNotFoundError } from './batch-not-found.error';
export { TransactionsUnsupportedError } from './transactions-unsupported.error';
export { UniqueKeyConflictError } from './unique-key-conflict.error';
// Dashboard API client
export { DocketApiError, type DocketApiErrorInit } from './docket-api.error';
export { ApiAuthorizationError } from './api-authorization.error';
export { ApiConflictError } from './api-conflict.error';
export { ApiConnectionError } from './api-connection.error';
export { ApiNotFoundError } from './api-not-found.error';
export { ApiValidationError } from './api-validation.error';
// Concurrency keys and distributed locks
export { InvalidConcurrencyKeyError } from './invalid-concurrency-key.error';
export { LockLostError } from './lock-lost.error';
export { LockTimeoutError } from './lock-timeout.error';
