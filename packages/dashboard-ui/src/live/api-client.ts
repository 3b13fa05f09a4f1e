import type { ApiErrorBody } from '../../../../src/dashboard/api-types';

/** An answer of the API that was not a success, with the API's own message when it sent one. */
export class ApiError extends Error {
  override get name(): string {
    return 'ApiError';
  }

  constructor(
    message: string,
    /** HTTP status; 0 when no answer came (network down, server gone). */
    readonly status: number,
    /** The API's error code (`JOB_VALIDATION`...); null when it sent none. */
    readonly code: string | null = null,
    /** The API's structured context: validation issues, the offending field... */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** A conditional GET's outcome: a new body and its ETag, or `unchanged` (304). */
export type ConditionalAnswer =
  | { readonly kind: 'fresh'; readonly data: unknown; readonly etag: string | null }
  | { readonly kind: 'unchanged' };

function refusal(body: unknown, status: number): ApiError {
  const error = (body as Partial<ApiErrorBody> | null)?.error;
  return new ApiError(
    typeof error?.message === 'string' ? error.message : `HTTP ${status}`,
    status,
    typeof error?.code === 'string' ? error.code : null,
    error?.details ?? {},
  );
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

async function call(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch (error) {
    throw new ApiError(error instanceof Error ? error.message : String(error), 0);
  }
}

/** The dashboard's REST API, under `<base>api/`. */
export class ApiClient {
  constructor(private readonly base: string) {}

  /**
   * GETs `api/<path>`, sending `If-None-Match` when an ETag is known: a 304 answer is
   * `unchanged`, so the caller keeps (and does not re-render) what it has.
   * @throws ApiError for any answer but 200 and 304, or when no answer comes
   */
  async get(path: string, etag: string | null): Promise<ConditionalAnswer> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (etag !== null) headers['If-None-Match'] = etag;
    const res = await call(`${this.base}api/${path}`, { headers });
    if (res.status === 304) return { kind: 'unchanged' };
    const data = await readBody(res);
    if (!res.ok) throw refusal(data, res.status);
    return { kind: 'fresh', data, etag: res.headers.get('ETag') };
  }

  /**
   * Sends an action: a JSON POST, PUT or DELETE, with `body` (an empty object by default).
   * @throws ApiError with the API's message, code and details when it is refused
   */
  async act(method: 'POST' | 'PUT' | 'DELETE', path: string, body: object = {}): Promise<unknown> {
    const res = await call(`${this.base}api/${path}`, {
      method,
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const data = await readBody(res);
    if (!res.ok) throw refusal(data, res.status);
    return data;
  }
}
