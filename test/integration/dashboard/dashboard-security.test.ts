import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiAuthorizationError, DocketClient } from '../../../src/client';
import {
  createDashboardHandler,
  startDashboard,
  type DashboardOptions,
  type RunningDashboard,
} from '../../../src/dashboard';
import { InvalidOptionsError, type Docket } from '../../../src';
import type { TestDatabase } from '../../helpers/mongo';
import { openDashboardDocket } from './dashboard-fixture';

/** A raw HTTP call with full control of the headers (fetch forbids setting Host and Origin). */
function call(
  url: string,
  {
    method = 'GET',
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const codeOf = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;
const JSON_HEADERS = { 'content-type': 'application/json' };

describe('dashboard security', () => {
  let db: TestDatabase;
  let docket: Docket;
  const closers: (() => Promise<void>)[] = [];

  /** Serves `handler` on a fresh loopback server; closed after all tests. */
  async function serve(
    handler: (req: IncomingMessage, res: ServerResponse) => void,
  ): Promise<string> {
    const server: Server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function standalone(
    options: Parameters<typeof startDashboard>[1],
  ): Promise<RunningDashboard> {
    const dashboard = await startDashboard(docket, options);
    closers.push(() => dashboard.close());
    return dashboard;
  }

  beforeAll(async () => {
    ({ db, docket } = await openDashboardDocket('dashboard_security'));
  });

  afterAll(async () => {
    for (const close of closers) await close();
    await docket.close();
    await db.cleanup();
  });

  it('requires an authorize hook unless unauthenticated loopback use is chosen explicitly', async () => {
    expect(() => createDashboardHandler(docket, {})).toThrow(InvalidOptionsError);
    expect(() => createDashboardHandler(docket, {})).toThrow(/authorize is required/);
    expect(() => createDashboardHandler(docket, { authorize: 'yes' as never })).toThrow(
      /authorize must be a function/,
    );
    expect(() => createDashboardHandler(docket, { allowUnauthenticated: true })).not.toThrow();
    await expect(startDashboard(docket, { host: '0.0.0.0' })).rejects.toThrow(
      /authorize is required when host is not loopback/,
    );
    await expect(startDashboard(docket, { host: '::' })).rejects.toBeInstanceOf(
      InvalidOptionsError,
    );
    const options: DashboardOptions[] = [
      { allowUnauthenticated: true, basePath: 'jobs' },
      { allowUnauthenticated: true, maxPageSize: 0 },
      { allowUnauthenticated: true, maxBodyBytes: 10 },
      { allowUnauthenticated: true, allowedOrigins: ['https://a.example/path'] },
      { allowUnauthenticated: true, basePth: '/x' } as DashboardOptions,
    ];
    for (const option of options) {
      expect(() => createDashboardHandler(docket, option)).toThrow(InvalidOptionsError);
    }
  });

  it('asks the authorize hook on every request: 401 with the challenge when it refuses', async () => {
    const seen: string[] = [];
    const dashboard = await standalone({
      authorize: (req) => {
        seen.push(req.url ?? '');
        return req.headers.authorization === 'Bearer good';
      },
      wwwAuthenticate: 'Basic realm="Docket"',
    });
    const denied = await new DocketClient({ baseUrl: dashboard.url })
      .getStats()
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(ApiAuthorizationError);
    expect(denied).toMatchObject({ status: 401, apiCode: 'UNAUTHORIZED' });
    const page = await call(dashboard.url);
    expect(page.status).toBe(401);
    expect(page.headers['www-authenticate']).toBe('Basic realm="Docket"');
    expect((await call(`${dashboard.url}assets/app.js`)).status).toBe(401);
    const client = new DocketClient({
      baseUrl: dashboard.url,
      headers: async () => ({ authorization: 'Bearer good' }),
    });
    await expect(client.getStats()).resolves.toMatchObject({ states: expect.any(Object) });
    expect(seen).toContain('/api/stats');
  });

  it('fails closed when the authorize hook throws, and reports the error', async () => {
    const reported: unknown[] = [];
    const url = await serve(
      createDashboardHandler(docket, {
        authorize: () => {
          throw new Error('identity provider down');
        },
        onError: (error) => reported.push(error),
      }),
    );
    const res = await call(`${url}/api/stats`);
    expect(res.status).toBe(500);
    expect(codeOf(res.body)).toBe('INTERNAL');
    expect(res.body).not.toContain('identity provider');
    expect(reported).toHaveLength(1);
  });

  it('serves loopback clients only when unauthenticated (no DNS rebinding, no proxies)', async () => {
    const dashboard = await standalone({});
    expect((await call(`${dashboard.url}api/stats`)).status).toBe(200);
    expect(
      (
        await call(`${dashboard.url}api/stats`, {
          headers: { host: `localhost:${dashboard.port}` },
        })
      ).status,
    ).toBe(200);
    const rebound = await call(`${dashboard.url}api/stats`, {
      headers: { host: `evil.example:${dashboard.port}` },
    });
    expect(rebound.status).toBe(403);
    expect(codeOf(rebound.body)).toBe('LOOPBACK_ONLY');
    expect(rebound.body).toContain('Host header');
    const proxied = await call(`${dashboard.url}api/stats`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(proxied.status).toBe(403);
    expect(proxied.body).toContain('x-forwarded-for');
    const forwarded = await call(dashboard.url, { headers: { forwarded: 'for=203.0.113.9' } });
    expect(forwarded.status).toBe(403);
  });

  it('refuses cross-site actions: Origin and Sec-Fetch-Site checks, JSON only, never on GET', async () => {
    const dashboard = await standalone({ allowedOrigins: ['https://admin.example.com'] });
    const own = `http://127.0.0.1:${dashboard.port}`;
    const pause = (headers: Record<string, string>) =>
      call(`${dashboard.url}api/queues/csrf/pause`, {
        method: 'POST',
        headers,
        // A queue nothing uses yet: pausing it needs allowUnknown.
        body: '{"allowUnknown":true}',
      });

    const evil = await pause({ ...JSON_HEADERS, origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(codeOf(evil.body)).toBe('CROSS_SITE_REQUEST');
    expect((await pause({ ...JSON_HEADERS, origin: 'null' })).status).toBe(403);
    expect((await pause({ ...JSON_HEADERS, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(
      (await pause({ ...JSON_HEADERS, 'sec-fetch-site': 'same-site', origin: own })).status,
    ).toBe(403);
    // A form can only send text/plain, urlencoded or multipart bodies.
    const form = await pause({ 'content-type': 'text/plain', origin: own });
    expect(form.status).toBe(415);
    expect((await pause({ 'content-type': 'multipart/form-data; boundary=x' })).status).toBe(415);
    expect((await call(`${dashboard.url}api/queues/csrf/pause`, { method: 'GET' })).status).toBe(
      405,
    );
    expect((await docket.listQueues()).find((queue) => queue.name === 'csrf')).toBeUndefined();

    expect(
      (await pause({ ...JSON_HEADERS, origin: own, 'sec-fetch-site': 'same-origin' })).status,
    ).toBe(200);
    expect(
      (
        await pause({
          ...JSON_HEADERS,
          origin: 'https://admin.example.com',
          'sec-fetch-site': 'cross-site',
        })
      ).status,
    ).toBe(200);
    expect((await pause(JSON_HEADERS)).status).toBe(200); // not a browser: no Origin
    await docket.resumeQueue('csrf');
  });

  it('refuses every action when read-only, and still serves reads', async () => {
    const dashboard = await standalone({ readOnly: true });
    const client = new DocketClient({ baseUrl: dashboard.url });
    await expect(client.getStats()).resolves.toBeDefined();
    const refused = await client.pauseQueue('default').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiAuthorizationError);
    expect(refused).toMatchObject({ status: 403, apiCode: 'READ_ONLY' });
    await expect(
      client.enqueueJob({ type: 'dashboard-it.report', payload: { month: 1, note: 'x' } }),
    ).rejects.toMatchObject({ status: 403 });
    expect((await call(dashboard.url)).body).toContain('data-read-only="true"');
  });

  it('sends security headers: CSP without inline script, no framing, no sniffing', async () => {
    const dashboard = await standalone({ title: '<script>alert(1)</script>' });
    const page = await call(`${dashboard.url}jobs/failed`);
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toMatch(/<script>[^<]/); // no inline script at all
    const api = await call(`${dashboard.url}api/stats`);
    expect(api.headers['cache-control']).toBe('no-store');
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect((await call(`${dashboard.url}no/such/page`)).status).toBe(404);
    const script = await call(`${dashboard.url}assets/app.js`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(script.headers['content-encoding']).toBe('gzip');
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    const cached = await call(`${dashboard.url}assets/app.js`, {
      headers: { 'if-none-match': String(script.headers.etag) },
    });
    expect(cached.status).toBe(304);
    expect((await call(dashboard.url, { method: 'POST' })).status).toBe(405);
  });

  it('mounts in a larger server: passes other paths to next(), detects a wrong basePath', async () => {
    const handler = createDashboardHandler(docket, {
      basePath: '/ops/jobs',
      allowUnauthenticated: true,
    });
    const url = await serve((req, res) => {
      // What Express does for app.use('/ops/jobs', handler): strips the mount path from
      // req.url and keeps the full one in req.originalUrl.
      if (req.url?.startsWith('/ops/jobs')) {
        Object.assign(req, {
          originalUrl: req.url,
          baseUrl: '/ops/jobs',
          url: req.url.slice(9) || '/',
        });
      }
      handler(req, res, () => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('the app');
      });
    });
    expect((await call(`${url}/other`)).body).toBe('the app');
    const stats = await call(`${url}/ops/jobs/api/stats`);
    expect(stats.status).toBe(200);
    expect((await call(`${url}/ops/jobs/`)).body).toContain('data-base="/ops/jobs/"');

    // A body parser ran first (express.json(), NestJS's default): its result is used.
    const parsedFirst = await serve((req, res) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => {
        if (text !== '') Object.assign(req, { body: JSON.parse(text) as unknown });
        handler(req, res);
      });
    });
    const enqueued = await call(`${parsedFirst}/ops/jobs/api/jobs`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ type: 'dashboard-it.report', payload: { month: 1, note: 'parsed' } }),
    });
    expect(enqueued.status).toBe(201);
    const notKept = await serve((req, res) => {
      req.resume();
      req.on('end', () => handler(req, res));
    });
    const lost = await call(`${notKept}/ops/jobs/api/queues/x/pause`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: '{}',
    });
    expect(lost.status).toBe(400);
    expect(lost.body).toContain('mount the dashboard before body parsers');

    const misconfigured = createDashboardHandler(docket, { allowUnauthenticated: true });
    const wrongUrl = await serve((req, res) => {
      Object.assign(req, { originalUrl: req.url, baseUrl: '/jobs', url: '/' });
      misconfigured(req, res);
    });
    const wrong = await call(`${wrongUrl}/jobs/api/stats`);
    expect(wrong.status).toBe(500);
    expect(JSON.parse(wrong.body)).toMatchObject({ error: { code: 'MISCONFIGURED' } });
  });
});
