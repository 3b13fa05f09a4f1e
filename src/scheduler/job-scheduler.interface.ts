import type { InjectionToken } from 'tsyringe';
import type { BulkActionResult } from '../bulk-actions/bulk-action-result';
import type { JobSelection } from '../bulk-actions/job-selection';
import type { DrainQueueOptions } from '../bulk-actions/queue-drain';
import type { CountJobsOptions, FindJobsOptions } from '../job-search/find-jobs-options';
import type { JobFilter } from '../job-search/job-filter';
import type { JobCount, JobPage } from '../job-search/job-search';
import type { IJob } from '../jobs';
import type { RecurringJobInfo, RecurringOptions, RecurringSchedule } from '../recurring';
import type { JobRecord } from '../storage/job-record';
import type { JobWaitOptions } from './job-wait-options';
import type {
  BatchContinuationOptions,
  BatchInfo,
  BatchSpec,
  CreateBatchOptions,
} from '../batches/batch-types';
import type {
  ContinuationOptions,
  EnqueueOptions,
  MarkFailedOptions,
  MarkSucceededOptions,
  ScheduleTime,
} from './job-scheduler-options';

export type {
  ContinuationOptions,
  DebounceOptions,
  DuplicateIdPolicy,
  DuplicateKeyPolicy,
  EnqueueOptions,
  MarkFailedOptions,
  MarkSucceededOptions,
  ScheduleTime,
} from './job-scheduler-options';

/**
 * A job that ran to its end, as {@link IJobScheduler.waitForJob} resolves with it: the job as
 * `Docket.getJob` reads it, `succeeded`, or `failed` for good with its `error`. (A succeeded
 * job keeps the error of an earlier failed attempt, if it had one.) Results of handlers, when
 * they exist, will be a field of it.
 */
export interface FinishedJob extends JobRecord {
  /** How it ended; a deleted job rejects the wait instead. */
  state: 'succeeded' | 'failed';
}

/**
 * Defers work: persists jobs that servers (in this process or any other) will run.
 * Resolve it from the container with {@link JOB_SCHEDULER}.
 */
