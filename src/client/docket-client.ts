import type {
  ApiBatch,
  ApiBatchCancelResult,
  ApiBatchContinuation,
  ApiBatchCreated,
  ApiBatchPage,
  ApiBatchQuery,
  ApiBatchRequest,
} from '../dashboard/api-batch-types';
import type { ApiEnqueueRequest, ApiEnqueueResult } from '../dashboard/api-enqueue-types';
import type { ApiBulkRequest, ApiBulkResult, ApiJobQuery } from '../dashboard/api-search-types';
import type {
  ApiFailRequest,
  ApiRescheduleRequest,
  ApiSucceedRequest,
} from '../dashboard/api-job-edit-types';
import type {
  ApiActionResult,
  ApiFinishedJob,
  ApiJobDetail,
  ApiJobLogPage,
  ApiJobPage,
  ApiJobSummary,
  ApiJobTypes,
  ApiJsonSchema,
  ApiQueue,
  ApiQueueStateRequest,
  ApiQueueStateResult,
  ApiQueueDrainRequest,
  ApiQueueDrainResult,
  ApiRecurringJob,
  ApiRecurringRequest,
  ApiSchemaStatus,
  ApiServer,
  ApiServerJobs,
  ApiStats,
  ApiStatsHistory,
  ApiStatsHistoryQuery,
  ApiTriggerResult,
  ApiUnhandledJobType,
} from '../dashboard/api-types';
import type { JobWaitOptions } from '../scheduler/job-wait-options';
import { callApi, streamApi, type ApiCallConfig } from './api-call';
import { resolveClientOptions, type DocketClientOptions } from './client-options';
import { jobsPageByPage } from './job-pages';
import { pollUntilFinished } from './job-wait-polls';
import {
  eventsQuery,
  followJobEventPages,
  readJobEventPage,
  type ApiJobEventOptions,
} from './job-event-polls';
import type { ApiJobEvent, ApiJobEventPage } from '../dashboard/api-event-types';
import { jobsPath } from './jobs-path';

export type { DocketClientHeaders } from './api-call';
export type { DocketClientOptions } from './client-options';
export type { ApiJobEventOptions } from './job-event-polls';

const segment = (value: string) => encodeURIComponent(value);

/**
 * A typed client of the dashboard's REST API (`docket/client`), for services that steer
 * jobs remotely. Every method maps to one endpoint; an error answer is thrown as a typed
 * exception: {@link ApiNotFoundError}, {@link ApiConflictError}, {@link ApiValidationError},
 * {@link ApiAuthorizationError} (all {@link DocketApiError}s), and
 * {@link ApiConnectionError} when there is no answer. Answers are not trusted blindly: one
 * larger than `maxResponseBytes` is {@link ApiResponseTooLargeError}, a list whose cursor
 * does not advance is {@link ApiCursorLoopError}. Times are ISO 8601 strings.
 *
 * ```ts
 * const client = new DocketClient({ baseUrl: 'http://jobs.internal:3000/jobs/',
 *   headers: { authorization: `Bearer ${token}` } });
 * const { id } = await client.enqueueJob({ type: 'email.send', payload: { to, subject } });
 * ```
 */
export class DocketClient {
  private readonly config: ApiCallConfig;

  /** @throws InvalidOptionsError - for a base URL that is not http(s), or other bad options. */
  constructor(options: DocketClientOptions) {
    this.config = resolveClientOptions(options);
  }

  /** Counts per state and queue, throughput of the last hour and day. `GET api/stats` */
  getStats(): Promise<ApiStats> {
    return this.call('GET', 'stats');
  }

  /**
   * Succeeded and failed jobs and their queue latency per minute over the last hour, or per
   * hour over the last day, of one queue and one type or all; with the queues and types to
   * choose from. `GET api/stats/history`
   * @throws ApiValidationError - for an unknown range or an invalid queue or type
   *   (`details.field` names it).
   */
  getStatsHistory(query: ApiStatsHistoryQuery = {}): Promise<ApiStatsHistory> {
    const params = new URLSearchParams();
    for (const name of ['range', 'queue', 'type'] as const) {
      const value = query[name];
      if (value !== undefined) params.set(name, value);
    }
    return this.call('GET', `stats/history${params.size > 0 ? `?${params.toString()}` : ''}`);
  }

