import { InvalidOptionsError } from '../errors';
import type { ApiCallConfig, DocketClientHeaders } from './api-call';

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
  /**
   * Largest answer read, in bytes (integer 1024..1 GiB): a larger one fails with
   * {@link ApiResponseTooLargeError} instead of filling memory. The default holds the largest
   * job MongoDB can store, as JSON.
   * @defaultValue `67108864` (64 MiB)
   */
  maxResponseBytes?: number;
}

/** The defaults of {@link DocketClientOptions}. */
const CLIENT_DEFAULTS = {
  timeoutMs: 30_000,
  maxResponseBytes: 64 * 1024 * 1024,
} as const satisfies Partial<DocketClientOptions>;

const MAX_RESPONSE_BYTES_LIMIT = 1024 * 1024 * 1024;

/**
 * A client's options checked, with their defaults, as every call takes them (frozen).
 * @throws InvalidOptionsError - for a base URL that is not http(s), or other bad options.
 */
export function resolveClientOptions(options: DocketClientOptions): ApiCallConfig {
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
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new InvalidOptionsError('fetch must be a function (no global fetch is available)', {
      option: 'fetch',
    });
  }
  const timeoutMs = options.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new InvalidOptionsError(`timeoutMs must be an integer ≥ 1, got ${timeoutMs}`, {
      option: 'timeoutMs',
    });
  }
  const maxResponseBytes = options.maxResponseBytes ?? CLIENT_DEFAULTS.maxResponseBytes;
  if (
    !Number.isSafeInteger(maxResponseBytes) ||
    maxResponseBytes < 1024 ||
    maxResponseBytes > MAX_RESPONSE_BYTES_LIMIT
  ) {
    throw new InvalidOptionsError(
      `maxResponseBytes must be an integer between 1024 and ${MAX_RESPONSE_BYTES_LIMIT}, got ${maxResponseBytes}`,
      { option: 'maxResponseBytes' },
    );
  }
  return Object.freeze({
    baseUrl,
    headers: options.headers ?? {},
    fetch: fetchImpl,
    timeoutMs,
    maxResponseBytes,
  });
}
