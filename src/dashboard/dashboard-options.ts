import type { IncomingMessage } from 'node:http';
import { InvalidOptionsError } from '../errors';
import {
  checkBoolean,
  checkInteger,
  checkKnownKeys,
  checkPlainObject,
  checkString,
} from '../options/option-checks';

/**
 * Decides whether a request may use the dashboard (UI and API). Return false to answer
 * 401; throwing also refuses the request (500, reported).
 *
 * It runs before the body is read, and only for canonical paths: a path with `.` or `..`
 * segments (also percent-encoded, or hidden behind `%2F`), `//`, backslashes or characters
 * to encode is refused with 400 `NON_CANONICAL_PATH` first. So `req.url` (or Express's
 * `originalUrl`) is exactly the path the dashboard routes, and a hook may safely make a
 * prefix public: `req.url.startsWith('/jobs/assets/')`.
 */
export type DashboardAuthorize = (req: IncomingMessage) => boolean | Promise<boolean>;

/** Options of {@link createDashboardHandler}. */
export interface DashboardOptions {
  /**
   * The URL path the dashboard answers under, as the browser sees it (`/jobs`). With Express
   * or NestJS, mount the handler at the same path (`app.use('/jobs', handler)`).
   * @defaultValue `'/'`
   */
  basePath?: string;
  /**
   * Called for every request before anything is read. Required unless
   * `allowUnauthenticated` is true, and always required behind a reverse proxy (see
   * `allowUnauthenticated`).
   */
  authorize?: DashboardAuthorize;
  /**
   * Serve without `authorize`, to loopback clients only, for a developer machine. A request
   * is served only when the server that accepted it listens on a loopback address only (not
   * `0.0.0.0` or `::`), it comes from a loopback address, names a loopback host
   * (`localhost`, `127.0.0.1`, `[::1]`: no DNS rebinding) and carries no proxy header
   * (`Forwarded`, `Via`, `X-Forwarded-*`, `X-Real-IP`...); others get 403 `LOOPBACK_ONLY`.
   *
   * Never use it behind a reverse proxy: a proxy on the same machine connects from loopback
   * on behalf of remote users, and one that adds no forwarding header (nginx's
   * `proxy_pass http://127.0.0.1:3000` does not) cannot be told from a local browser. Behind
   * a proxy, pass `authorize`.
   * @defaultValue false
   */
  allowUnauthenticated?: boolean;
  /**
   * A `WWW-Authenticate` value sent with 401 answers (e.g. `Basic realm="Docket"`), so a
   * browser prompts for credentials.
   * @defaultValue none
   */
  wwwAuthenticate?: string;
  /**
   * Refuse every action (enqueue, requeue, delete, trigger, pause...) with 403.
   * @defaultValue false
   */
  readOnly?: boolean;
  /**
   * Other origins (`https://admin.example.com`) allowed to send actions, besides the
   * dashboard's own.
   * @defaultValue `[]`
   */
  allowedOrigins?: readonly string[];
  /**
   * Largest page of `GET api/jobs` (integer 1..1000).
   * @defaultValue `100`
   */
  maxPageSize?: number;
  /**
   * Largest request body accepted, in bytes (integer 1024..16 MiB); larger is 413, answered
   * without reading the rest and closing the connection.
   * @defaultValue `65536`
   */
  maxBodyBytes?: number;
  /**
   * Longest wait of one `GET api/jobs/{id}/wait` (ms, integer 1000..300000): a job still
   * unfinished by then is answered `finished: false`, and the client asks again. Keep it
   * below the idle timeout of any proxy in front of the dashboard.
   * @defaultValue `30000`
   */
  maxWaitMs?: number;
  /**
   * How often the web UI refreshes the page it shows (ms, integer 500..600000).
   * @defaultValue `2000`
   */
  refreshIntervalMs?: number;
  /**
   * Servers whose heartbeat is older than this are shown as not alive (ms).
   * @defaultValue `30000`
   */
  serverStaleAfterMs?: number;
  /**
   * Title of the web UI's pages.
   * @defaultValue `'Docket'`
   */
  title?: string;
  /**
   * Told about failures that are not the client's fault (MongoDB unreachable, a throwing
   * `authorize`); the client gets a 5xx without details. A client that disconnects before
   * its answer is not a failure: it is traced only with `NODE_DEBUG=docket-dashboard`.
   * @defaultValue writes the error to stderr (`console.error`)
   */
  onError?: (error: unknown) => void;
}