  /**
   * One page of jobs, with how many match. `GET api/jobs`
   * @throws ApiValidationError - for an invalid filter (`details.field` names it) or a cursor
   *   of another list (`INVALID_CURSOR`).
   */
  listJobs(query: ApiJobQuery = {}): Promise<ApiJobPage> {
    return this.call('GET', jobsPath(query));
  }

  /**
   * Every job matching `query`, page after page.
   * @throws ApiCursorLoopError - when a page's `nextCursor` is one already followed (the
   *   pages would repeat forever).
   */
  iterateJobs(query: Omit<ApiJobQuery, 'cursor'> = {}): AsyncGenerator<ApiJobSummary> {
    return jobsPageByPage(this.config, query);
  }

  /** One job in full. `GET api/jobs/{id}` @throws ApiNotFoundError */
  getJob(id: string): Promise<ApiJobDetail> {
    return this.call('GET', `jobs/${segment(id)}`);
  }

  /**
   * A page of the lines a job's handlers logged, in order. `GET api/jobs/{id}/logs`
   * @param page - `after`: the first line's `seq` (0 by default; the previous page's `next`, or
   *   the last line's `seq` + 1 to follow new lines); `limit`: lines per page.
   * @throws ApiNotFoundError for an unknown job; ApiValidationError for an invalid page.
   */
  getJobLogs(id: string, page: { after?: number; limit?: number } = {}): Promise<ApiJobLogPage> {
    const query = new URLSearchParams();
    if (page.after !== undefined) query.set('after', String(page.after));
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    const search = query.size > 0 ? `?${query.toString()}` : '';
    return this.call('GET', `jobs/${segment(id)}/logs${search}`);
  }

