import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Docket } from '../docket';
import type { JobRecord } from '../storage/job-record';
import { checkQueryNames } from './api/api-params';
import type { ApiAnswer, ApiRoute } from './api/api-route';
import { API_ROUTES } from './api/api-routes';
import { toHttpProblem } from './api/map-error';
import { resolveDashboardOptions, type DashboardOptions } from './dashboard-options';
import { debugDashboard, hasUnreadBody, isClientGone, watchClientGone } from './http/client-gone';
import { HttpProblem } from './http/http-problem';
import { isJsonContentType, readJsonBody } from './http/read-json-body';
import { crossSiteReason, notLoopbackReason } from './http/request-guards';
import { nonCanonicalPath, parseRequestTarget } from './http/request-target';
import {
  CONTENT_SECURITY_POLICY,
  send,
  sendApiAnswer,
  sendFile,
  sendProblem,
} from './http/responses';
import { matchPath } from './http/route-match';
import { ensureDashboardIndexes } from './queries/dashboard-indexes';
import { assetVersion, uiAssets } from './ui/ui-assets';
import { renderPageShell } from './ui/page-shell';

/**
 * A Node `http` request handler; `next` (Express, Connect, middie) is called for requests
 * outside the base path. Without `next`, those get a 404.
 */
export type DashboardHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

const JOB_STATES = new Set([
  'enqueued',
  'scheduled',
  'processing',
  'succeeded',
  'failed',
  'deleted',
  'awaiting',
]);

/** Whether a path under the base path is one of the UI's pages (for the 200/404 status). */
function isPagePath(rest: string): boolean {
  if (['', 'recurring', 'servers', 'queues', 'charts'].includes(rest)) return true;
  const [first, second, ...more] = rest.split('/');
  if (more.length > 0 || second === undefined) return false;
  return (first === 'jobs' && JOB_STATES.has(second)) || (first === 'job' && isJobId(second));
}

/** Whether a path segment decodes to a job id (a malformed percent-encoding does not). */
function isJobId(segment: string): boolean {
  try {
    return decodeURIComponent(segment) !== '';
  } catch {
    return false;
  }
}

/** Where Express or middie mounted the handler, when they say. */
function mountPath(req: IncomingMessage): string | undefined {
  const baseUrl = (req as { baseUrl?: unknown }).baseUrl;
  return typeof baseUrl === 'string' && baseUrl !== '' ? baseUrl : undefined;
}

/**
 * Creates the dashboard: the REST API under `<basePath>api/` and the web UI under
 * `<basePath>`, as one Node `http` handler.
 *
 * ```ts
 * const dashboard = createDashboardHandler(docket, { basePath: '/jobs', authorize });
 * http.createServer(dashboard).listen(3000);      // or: app.use('/jobs', dashboard) (Express)
 * ```
 *
 * Security: paths must be canonical (400 `NON_CANONICAL_PATH` otherwise), then every
 * request passes `authorize` (or, with `allowUnauthenticated`, must be a loopback request
 * to a loopback-only server); actions are POST/DELETE only, need `Content-Type:
 * application/json` and are refused cross-site; `readOnly` refuses them all. A refused
 * request's body is never read (the connection is closed instead). The dashboard's indexes
 * are created (idempotently) before its first request is answered.
 * @throws InvalidOptionsError - for invalid options, e.g. no `authorize` and no
 *   `allowUnauthenticated: true`.
 * @throws DocketError - when the web UI's files are missing (a source checkout whose UI
 *   was never built: the message names the command that builds it).
 */