/** {@link DashboardOptions} checked, with defaults applied; frozen. */
export interface ResolvedDashboardOptions {
  /** Always starts and ends with `/`. */
  readonly basePath: string;
  readonly authorize: DashboardAuthorize | null;
  readonly allowUnauthenticated: boolean;
  readonly wwwAuthenticate: string | null;
  readonly readOnly: boolean;
  readonly allowedOrigins: readonly string[];
  readonly maxPageSize: number;
  readonly maxBodyBytes: number;
  readonly maxWaitMs: number;
  readonly refreshIntervalMs: number;
  readonly serverStaleAfterMs: number;
  readonly title: string;
  readonly onError: (error: unknown) => void;
}

/** The defaults of {@link DashboardOptions}. */
export const DASHBOARD_DEFAULTS = {
  /** {@link DashboardOptions.basePath}: the root. */
  basePath: '/',
  /** {@link DashboardOptions.allowUnauthenticated}: `authorize` is required. */
  allowUnauthenticated: false,
  /** {@link DashboardOptions.readOnly}: actions are allowed. */
  readOnly: false,
  /** {@link DashboardOptions.allowedOrigins}: only the dashboard's own origin. */
  allowedOrigins: [],
  /** {@link DashboardOptions.maxPageSize}: 100 jobs. */
  maxPageSize: 100,
  /** {@link DashboardOptions.maxBodyBytes}: 64 KiB. */
  maxBodyBytes: 65_536,
  /** {@link DashboardOptions.maxWaitMs}: 30 seconds. */
  maxWaitMs: 30_000,
  /** {@link DashboardOptions.refreshIntervalMs}: 2 seconds. */
  refreshIntervalMs: 2_000,
  /** {@link DashboardOptions.serverStaleAfterMs}: 30 seconds. */
  serverStaleAfterMs: 30_000,
  /** {@link DashboardOptions.title}. */
  title: 'Docket',
} as const satisfies DashboardOptions;

/** Page size of `GET api/jobs` when none is asked for. */
export const DEFAULT_PAGE_SIZE = 20;

const OPTION_KEYS = [
  'basePath',
  'authorize',
  'allowUnauthenticated',
  'wwwAuthenticate',
  'readOnly',
  'allowedOrigins',
  'maxPageSize',
  'maxBodyBytes',
  'maxWaitMs',
  'refreshIntervalMs',
  'serverStaleAfterMs',
  'title',
  'onError',
];

const BASE_PATH_PATTERN = /^\/([A-Za-z0-9._~-]+\/?)*$/;
const ORIGIN_PATTERN =
  /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Validates dashboard options once, at construction.
 * @param name - Path of the options object in messages (`'options'`, `'dashboard'`).
 * @throws InvalidOptionsError - naming the option, what is allowed and what was given.
 */
