import type {
  ApiActionResult,
  ApiEnqueueRequest,
  ApiEnqueueResult,
  ApiErrorBody,
  ApiJobDetail,
  ApiJobPage,
  ApiJobQuery,
  ApiJobSummary,
  ApiJobTypes,
  ApiQueue,
  ApiQueueStateRequest,
  ApiQueueStateResult,
  ApiRecurringJob,
  ApiServer,
  ApiStats,
  ApiTriggerResult,
  ApiUnhandledJobType,
} from '../dashboard/api-types';
import {
  ApiAuthorizationError,
  ApiConflictError,
  ApiConnectionError,
  ApiNotFoundError,
  ApiValidationError,
  DocketApiError,
  InvalidOptionsError,
  type DocketApiErrorInit,
} from '../errors';

/** Headers sent with every call (e.g. `Authorization`), or a function that makes them. */
export type DocketClientHeaders =
  | Readonly<Record<string, string>>
  | (() => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>);

/** Options of {@link DocketClient}. */
export interface DocketClientOptions {
  /** The dashboard's URL, base path included: `http://localhost:3000/jobs/`. */
  baseUrl: string | URL;
  /**
   * Headers for every call, e.g. `{ authorization: 'Bearer …' }`.
   * @defaultValue none
   */
  headers?: DocketClientHeaders;
  /**
   * The fetch implementation.
   * @defaultValue the global `fetch` (Node 18+)
   */
  fetch?: typeof fetch;
  /**
   * How long one call may take before it fails with {@link ApiConnectionError} (ms).
   * @defaultValue `30000`
   */
  timeoutMs?: number;
}

const ERROR_CLASSES: Readonly<Record<number, new (init: DocketApiErrorInit) => DocketApiError>> = {
  400: ApiValidationError,
  401: ApiAuthorizationError,
  403: ApiAuthorizationError,
  404: ApiNotFoundError,
  409: ApiConflictError,
  413: ApiValidationError,
  415: ApiValidationError,
  422: ApiValidationError,
};

const segment = (value: string) => encodeURIComponent(value);

/**
 * A typed client of the dashboard's REST API (`docket/client`), for services that steer
 * jobs remotely. Every method maps to one endpoint; an error answer is thrown as a typed
 * exception: {@link ApiNotFoundError}, {@link ApiConflictError}, {@link ApiValidationError},
 * {@link ApiAuthorizationError} (all {@link DocketApiError}s), and
 * {@link ApiConnectionError} when there is no answer. Times are ISO 8601 strings.
 *
 * ```ts
 * const client = new DocketClient({ baseUrl: 'http://jobs.internal:3000/jobs/',
 *   headers: { authorization: `Bearer ${token}` } });
 * const { id } = await client.enqueueJob({ type: 'email.send', payload: { to, subject } });
 * ```
 */
