import type { ApiErrorBody } from '../dashboard/api-types';
import {
  ApiAuthorizationError,
  ApiConflictError,
  ApiConnectionError,
  ApiNotFoundError,
  ApiValidationError,
  DocketApiError,
  type DocketApiErrorInit,
} from '../errors';
import { ApiResponseTooLargeError } from './api-response-too-large.error';

/** Headers sent with every call (e.g. `Authorization`), or a function that makes them. */
export type DocketClientHeaders =
  | Readonly<Record<string, string>>
  | (() => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>);

/** What every call of a client needs: its resolved options. */
export interface ApiCallConfig {
  /** Ends with `/`; `api/...` paths are resolved against it. */
  readonly baseUrl: URL;
  readonly headers: DocketClientHeaders;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
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

/** The answer was larger than the limit (turned into {@link ApiResponseTooLargeError}). */
class TooLarge extends Error {}

/** How much of a call's `timeoutMs` a long poll leaves for the request and the answer. */
const LONG_POLL_MARGIN_MS = 5_000;

/**
 * The longest wait a long poll may ask the dashboard for: the call's `timeoutMs` less 5 s (at
 * most half of it), so that the answer arrives before the call gives up.
 */
export function longestPollMs(config: ApiCallConfig): number {
  const { timeoutMs } = config;
  return Math.max(1, timeoutMs - Math.min(LONG_POLL_MARGIN_MS, Math.floor(timeoutMs / 2)));
}

/** The absolute URL of an API path (`jobs?state=failed`). */
export function apiUrl(config: ApiCallConfig, path: string): string {
  return new URL(`api/${path}`, config.baseUrl).toString();
}

/**
 * One call of the API. The timeout covers all of it: making the headers, the request, and
 * reading the answer, which is read up to `maxResponseBytes` and no further. `signal`
 * abandons it: the request is aborted and the call rejects with the signal's reason.
 * @throws DocketApiError - a subclass per status for an error answer;
 *   {@link ApiResponseTooLargeError} for an answer over the limit.
 * @throws ApiConnectionError - no answer in time, a network failure, or a 2xx that is not JSON.
 */
export async function callApi<T>(
  config: ApiCallConfig,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const call = await request(config, method, path, body, signal, 'application/json');
  let text: string;
  try {
    text = await readLimited(call.response, config.maxResponseBytes);
  } catch (error) {
    throw call.failure(error);
  } finally {
    call.done();
  }
  return interpret<T>(call.response.status, text, method, call.url);
}

/**
 * A GET whose 2xx answer is a stream of bytes (an artefact): resolves once its headers came,
 * within the timeout, with its body, which then flows as long as it takes (`signal` still
 * abandons it). An error answer is the typed error, as in {@link callApi}.
 */
export async function streamApi(
  config: ApiCallConfig,
  path: string,
  signal?: AbortSignal,
): Promise<{ body: ReadableStream<Uint8Array>; size: number | null }> {
  const call = await request(config, 'GET', path, undefined, signal, 'application/octet-stream');
  const { response } = call;
  if (response.status < 200 || response.status > 299 || response.body === null) {
    let text: string;
    try {
      text = await readLimited(response, config.maxResponseBytes);
    } catch (error) {
      throw call.failure(error);
    } finally {
      call.done();
    }
    return interpret<never>(response.status, text, 'GET', call.url);
  }
  // The caller's signal keeps abandoning the body while it flows.
  call.done(true);
  const length = Number(response.headers.get('content-length') ?? NaN);
  return { body: response.body, size: Number.isFinite(length) ? length : null };
}

/** A request on its way: its answer's headers came; `done` ends the timeout. */
interface PendingCall {
  readonly response: Response;
  readonly url: string;
  /** The error to throw for a failure while reading the answer. */
  failure(error: unknown): unknown;
  /** Ends the timeout, and the link to the caller's signal unless `keepSignal` (a stream). */
  done(keepSignal?: boolean): void;
}

/**
 * Sends one request of the API and resolves once its answer's headers came. The timeout
 * covers the headers callback, the request and, until `done()`, the reading of the answer.
 */
async function request(
  config: ApiCallConfig,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body: unknown,
  signal: AbortSignal | undefined,
  accept: string,
): Promise<PendingCall> {
  signal?.throwIfAborted();
  const url = apiUrl(config, path);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, config.timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let status = 0;
  let fetching = false;
  const failure = (error: unknown): unknown => {
    if (signal?.aborted) return signal.reason;
    if (error instanceof TooLarge) {
      return new ApiResponseTooLargeError({ status, method, url }, config.maxResponseBytes);
    }
    // A headers() callback that fails is the caller's error: it stays as thrown.
    if (!fetching && !timedOut) return error;
    return new ApiConnectionError(
      timedOut
        ? `${method} ${url} got no answer within ${config.timeoutMs} ms`
        : `${method} ${url} failed: ${error instanceof Error ? error.message : String(error)}`,
      url,
      { cause: error },
    );
  };
  try {
    const given = config.headers;
    const extra = await untilAborted(
      Promise.resolve(typeof given === 'function' ? given() : given),
      controller.signal,
    );
    const headers: Record<string, string> = { accept, ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    fetching = true;
    const response = await config.fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: controller.signal,
      redirect: 'error',
    });
    status = response.status;
    return {
      response,
      url,
      failure,
      done: (keepSignal = false) => {
        clearTimeout(timer);
        if (!keepSignal) signal?.removeEventListener('abort', onAbort);
      },
    };
  } catch (error) {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    throw failure(error);
  }
}

/** The answer's JSON for a 2xx, else the typed error its status and body describe. */
function interpret<T>(status: number, text: string, method: string, url: string): T {
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

/** `promise`, or the signal's abort if that comes first (a headers() that never resolves). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The answer's text, read up to `maxBytes`: a larger declared length is refused before
 * reading, and a stream is cancelled as soon as it passes the limit.
 */
async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const stream = response.body;
  if (Number.isFinite(declared) && declared > maxBytes) {
    await stream?.cancel().catch(() => undefined);
    throw new TooLarge();
  }
  if (stream === null || typeof stream.getReader !== 'function') {
    // A fetch without streams: the limit can only be checked once the text is in memory.
    const text = await response.text();
    if (new TextEncoder().encode(text).byteLength > maxBytes) throw new TooLarge();
    return text;
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder('utf-8').decode(all);
}