  /**
   * Downloads a file a job's handler stored, as a stream of bytes (the job's `artefacts` list
   * says its size and content type). Resolves once the answer's headers came, within this
   * client's `timeoutMs`; the bytes then flow as long as they take. `GET
   * api/jobs/{id}/artefacts/{name}`
   * @throws ApiNotFoundError for an unknown job or artefact.
   */
  downloadArtefact(
    id: string,
    name: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<{
    /** The file's bytes, as they arrive. */
    body: ReadableStream<Uint8Array>;
    /** Its size in bytes from the answer's `Content-Length`, or null without one. */
    size: number | null;
  }> {
    return streamApi(this.config, `jobs/${segment(id)}/artefacts/${segment(name)}`, options.signal);
  }

  /**
   * Waits until a job finishes, whichever process runs it, and resolves with it: succeeded,
   * or failed for good with its `error`. Asks `GET api/jobs/{id}/wait` again and again: each
   * call waits until the job finishes or the dashboard's `maxWaitMs` passes, and ends within
   * this client's `timeoutMs`; the calls go on until the job finishes or `options.timeoutMs`
   * passes.
   * @throws InvalidOptionsError - for an empty id or invalid options, before any call.
   * @throws JobWaitTimeoutError - when `options.timeoutMs` passes first (with the last state).
   * @throws JobDeletedError - when the job ends deleted.
   * @throws ApiNotFoundError - when there is no such job.
   * @throws the signal's reason when `options.signal` aborts (the call under way is
   *   abandoned); and what every call throws (`ApiConnectionError`...).
   */
  waitForJob(id: string, options?: JobWaitOptions): Promise<ApiFinishedJob> {
    return pollUntilFinished(this.config, id, options);
  }

  /**
   * Lifecycle events of jobs of every process, after `options.after` (absent: from when the
   * dashboard receives the request): one long poll, answered as soon as events arrive, or
   * with none after `options.timeoutMs`. Pass the answer's `position` as `after` to go on.
   * `GET api/events`
   * @throws InvalidOptionsError - for invalid options (before any request).
   * @throws ApiValidationError - a name the dashboard refuses, or a position no stream gave.
   * @throws DocketApiError - `JOB_EVENTS_LOST` (410): the position is no longer held.
   */
  readJobEvents(options?: ApiJobEventOptions, signal?: AbortSignal): Promise<ApiJobEventPage> {
    return readJobEventPage(this.config, options, signal);
  }

  /**
   * {@link DocketClient.readJobEvents} again and again, each after the position the last
   * answered: `for await (const event of client.followJobEvents({ events: ['failed'] }))`.
   * Leaving the loop stops it; `signal` aborts the request in flight.
   * @throws what {@link DocketClient.readJobEvents} throws.
   */
  followJobEvents(
    options?: ApiJobEventOptions,
    signal?: AbortSignal,
  ): AsyncGenerator<ApiJobEvent, void, undefined> {
    eventsQuery(this.config, options); // refuses invalid options here, not at the first read
    return followJobEventPages(this.config, options, signal);
  }

  /**
   * Enqueues (or, with `delayMs`/`runAt`, schedules) a job by type name. `POST api/jobs`
   * @throws ApiValidationError - unknown type, invalid payload (`issues`), invalid options.
   * @throws ApiConflictError - `DUPLICATE_JOB_ID`: another job has the `id` the request
   *   chose (unless `onDuplicateId: 'return'`).
   */
  enqueueJob(request: ApiEnqueueRequest): Promise<ApiEnqueueResult> {
    return this.call('POST', 'jobs', request);
  }

  /** Runs a finished job again. `POST api/jobs/{id}/requeue` @throws ApiConflictError */
  async requeueJob(id: string): Promise<void> {
    await this.call<ApiActionResult>('POST', `jobs/${segment(id)}/requeue`, {});
  }

  /**
   * Makes a waiting (enqueued or scheduled) job due now. `POST api/jobs/{id}/run-now`
   * @throws ApiNotFoundError - no such job.
   * @throws ApiConflictError - `JOB_NOT_WAITING`: running, finished, awaiting its parent, or
   *   claimed meanwhile (`details.state`).
   */
  async runJobNow(id: string): Promise<void> {
    await this.call<ApiActionResult>('POST', `jobs/${segment(id)}/run-now`, {});
  }

  /**
   * Moves the due time of a waiting (enqueued or scheduled) job to `runAt` or `delayMs` from
   * now. `POST api/jobs/{id}/reschedule`
   * @throws ApiValidationError, ApiNotFoundError, ApiConflictError (`JOB_NOT_WAITING`).
   */
  async rescheduleJob(id: string, when: ApiRescheduleRequest): Promise<void> {
    await this.call<ApiActionResult>('POST', `jobs/${segment(id)}/reschedule`, when);
  }

  /**
   * Sets the priority (-1000 to 1000) of a waiting job (enqueued, scheduled or awaiting).
   * `POST api/jobs/{id}/priority`
   * @throws ApiValidationError, ApiNotFoundError, ApiConflictError (`JOB_NOT_WAITING`).
   */
  async changeJobPriority(id: string, priority: number): Promise<void> {
    await this.call<ApiActionResult>('POST', `jobs/${segment(id)}/priority`, { priority });
  }

  /**
   * Replaces the payload of a waiting job (enqueued, scheduled or awaiting), validated against
   * the job's own type. `PUT api/jobs/{id}/payload`
   * @throws ApiValidationError - an invalid payload (`issues`), or a type the dashboard
   *   process has not loaded.
   * @throws ApiNotFoundError, ApiConflictError (`JOB_NOT_WAITING`: a server claimed it first).
   */
  async replaceJobPayload(id: string, payload: Record<string, unknown>): Promise<void> {
    await this.call<ApiActionResult>('PUT', `jobs/${segment(id)}/payload`, { payload });
  }

  /**
   * Records that a waiting or running job succeeded, with an optional result (an outcome
   * reported from outside). `POST api/jobs/{id}/succeed`
   * @throws ApiNotFoundError, ApiConflictError (`JOB_FINISHED`), ApiValidationError.
   */
  async markJobSucceeded(id: string, request: ApiSucceedRequest = {}): Promise<void> {
    await this.call<ApiActionResult>('POST', `jobs/${segment(id)}/succeed`, request);
  }

  /**
   * Records that a waiting or running job failed for good, with its error message.
   * `POST api/jobs/{id}/fail`
   * @throws ApiNotFoundError, ApiConflictError (`JOB_FINISHED`), ApiValidationError.
   */
  async markJobFailed(id: string, request: ApiFailRequest): Promise<void> {
    await this.call<ApiActionResult>('POST', `jobs/${segment(id)}/fail`, request);
  }

  /**
   * Deletes a job, whatever its state (a running one is aborted; a deleted one stays as it
   * is). `DELETE api/jobs/{id}` @throws ApiNotFoundError
   */
  async deleteJob(id: string): Promise<void> {
    await this.call<ApiActionResult>('DELETE', `jobs/${segment(id)}`, {});
  }

  /**
   * Retries, requeues, deletes, redrives (`action: 'redrive'`: dead-lettered jobs back to
   * their queue with fresh attempts) or purges (`action: 'purge'`: finished jobs removed for
   * good) many jobs at once, given by `ids` (at most 1,000) or by a
   * `filter`, in batches on the server; a job that changed state meanwhile is left as it is.
   * `POST api/jobs/bulk`
   * @throws ApiValidationError - for an invalid request (neither or both of ids and filter,
   *   an empty filter, an invalid field: `details.field` names it); nothing is changed.
   */
  bulkJobAction(request: ApiBulkRequest): Promise<ApiBulkResult> {
    return this.call('POST', 'jobs/bulk', request);
  }

  /** Job types the dashboard process can enqueue. `GET api/job-types` */
  async listJobTypes(): Promise<string[]> {
    return [...(await this.call<ApiJobTypes>('GET', 'job-types')).types];
  }

  /**
   * Types of due jobs that wait while no live server handles them, with how many wait.
   * `GET api/job-types`
   */
  async listUnhandledJobTypes(): Promise<ApiUnhandledJobType[]> {
    return [...(await this.call<ApiJobTypes>('GET', 'job-types')).unhandled];
  }

  /**
   * The payload JSON Schema of each job type the dashboard process can enqueue, by type
   * name. `GET api/job-types`
   */
  async jobTypeSchemas(): Promise<Record<string, ApiJsonSchema>> {
    return { ...(await this.call<ApiJobTypes>('GET', 'job-types')).schemas };
  }

  /** Recurring jobs with next and last run. `GET api/recurring` */
  listRecurring(): Promise<ApiRecurringJob[]> {
    return this.call('GET', 'recurring');
  }

  /**
   * One recurring job with next and last run. `GET api/recurring/{id}`
   * @throws ApiNotFoundError - (`RECURRING_JOB_NOT_FOUND`) when there is no such recurring job.
   */
  getRecurring(id: string): Promise<ApiRecurringJob> {
    return this.call('GET', `recurring/${segment(id)}`);
  }

  /**
   * Creates the recurring job `id`, or updates it to this definition; resolves with it as
   * stored. `PUT api/recurring/{id}`
   * @throws ApiValidationError - for an invalid id, cron expression, time zone or option
   *   (400, `details.field`), an unknown type or a payload its rules refuse (422, `issues`);
   *   nothing is written.
   */
  addOrUpdateRecurring(id: string, request: ApiRecurringRequest): Promise<ApiRecurringJob> {
    return this.call('PUT', `recurring/${segment(id)}`, request);
  }

  /** Enqueues one job of a recurring job now; resolves with its id. `POST api/recurring/{id}/trigger` */
  async triggerRecurring(id: string): Promise<string> {
    return (await this.call<ApiTriggerResult>('POST', `recurring/${segment(id)}/trigger`, {}))
      .jobId;
  }

  /** Removes a recurring job. `DELETE api/recurring/{id}` @throws ApiNotFoundError */
  async removeRecurring(id: string): Promise<void> {
    await this.call<ApiActionResult>('DELETE', `recurring/${segment(id)}`, {});
  }

  /** Pauses a recurring job. `POST api/recurring/{id}/pause` @throws ApiNotFoundError */
  async pauseRecurring(id: string): Promise<void> {
    await this.call<ApiActionResult>('POST', `recurring/${segment(id)}/pause`, {});
  }

  /** Resumes a recurring job. `POST api/recurring/{id}/resume` @throws ApiNotFoundError */
  async resumeRecurring(id: string): Promise<void> {
    await this.call<ApiActionResult>('POST', `recurring/${segment(id)}/resume`, {});
  }

  /**
   * The database's schema version against the dashboard's code: the migration steps it has
   * run, those it lacks, and a migration under way. `GET api/schema`
   */
  getSchemaStatus(): Promise<ApiSchemaStatus> {
    return this.call('GET', 'schema');
  }

  /** Servers. `GET api/servers` */
  listServers(): Promise<ApiServer[]> {
    return this.call('GET', 'servers');
  }

  /**
   * The jobs a server is running now, longest running first: `truncated` when more than
   * `options.limit` (20 by default, at most the dashboard's `maxPageSize`) hold its lease.
   * `GET api/servers/{id}/jobs`
   * @throws ApiNotFoundError - when no server of that id is listed.
   */
  listServerJobs(id: string, options: { limit?: number } = {}): Promise<ApiServerJobs> {
    const limit = options.limit === undefined ? '' : `?limit=${options.limit}`;
    return this.call('GET', `servers/${segment(id)}/jobs${limit}`);
  }

  /** Queues. `GET api/queues` */
  listQueues(): Promise<ApiQueue[]> {
    return this.call('GET', 'queues');
  }

  /**
   * Pauses a queue. `POST api/queues/{name}/pause`
   * @throws ApiNotFoundError (`UNKNOWN_QUEUE`) for a queue nothing uses yet, unless
   *   `options.allowUnknown` (to pause it ahead of time).
   */
  pauseQueue(name: string, options: ApiQueueStateRequest = {}): Promise<ApiQueueStateResult> {
    return this.call('POST', `queues/${segment(name)}/pause`, { ...options });
  }

  /**
   * Resumes a queue. `POST api/queues/{name}/resume`
   * @throws ApiNotFoundError (`UNKNOWN_QUEUE`) for a queue nothing uses, unless
   *   `options.allowUnknown`.
   */
  resumeQueue(name: string, options: ApiQueueStateRequest = {}): Promise<ApiQueueStateResult> {
    return this.call('POST', `queues/${segment(name)}/resume`, { ...options });
  }

  /**
   * Deletes the jobs of a queue that wait to run (enqueued; scheduled too with
   * `options.includeScheduled`); running jobs finish. `POST api/queues/{name}/drain`
   * @throws ApiValidationError - for an invalid queue name or option.
   */
  drainQueue(name: string, options: ApiQueueDrainRequest = {}): Promise<ApiQueueDrainResult> {
    return this.call('POST', `queues/${segment(name)}/drain`, { ...options });
  }

  /**
   * One page of batches with their counts, newest first: all, those in `query.state`, or
   * those nested in the batch `query.parent` (`'none'`: outermost ones only). `GET api/batches`
   * @throws ApiValidationError - for an unknown state or an invalid parameter
   *   (`details.field` names it).
   */
  listBatches(query: ApiBatchQuery = {}): Promise<ApiBatchPage> {
    const params = new URLSearchParams();
    for (const name of ['state', 'parent', 'cursor', 'limit'] as const) {
      const value = query[name];
      if (value !== undefined) params.set(name, String(value));
    }
    return this.call('GET', `batches${params.size > 0 ? `?${params.toString()}` : ''}`);
  }

  /** One batch with its counts. `GET api/batches/{id}` @throws ApiNotFoundError */
  getBatch(id: string): Promise<ApiBatch> {
    return this.call('GET', `batches/${segment(id)}`);
  }

  /**
   * Creates a batch: its jobs (by type name), nested batches and continuations become
   * runnable together, or none does; resolves with its id. `POST api/batches`
   * @throws ApiValidationError - for an unknown type or an invalid payload (422), or an
   *   invalid option, description or shape (400); `details.field` names the part
   *   (`jobs[2].payload`); nothing is written.
   */
  async createBatch(request: ApiBatchRequest): Promise<string> {
    return (await this.call<ApiBatchCreated>('POST', 'batches', request)).id;
  }

  /**
   * Cancels a batch and those nested in it: their unfinished jobs and their continuations
   * are deleted. Resolves false when it had ended already. `POST api/batches/{id}/cancel`
   * @throws ApiNotFoundError
   */
  async cancelBatch(id: string): Promise<boolean> {
    const path = `batches/${segment(id)}/cancel`;
    return (await this.call<ApiBatchCancelResult>('POST', path, {})).cancelled;
  }

  /**
   * Adds a continuation to a batch: a job that waits until the batch ends (at once when it
   * has). Resolves with the job's id. `POST api/batches/{id}/continuations`
   * @throws ApiNotFoundError - when there is no such batch (nothing is written).
   * @throws ApiValidationError - for an unknown type, an invalid payload or option.
   */
  async continueBatch(id: string, continuation: ApiBatchContinuation): Promise<string> {
    const path = `batches/${segment(id)}/continuations`;
    return (await this.call<ApiBatchCreated>('POST', path, continuation)).id;
  }

  /** The API's OpenAPI document. `GET api/openapi.json` */
  getOpenApi(): Promise<Record<string, unknown>> {
    return this.call('GET', 'openapi.json');
  }

  private call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    return callApi<T>(this.config, method, path, body, signal);
  }
}