export class DocketClient {
  private readonly baseUrl: URL;
  private readonly headers: DocketClientHeaders;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  /** @throws InvalidOptionsError - for a base URL that is not http(s), or other bad options. */
  constructor(options: DocketClientOptions) {
    let baseUrl: URL;
    try {
      baseUrl = new URL(String(options.baseUrl));
    } catch {
      throw new InvalidOptionsError(
        `baseUrl must be an absolute http(s) URL such as 'http://localhost:3000/jobs/', got ${JSON.stringify(String(options.baseUrl))}`,
        { option: 'baseUrl' },
      );
    }
    if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') {
      throw new InvalidOptionsError(`baseUrl must use http or https, got ${baseUrl.protocol}`, {
        option: 'baseUrl',
      });
    }
    if (!baseUrl.pathname.endsWith('/')) baseUrl.pathname += '/';
    baseUrl.search = '';
    baseUrl.hash = '';
    this.baseUrl = baseUrl;
    this.headers = options.headers ?? {};
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') {
      throw new InvalidOptionsError('fetch must be a function (no global fetch is available)', {
        option: 'fetch',
      });
    }
    this.fetchImpl = fetchImpl;
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
      throw new InvalidOptionsError(`timeoutMs must be an integer ≥ 1, got ${timeoutMs}`, {
        option: 'timeoutMs',
      });
    }
    this.timeoutMs = timeoutMs;
  }

  /** Counts per state and queue, throughput of the last hour and day. `GET api/stats` */
  getStats(): Promise<ApiStats> {
    return this.call('GET', 'stats');
  }

  /** One page of jobs. `GET api/jobs` */
  listJobs(query: ApiJobQuery = {}): Promise<ApiJobPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) params.set(key, String(value));
    }
    const search = params.toString();
    return this.call('GET', search === '' ? 'jobs' : `jobs?${search}`);
  }

  /** Every job matching `query`, page after page. */
  async *iterateJobs(query: Omit<ApiJobQuery, 'cursor'> = {}): AsyncGenerator<ApiJobSummary> {
    let cursor: string | null = null;
    do {
      const page: ApiJobPage = await this.listJobs({
        ...query,
        ...(cursor === null ? {} : { cursor }),
      });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor !== null);
  }

  /** One job in full. `GET api/jobs/{id}` @throws ApiNotFoundError */
  getJob(id: string): Promise<ApiJobDetail> {
    return this.call('GET', `jobs/${segment(id)}`);
  }

  /**
   * Enqueues (or, with `delayMs`/`runAt`, schedules) a job by type name. `POST api/jobs`
   * @throws ApiValidationError - unknown type, invalid payload (`issues`), invalid options.
   */
  enqueueJob(request: ApiEnqueueRequest): Promise<ApiEnqueueResult> {
    return this.call('POST', 'jobs', request);
  }

  /** Runs a finished job again. `POST api/jobs/{id}/requeue` @throws ApiConflictError */
  async requeueJob(id: string): Promise<void> {
    await this.call<ApiActionResult>('POST', `jobs/${segment(id)}/requeue`, {});
  }

  /** Deletes an unfinished job. `DELETE api/jobs/{id}` @throws ApiConflictError */
  async deleteJob(id: string): Promise<void> {
    await this.call<ApiActionResult>('DELETE', `jobs/${segment(id)}`, {});
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

  /** Recurring jobs with next and last run. `GET api/recurring` */
  listRecurring(): Promise<ApiRecurringJob[]> {
    return this.call('GET', 'recurring');
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

  /** Servers. `GET api/servers` */
  listServers(): Promise<ApiServer[]> {
    return this.call('GET', 'servers');
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

  /** The API's OpenAPI document. `GET api/openapi.json` */
  getOpenApi(): Promise<Record<string, unknown>> {
    return this.call('GET', 'openapi.json');
  }

  private async call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const url = new URL(`api/${path}`, this.baseUrl).toString();
    const extra = typeof this.headers === 'function' ? await this.headers() : this.headers;
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await this.fetchImpl(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: controller.signal,
        redirect: 'error',
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const timedOut = controller.signal.aborted;
      throw new ApiConnectionError(
        timedOut
          ? `${method} ${url} got no answer within ${this.timeoutMs} ms`
          : `${method} ${url} failed: ${error instanceof Error ? error.message : String(error)}`,
        url,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
    let data: unknown;
    try {
      data = text === '' ? null : JSON.parse(text);
    } catch (error) {
      if (status >= 200 && status < 300) {
        throw new ApiConnectionError(
          `${method} ${url} answered ${status} with non-JSON content`,
          url,
          {
            cause: error,
          },
        );
      }
      data = null;
    }
    if (status >= 200 && status < 300) return data as T;
    const problem = (data as Partial<ApiErrorBody> | null)?.error;
    const init: DocketApiErrorInit = {
      status,
      apiCode: typeof problem?.code === 'string' ? problem.code : `HTTP_${status}`,
      message: typeof problem?.message === 'string' ? problem.message : `HTTP ${status}`,
      ...(problem?.details === undefined ? {} : { details: problem.details }),
      method,
      url,
    };
    const ErrorClass = ERROR_CLASSES[status] ?? DocketApiError;
    throw new ErrorClass(init);
  }
}
