import { DocketError, type DocketErrorDetails } from './docket-error';

/** The hook of a filter that failed. */
export type FilterHook =
  | 'onEnqueue'
  | 'beforeExecution'
  | 'onExecute'
  | 'afterExecution'
  | 'onExecutionError'
  | 'onStateChanged';

/**
 * A job filter's hook threw (its error is the `cause`), or left metadata Docket cannot
 * store. Thrown by the enqueue call for an `onEnqueue` hook, before anything is written;
 * the error of the attempt for an execution hook, which then fails and is retried like any
 * other failure. A filter refuses an enqueue on purpose with {@link EnqueueRefusedError},
 * which reaches the caller as it is.
 */
export class JobFilterError extends DocketError {
  /**
   * @param filter - The filter's name.
   * @param hook - The hook that failed.
   * @param why - What went wrong (the cause's message, or what was wrong with the metadata).
   * @param details - The job concerned and the `cause`.
   */
  constructor(
    readonly filter: string,
    readonly hook: FilterHook,
    why: string,
    details: DocketErrorDetails = {},
  ) {
    super(
      `Job filter '${filter}' failed in ${hook}${details.jobType ? ` (job type '${details.jobType}')` : ''}: ${why}`,
      details,
    );
  }

  override get name(): string {
    return 'JobFilterError';
  }

  override get code(): string {
    return 'JOB_FILTER';
  }
}

/**
 * Thrown by a filter's `onEnqueue` to refuse an enqueue (a tenant over its quota, a job type
 * switched off): the enqueue call rejects with it as it is, nothing is written. Subclass it
 * to give the refusal a type of its own.
 */
export class EnqueueRefusedError extends DocketError {
  override get name(): string {
    return 'EnqueueRefusedError';
  }

  override get code(): string {
    return 'ENQUEUE_REFUSED';
  }
}