export function createDashboardHandler(
  docket: Docket,
  options: DashboardOptions,
): DashboardHandler {
  const resolved = resolveDashboardOptions(options);
  // Read now, so that a checkout whose UI is not built fails here, saying what to run.
  uiAssets();
  const jobs = docket.database.collection<JobRecord>(`${docket.collectionPrefix}jobs`);
  let indexes: Promise<void> | undefined;
  const ensureIndexes = () => {
    indexes ??= ensureDashboardIndexes(docket.database, docket.collectionPrefix).catch(
      (error: unknown) => {
        indexes = undefined; // try again at the next request
        throw error;
      },
    );
    return indexes;
  };
  let shell: string | undefined;
  const pageShell = () => (shell ??= renderPageShell(resolved, assetVersion()));

  return (req, res, next) => {
    serve(req, res, next).catch((error: unknown) => {
      if (isClientGone(error, req)) {
        debugDashboard('%s %s: the client disconnected (%s)', req.method, req.url, error);
        res.destroy();
        return;
      }
      const problem = toHttpProblem(error, resolved.onError);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A refused request's body is never read: closing the connection is what stops the
      // client from sending it (keeping the connection would mean reading it all).
      if (hasUnreadBody(req)) res.setHeader('Connection', 'close');
      sendProblem(res, problem);
    });
  };

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    next: ((error?: unknown) => void) | undefined,
  ): Promise<void> {
    const rawUrl = String((req as { originalUrl?: unknown }).originalUrl ?? req.url ?? '/');
    const url = parseRequestTarget(rawUrl);
    const { basePath } = resolved;
    const method = req.method ?? 'GET';
    const headOnly = method === 'HEAD';
    if (url.pathname === basePath.slice(0, -1) && basePath !== '/') {
      send(res, 308, '', { Location: `${basePath}${url.search}` }, headOnly);
      return;
    }
    if (!url.pathname.startsWith(basePath)) {
      if (next === undefined) {
        throw new HttpProblem(404, 'ROUTE_NOT_FOUND', `${url.pathname} is not a dashboard path`);
      }
      next();
      return;
    }
    if (url.problem !== null) throw nonCanonicalPath(url);
    // Express strips its mount path from req.url, which the hook may read instead.
    const inner = req.url === undefined || req.url === rawUrl ? url : parseRequestTarget(req.url);
    if (inner.problem !== null) throw nonCanonicalPath(inner);
    const mountedAt = mountPath(req);
    if (mountedAt !== undefined && !basePath.startsWith(`${mountedAt}/`)) {
      throw new HttpProblem(
        500,
        'MISCONFIGURED',
        `The dashboard is mounted at '${mountedAt}' but its basePath is '${basePath}': pass basePath: '${mountedAt}'`,
      );
    }
    await admit(req);
    const rest = url.pathname.slice(basePath.length);
    if (rest === 'api' || rest.startsWith('api/')) {
      await ensureIndexes();
      await serveApi(req, res, rest, url.searchParams, method);
    } else {
      serveUi(res, rest, method, req.headers);
    }
  }

  /** Authorization, or the loopback rule when there is no `authorize`. */
  async function admit(req: IncomingMessage): Promise<void> {
    if (resolved.authorize !== null) {
      let allowed: boolean;
      try {
        allowed = (await resolved.authorize(req)) === true;
      } catch (error) {
        if (isClientGone(error, req)) throw error;
        resolved.onError(error);
        throw new HttpProblem(500, 'INTERNAL', 'The authorize hook failed; see the server log');
      }
      if (!allowed) {
        throw new HttpProblem(
          401,
          'UNAUTHORIZED',
          'Not authorized to use this dashboard',
          undefined,
          resolved.wwwAuthenticate === null ? {} : { 'WWW-Authenticate': resolved.wwwAuthenticate },
        );
      }
      return;
    }
    const reason = notLoopbackReason(req);
    if (reason !== null) {
      throw new HttpProblem(
        403,
        'LOOPBACK_ONLY',
        `This dashboard has no authorize hook and serves loopback requests only: ${reason}`,
      );
    }
  }

  async function serveApi(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
    method: string,
  ): Promise<void> {
    let route: ApiRoute | undefined;
    let params: Record<string, string> = {};
    const allowed: string[] = [];
    for (const candidate of API_ROUTES) {
      const matched = matchPath(candidate.path, path);
      if (matched === null) continue;
      allowed.push(candidate.method, ...(candidate.method === 'GET' ? ['HEAD'] : []));
      const wanted = method === 'HEAD' ? 'GET' : method;
      if (candidate.method === wanted) {
        route = candidate;
        params = matched;
      }
    }
    if (allowed.length === 0) {
      throw new HttpProblem(404, 'ROUTE_NOT_FOUND', `No API endpoint at ${path}`);
    }
    if (route === undefined) {
      throw new HttpProblem(
        405,
        'METHOD_NOT_ALLOWED',
        `${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`,
        undefined,
        { Allow: allowed.join(', ') },
      );
    }
    let body: Record<string, unknown> = {};
    if (route.method !== 'GET') {
      body = await admitAction(req);
    }
    const gone = watchClientGone(res);
    let answer: ApiAnswer;
    try {
      const { signal } = gone;
      const context = { docket, options: resolved, req, params, query, body, jobs, signal };
      checkQueryNames(context, route.query ?? []);
      answer = await route.handle(context);
    } finally {
      gone.release();
    }
    if (answer.file) await sendFile(req, res, answer.file);
    else sendApiAnswer(req, res, answer.status, answer.body);
  }

  /** The checks of every action, then its body. */
  async function admitAction(req: IncomingMessage): Promise<Record<string, unknown>> {
    if (resolved.readOnly) {
      throw new HttpProblem(403, 'READ_ONLY', 'This dashboard is read-only: actions are disabled');
    }
    if (!isJsonContentType(req)) {
      throw new HttpProblem(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `Actions need Content-Type: application/json, got ${JSON.stringify(req.headers['content-type'] ?? '(none)')}`,
      );
    }
    const crossSite = crossSiteReason(req, resolved.allowedOrigins);
    if (crossSite !== null) {
      throw new HttpProblem(
        403,
        'CROSS_SITE_REQUEST',
        `Refused a cross-site action: ${crossSite} (allowedOrigins lists other origins allowed)`,
      );
    }
    return readJsonBody(req, resolved.maxBodyBytes);
  }

  function serveUi(
    res: ServerResponse,
    path: string,
    method: string,
    headers: IncomingMessage['headers'],
  ): void {
    if (method !== 'GET' && method !== 'HEAD') {
      throw new HttpProblem(
        405,
        'METHOD_NOT_ALLOWED',
        `${method} is not allowed on pages`,
        undefined,
        {
          Allow: 'GET, HEAD',
        },
      );
    }
    const headOnly = method === 'HEAD';
    const asset = uiAssets().get(path);
    if (asset !== undefined) {
      const cache = 'public, max-age=31536000, immutable';
      if (headers['if-none-match'] === asset.etag) {
        res.writeHead(304, { ETag: asset.etag, 'Cache-Control': cache });
        res.end();
        return;
      }
      const gzip = /\bgzip\b/.test(String(headers['accept-encoding'] ?? ''));
      send(
        res,
        200,
        gzip ? asset.gzipped : asset.body,
        {
          'Content-Type': asset.contentType,
          'Cache-Control': cache,
          ETag: asset.etag,
          Vary: 'Accept-Encoding',
          ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
        },
        headOnly,
      );
      return;
    }
    send(
      res,
      isPagePath(path) ? 200 : 404,
      pageShell(),
      {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      },
      headOnly,
    );
  }
}