export function resolveDashboardOptions(
  options: DashboardOptions | undefined,
  name = 'options',
): ResolvedDashboardOptions {
  const given = options ?? {};
  checkPlainObject(name, given);
  checkKnownKeys(name === 'options' ? '' : name, given, OPTION_KEYS);
  const path = (key: string) => (name === 'options' ? key : `${name}.${key}`);

  let basePath = given.basePath ?? DASHBOARD_DEFAULTS.basePath;
  checkString(path('basePath'), basePath, {
    maxLength: 200,
    pattern: BASE_PATH_PATTERN,
    patternDescription: "starting with '/', made of path segments from [A-Za-z0-9._~-]",
  });
  if (basePath.split('/').some((part) => part === '.' || part === '..')) {
    throw new InvalidOptionsError(
      `${path('basePath')} may not contain '.' or '..' segments, got ${JSON.stringify(basePath)}`,
      { option: path('basePath') },
    );
  }
  if (!basePath.endsWith('/')) basePath += '/';

  const authorize = given.authorize ?? null;
  if (authorize !== null && typeof authorize !== 'function') {
    throw new InvalidOptionsError(
      `${path('authorize')} must be a function (req) => boolean | Promise<boolean>, got ${typeof authorize}`,
      { option: path('authorize') },
    );
  }
  const onError = given.onError ?? defaultOnError;
  if (typeof onError !== 'function') {
    throw new InvalidOptionsError(`${path('onError')} must be a function, got ${typeof onError}`, {
      option: path('onError'),
    });
  }
  const allowUnauthenticated =
    given.allowUnauthenticated === undefined
      ? DASHBOARD_DEFAULTS.allowUnauthenticated
      : checkBoolean(path('allowUnauthenticated'), given.allowUnauthenticated);
  if (authorize === null && !allowUnauthenticated) {
    throw new InvalidOptionsError(
      `${path('authorize')} is required: pass authorize(req) => boolean to decide who may use ` +
        'the dashboard, or allowUnauthenticated: true to serve loopback clients only',
      { option: path('authorize') },
    );
  }
  const allowedOrigins = given.allowedOrigins ?? DASHBOARD_DEFAULTS.allowedOrigins;
  if (!Array.isArray(allowedOrigins)) {
    throw new InvalidOptionsError(
      `${path('allowedOrigins')} must be an array of origins such as 'https://admin.example.com'`,
      { option: path('allowedOrigins') },
    );
  }
  allowedOrigins.forEach((origin: unknown, index) =>
    checkString(`${path('allowedOrigins')}[${index}]`, origin, {
      maxLength: 300,
      pattern: ORIGIN_PATTERN,
      patternDescription: "of the form 'https://host[:port]' (no path, no trailing slash)",
    }),
  );

  return Object.freeze({
    basePath,
    authorize,
    allowUnauthenticated,
    wwwAuthenticate:
      given.wwwAuthenticate === undefined
        ? null
        : checkString(path('wwwAuthenticate'), given.wwwAuthenticate, {
            maxLength: 500,
            pattern: /^[\x20-\x7e]+$/,
            patternDescription: 'of printable ASCII characters',
          }),
    readOnly:
      given.readOnly === undefined
        ? DASHBOARD_DEFAULTS.readOnly
        : checkBoolean(path('readOnly'), given.readOnly),
    allowedOrigins: Object.freeze([...allowedOrigins].map((origin) => origin.toLowerCase())),
    maxPageSize: checkInteger(
      path('maxPageSize'),
      given.maxPageSize ?? DASHBOARD_DEFAULTS.maxPageSize,
      { min: 1, max: 1_000 },
    ),
    maxBodyBytes: checkInteger(
      path('maxBodyBytes'),
      given.maxBodyBytes ?? DASHBOARD_DEFAULTS.maxBodyBytes,
      { min: 1_024, max: 16 * 1024 * 1024 },
    ),
    maxWaitMs: checkInteger(path('maxWaitMs'), given.maxWaitMs ?? DASHBOARD_DEFAULTS.maxWaitMs, {
      min: 1_000,
      max: 300_000,
    }),
    refreshIntervalMs: checkInteger(
      path('refreshIntervalMs'),
      given.refreshIntervalMs ?? DASHBOARD_DEFAULTS.refreshIntervalMs,
      { min: 500, max: 600_000 },
    ),
    serverStaleAfterMs: checkInteger(
      path('serverStaleAfterMs'),
      given.serverStaleAfterMs ?? DASHBOARD_DEFAULTS.serverStaleAfterMs,
      { min: 1_000, max: 86_400_000 },
    ),
    title: checkString(path('title'), given.title ?? DASHBOARD_DEFAULTS.title, {
      maxLength: 100,
    }),
    onError,
  });
}

function defaultOnError(error: unknown): void {
  console.error('[docket dashboard]', error);
}