export interface IJobScheduler {
  /**
   * Stores a job to run as soon as a server is free; resolves with its id once stored.
   * @throws UnknownJobTypeError when the job's class is not decorated with `@Job`.
   * @throws JobValidationError when the payload breaks its class-validator rules.
   * @throws NonSerializablePayloadError / PayloadTooLargeError when it cannot be stored, or
   *   would be read back as something else: a function, a Map, a key starting with `$`, a
   *   key named `constructor`, `__proto__`, `prototype` or `_bsontype`, objects and arrays
   *   nested more than 98 levels below the payload (MongoDB stores 100 levels, the job
   *   document and its payload field included), a getter or Proxy trap that throws (the
   *   error names the path).
   * @throws InvalidOptionsError for invalid options (or options whose getters throw).
   *   Nothing is written when any of these throws.
   */
  enqueue(job: IJob, options?: EnqueueOptions): Promise<string>;
  /**
   * Stores many jobs in one round trip (an ordered `insertMany`); resolves with their ids in
   * order. Every job is checked before anything is written. `options` apply to every job and
   * may not carry a `uniqueKey`.
   * Throws as {@link enqueue} does; nothing is written when any job is invalid.
   */
  enqueueMany(jobs: readonly IJob[], options?: EnqueueOptions): Promise<string[]>;
  /**
   * Stores a job to run at `when.at` or after `when.delayMs`; a past time runs it now.
   * Throws as {@link enqueue} does.
   */
  schedule(job: IJob, when: ScheduleTime, options?: EnqueueOptions): Promise<string>;
  /**
   * Deletes a job: a waiting one never runs, a running one has its signal aborted and ends
   * as deleted, a finished one (succeeded or failed) is kept as deleted until retention
   * removes it (Hangfire's Delete). Resolves false when the job is unknown or already deleted.
   * @throws InvalidOptionsError when `jobId` is not a non-empty string.
   */
  delete(jobId: string): Promise<boolean>;
  /**
   * Runs a finished job again (succeeded, failed or deleted): it goes back to its queue with
   * fresh attempts, a new history entry and its error cleared (Hangfire's Requeue). Resolves
   * false when the job is unknown or unfinished.
   * @throws UniqueKeyConflictError when another unfinished job holds its uniqueKey.
   * @throws InvalidOptionsError when `jobId` is not a non-empty string.
   */
  requeue(jobId: string): Promise<boolean>;
  /**
   * Makes a waiting job (enqueued or scheduled) due now, ahead of its schedule (Hangfire's
   * "Enqueue now", BullMQ's `promote`). A job already due keeps its place in line. Resolves
   * true when the job is due now; false when it is unknown or not waiting (running, awaiting
   * its parent, finished), or when a server claimed it first.
   * @throws InvalidOptionsError when `jobId` is not a non-empty string.
   */
  runNow(jobId: string): Promise<boolean>;
  /**
   * Moves the due time of a waiting job (enqueued or scheduled) to `when.at` or `when.delayMs`
   * from now: it becomes `scheduled`, or `enqueued` when that time has come. Its attempts stay.
   * Resolves true when it moved; false as {@link runNow} does.
   * @throws InvalidOptionsError when `jobId` or `when` is invalid (as for {@link schedule}).
   */
  reschedule(jobId: string, when: ScheduleTime): Promise<boolean>;
  /**
   * Sets the priority of a waiting job (enqueued, scheduled, or awaiting its parent): an
   * integer from -1000 to 1000, as {@link EnqueueOptions.priority}. Resolves true when set;
   * false when the job is unknown, running or finished, or a server claimed it first.
   * @throws InvalidOptionsError when `jobId` or `priority` is invalid.
   */
  changePriority(jobId: string, priority: number): Promise<boolean>;
  /**
   * Replaces the payload of a waiting job (enqueued, scheduled, or awaiting its parent) with
   * `job`'s, which is checked as {@link enqueue} checks a job. Everything else stays (id,
   * due time, attempts). One write, pinned to the job as read: a server that claims the job
   * at the same moment runs either the payload from before (and the replacement resolves
   * false) or the new one, never a mix. Resolves false as {@link changePriority} does.
   * @throws InvalidOptionsError when `jobId` is invalid, or `job` is of another type than the
   *   job's.
   * @throws UnknownJobTypeError, JobValidationError, NonSerializablePayloadError,
   *   PayloadTooLargeError as {@link enqueue} does; nothing is written then.
   */
  replacePayload(jobId: string, job: IJob): Promise<boolean>;
  /**
   * Records that a job succeeded, for an outcome that an external system reports (pg-boss's
   * `complete`): a waiting job never runs, a running one loses its lease (its handler's
   * signal is aborted at once by a server of this process, at its next heartbeat by a server
   * of another, and whatever it records afterwards is dropped, as for a lost lease). Its continuations, its batch, `waitForJob` and the
   * `job.succeeded` event (with `external: true`) follow as for a handler's success.
   * Resolves true when recorded; false when the job is unknown, finished, or in a batch still
   * being created, or when it changed meanwhile (a server claimed or finished it).
   * @throws InvalidOptionsError when `jobId` or `options` are invalid.
   * @throws NonSerializableResultError / ResultTooLargeError for a result that cannot be
   *   stored; nothing is written then.
   */
  markSucceeded(jobId: string, options?: MarkSucceededOptions): Promise<boolean>;
  /**
   * Records that a job failed for good, as {@link markSucceeded} records a success: its error
   * is `{ name: 'ExternalFailure', message }`, no retry follows (requeue it to run it again),
   * and the handler's `onAttemptsExhausted` does not apply. Continuations (cancelled unless
   * their policy is `run`), batches, waits and the `job.failed` event follow.
   * @throws InvalidOptionsError when `jobId` or `options` are invalid.
   */
  markFailed(jobId: string, options: MarkFailedOptions): Promise<boolean>;
  /**
   * One page of the jobs `filter` matches (every job without one), as summaries (no payload
   * or history: `Docket.getJob` reads one in full), sorted as `options` say; pass the page's
   * `nextCursor` back as `options.cursor` for the next one. Pages are keyset-paged: while jobs
   * change state, none that stays in the list is skipped. The search indexes are created
   * before the first search.
   * @throws InvalidOptionsError for an invalid filter or option (naming it, as
   *   `filter.payload.customer.id`), a cursor of another list included; nothing is read.
   * @throws StorageError when MongoDB fails.
   */
  findJobs(filter?: JobFilter, options?: FindJobsOptions): Promise<JobPage>;
  /**
   * How many jobs `filter` matches, counting up to `options.limit` (10,000: more is
   * `{ count: 10000, exact: false }`) for at most `options.maxTimeMs` (1 s); null when the
   * count took longer.
   * @throws InvalidOptionsError for an invalid filter or option; nothing is read.
   * @throws StorageError when MongoDB fails.
   */
  countJobs(filter?: JobFilter, options?: CountJobsOptions): Promise<JobCount | null>;
  /**
   * Runs failed jobs again (a bulk {@link requeue} of jobs in state `failed`), listed by id
   * (at most 1,000) or chosen by a filter, in batches of 500 on the server side. A job that
   * changed state between its batch's read and write is left as it is; one whose uniqueKey
   * another unfinished job holds is left too (`conflicts`).
   * @throws InvalidOptionsError for an invalid selection (neither or both of ids and filter,
   *   an empty filter, more than 1,000 ids); nothing is written.
   * @throws StorageError when MongoDB fails: the batches written before stay written.
   */
  retryJobs(selection: JobSelection): Promise<BulkActionResult>;
  /**
   * Puts finished jobs (succeeded, failed, deleted) back in their queue with fresh attempts,
   * as {@link requeue} does, and makes scheduled jobs due now (keeping their attempts), for
   * jobs listed or chosen by a filter, as {@link retryJobs} does.
   * Throws as {@link retryJobs} does.
   */
  requeueJobs(selection: JobSelection): Promise<BulkActionResult>;
  /**
   * Runs dead-lettered jobs again: those in the dead-letter queue (failed for good under a
   * handler's `onAttemptsExhausted: 'deadLetter'`) go back to their queue with fresh
   * attempts and leave the dead-letter queue, as {@link retryJobs} does for failed jobs.
   * Listed ids that are not dead-lettered are not matched; a filter is narrowed to
   * dead-lettered jobs (`{ filter: { deadLettered: true } }` redrives them all). Each write is
   * conditioned on the job still being dead-lettered, so that concurrent redrives run a job
   * once. Resolves with the counts; throws as {@link retryJobs} does.
   */
  redriveJobs(selection: JobSelection): Promise<BulkActionResult>;
  /**
   * Deletes jobs in any state but deleted, as {@link delete} does (running ones are aborted,
   * continuations follow), listed or chosen by a filter, as {@link retryJobs} does. A filter
   * acts on the jobs created before the call: jobs enqueued meanwhile are left alone.
   * Throws as {@link retryJobs} does.
   */
  deleteJobs(selection: JobSelection): Promise<BulkActionResult>;
  /**
   * Removes finished jobs (succeeded, failed, deleted) for good, before their retention would,
   * listed or chosen by a filter, as {@link retryJobs} does: in batches of 500, one `find` and
   * one `deleteMany` per state each, so that servers' claims run between batches however many
   * jobs match. Unfinished jobs are never matched; a parent whose continuations are not yet
   * released is left (counted in `matched`, not in `changed`). Purged jobs cannot be
   * requeued; their logs and artefacts are removed by the servers' next attachment sweep.
   * Throws as {@link retryJobs} does.
   */
  purgeJobs(selection: JobSelection): Promise<BulkActionResult>;
  /**
   * Deletes the jobs of `queue` that wait to run (state `enqueued`; with `includeScheduled`,
   * `scheduled` too), as {@link deleteJobs} does with that filter: jobs enqueued after the
   * call started stay, running jobs finish, continuations waiting for a parent stay. The
   * queue stays as it is (paused or not); see `pauseQueue` to stop claims first.
   * @throws InvalidOptionsError for an invalid queue name or options; nothing is written.
   * @throws StorageError when MongoDB fails: the batches written before stay written.
   */
  drainQueue(queue: string, options?: DrainQueueOptions): Promise<BulkActionResult>;
  /**
   * Stores `job` as a continuation of `parentId`: it waits (state `awaiting`) and is enqueued
   * when the parent succeeds; `options.onParentFailure` decides what a failed or deleted parent
   * means. A parent that already finished is handled at once. Resolves with the job's id.
   * With `options.session` in a transaction, the continuation (and the mark on its parent)
   * is written in that transaction, as {@link EnqueueOptions.session} says for enqueue.
   * @throws JobNotFoundError when the parent does not exist (nothing is written).
   * @throws InvalidOptionsError when `parentId` is not a non-empty string.
   * Throws as {@link enqueue} does for the job and options.
   */
  continueWith(parentId: string, job: IJob, options?: ContinuationOptions): Promise<string>;
  /**
   * Creates a batch (Hangfire Pro's batches): its jobs, nested batches and continuations are
   * stored so that all of them become runnable or none does. In `options.session`'s
   * transaction they exist if and only if it commits; otherwise the batch is written in
   * state `creating` (its jobs wait, unable to run) and started by one write once all of it
   * is stored; a creation that fails before removes what it wrote. Each finished job moves
   * the batch's counts by one write; when every job and nested batch ended, the batch ends
   * `succeeded` or `finished` and its continuations are released (or deleted, for
   * `on: 'succeeded'` ones of a batch that did not succeed). Resolves with the batch id.
   * @throws InvalidOptionsError for an invalid spec or options, naming the part
   *   (`spec.batches[0].jobs[3].options.queue`); at most 100,000 jobs and 1,000 batches.
   * Throws as {@link enqueue} does for each job; nothing is written when anything is invalid.
   * @throws StorageError when MongoDB fails (what was written is removed).
   */
  createBatch(spec: BatchSpec, options?: CreateBatchOptions): Promise<string>;
  /**
   * Adds a continuation to a batch: it waits (state `awaiting`) until the batch ends, then
   * runs if the batch succeeded, or whatever the outcome with `on: 'finished'`; a cancelled
   * batch deletes it. A batch that ended already releases it at once. Resolves with its id.
   * @throws BatchNotFoundError when there is no such batch (nothing is written).
   * Throws as {@link enqueue} does for the job and options.
   */
  continueBatchWith(
    batchId: string,
    job: IJob,
    options?: BatchContinuationOptions,
  ): Promise<string>;
  /**
   * Cancels a batch and the batches nested in it: their unfinished jobs are deleted (running
   * ones aborted, as {@link delete} does), their continuations deleted, and the batch ends
   * `cancelled`. Resolves false when the batch is unknown or ended already.
   * @throws InvalidOptionsError when `batchId` is not a non-empty string.
   */
  cancelBatch(batchId: string): Promise<boolean>;
  /**
   * A batch with its counts (succeeded, failed, deleted, pending), or null when unknown.
   * @throws InvalidOptionsError when `batchId` is not a non-empty string.
   */
  getBatch(batchId: string): Promise<BatchInfo | null>;
  /**
   * Adds a recurring job, or updates the one with this id (an identical definition changes
   * nothing). `schedule` is a cron-parser expression (5 fields, or 6 with seconds) or an
   * interval, `{ everyMs }`.
   * @throws InvalidCronExpressionError, InvalidOptionsError, and as {@link enqueue} for the job.
   */
  addOrUpdateRecurring(
    id: string,
    job: IJob,
    schedule: RecurringSchedule,
    options?: RecurringOptions,
  ): Promise<void>;
  /**
   * Removes a recurring job; resolves false when it did not exist. Jobs it enqueued stay.
   * @throws InvalidOptionsError when `id` is not a recurring job id (1 to 200 characters
   *   from `[A-Za-z0-9_.:-]`), as for every recurring verb below.
   */
  removeRecurring(id: string): Promise<boolean>;
  /**
   * Enqueues one job of a recurring job now, outside its schedule; resolves with the job id.
   * @throws RecurringJobNotFoundError when there is no such recurring job.
   * @throws InvalidOptionsError when `id` is not a recurring job id.
   */
  triggerRecurring(id: string): Promise<string>;
  /**
   * Stops a recurring job from enqueuing until resumed; resolves false when unknown.
   * @throws InvalidOptionsError when `id` is not a recurring job id.
   */
  pauseRecurring(id: string): Promise<boolean>;
  /**
   * Resumes a paused recurring job from its next occurrence after now; false when unknown.
   * @throws InvalidOptionsError when `id` is not a recurring job id.
   */
  resumeRecurring(id: string): Promise<boolean>;
  /** Lists recurring jobs with their schedule, last run and next run. */
  listRecurring(): Promise<RecurringJobInfo[]>;
  /**
   * One recurring job with its schedule, last run and next run, as {@link listRecurring}
   * lists it; null when there is no such recurring job.
   * @throws InvalidOptionsError when `id` is not a recurring job id.
   */
  getRecurring(id: string): Promise<RecurringJobInfo | null>;
  /**
   * Waits until a job finishes, whichever process runs it, and resolves with it: succeeded,
   * or failed for good with its `error` (a failed attempt with retries left is not the end).
   * A job that finished already resolves at once. All waits of a Docket share one change
   * stream on a replica set or sharded cluster, or one query per `waitPollIntervalMs` for
   * all waited jobs on a standalone (and while a failed stream is reopened).
   *
   * A job that finished and was requeued before the wait read it is waited for again.
   * @throws InvalidOptionsError when `jobId` is not a non-empty string, or for invalid options.
   * @throws JobNotFoundError when there is no such job (or its document is removed meanwhile).
   * @throws JobDeletedError when the job ends deleted (`delete`, or a cancelled continuation).
   * @throws JobWaitTimeoutError when `options.timeoutMs` passes first (with the last state seen).
   * @throws the signal's reason when `options.signal` aborts.
   * @throws DocketClosedError when the Docket is closed before the job finishes.
   * @throws StorageError when MongoDB cannot be read when the wait starts.
   */
  waitForJob(jobId: string, options?: JobWaitOptions): Promise<FinishedJob>;
}

/** The container token under which `Docket.create` registers the {@link IJobScheduler}. */
export const JOB_SCHEDULER: InjectionToken<IJobScheduler> = Symbol.for('docket.IJobScheduler');
