import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { DocketClient } from '../../../src/client';
import { createDashboardHandler, type DashboardOptions } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import type { TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { openDashboardDocket } from './dashboard-fixture';

/** What came back on a raw connection: the status line's code, the head, and whether it closed. */
interface RawAnswer {
  readonly status: number;
  readonly head: string;
  readonly body: string;
  /** The server closed the connection (before the deadline; the request body may be unsent). */
  readonly closed: boolean;
}

/**
 * Writes `head` (request line and headers) and `body` on a raw TCP connection, with nothing
 * normalised: fetch and http.request rewrite paths and refuse some headers. Resolves when the
 * server closes the connection, or after `deadlineMs` with what arrived by then (a request
 * body that declares more than it sends is never completed).
 */
function rawCall(port: number, head: string, body = '', deadlineMs = 2_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const [headText, ...rest] = text.split('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0),
        head: headText,
        body: rest.join('\r\n\r\n'),
        closed,
      });
    };
    const timer = setTimeout(() => finish(false), deadlineMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => finish(true));
    socket.on('error', (error) => (text === '' ? reject(error) : finish(true)));
    socket.write(`${head}\r\n\r\n${body}`);
  });
}

const codeOf = (body: string) => {
  const json = body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1);
  return (JSON.parse(json) as { error: { code: string; details?: unknown } }).error;
};

describe('dashboard requests: paths, proxies, refusals, disconnects, dates', () => {
  let db: TestDatabase;
  let docket: Docket;
  const closers: (() => Promise<void>)[] = [];

  /** Serves a dashboard with `options` on a new server; closed after all tests. */
  async function serve(
    options: DashboardOptions,
    host = '127.0.0.1',
    wrap?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void,
  ): Promise<{ port: number; url: string }> {
    const handler = createDashboardHandler(docket, options);
    const server: Server = createServer((req, res) =>
      wrap ? wrap(req, res, () => handler(req, res)) : handler(req, res),
    );
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const { port } = server.address() as AddressInfo;
    return { port, url: `http://127.0.0.1:${port}/` };
  }

  beforeAll(async () => {
    ({ db, docket } = await openDashboardDocket('dashboard_requests'));
  });

  afterAll(async () => {
    for (const close of closers) await close();
    await docket.close();
    await db.cleanup();
  });

  it('authorizes exactly the path it routes: non-canonical paths never reach the API', async () => {
    const seen: string[] = [];
    // A hook that makes the UI's assets public and everything else need a token.
    const { port } = await serve({
      authorize: (req) => {
        seen.push(req.url ?? '');
        return req.url?.startsWith('/assets/') === true || req.headers.authorization === 'ok';
      },
    });
    const get = (path: string) =>
      rawCall(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close`);
    expect((await get('/assets/app.js')).status).toBe(200);
    expect((await get('/api/jobs')).status).toBe(401);
    for (const path of [
      '/assets/../api/jobs',
      '/assets/%2e%2e/api/jobs',
      '/assets/%2E%2E/api/jobs',
      '/assets/.%2e/api/jobs',
      '/assets/..%2fapi/jobs',
      '/assets/..%2Fapi%2Fjobs',
      '/assets/..%5capi/jobs',
      '/assets\\..\\api/jobs',
      '/assets/x/..//../api/jobs',
      '//api/jobs',
      '/assets//api/jobs',
      '/assets/./app.js',
    ]) {
      const answer = await get(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(codeOf(answer.body).code).toBe('NON_CANONICAL_PATH');
    }
    // Refused before the hook runs: it only ever sees paths the router reads the same way.
    expect(seen).toEqual(['/assets/app.js', '/api/jobs']);
    // Ids may still hold encoded slashes (recurring ids such as 'reports/monthly').
    const recurring = await rawCall(
      port,
      `GET /api/jobs/reports%2Fmonthly HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ok\r\nConnection: close`,
    );
    expect(recurring.status).toBe(404);
    expect(codeOf(recurring.body).code).toBe('JOB_NOT_FOUND');
  });

  it('serves unauthenticated only on a loopback-only server, and never through a proxy', async () => {
    const local = await serve({ allowUnauthenticated: true });
    const get = (port: number, extra = '') =>
      rawCall(
        port,
        `GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close${extra}`,
      );
    expect((await get(local.port)).status).toBe(200);
    for (const header of [
      'Via: 1.1 proxy.internal',
      'X-Forwarded-Proto: https',
      'X-Forwarded-Port: 443',
      'X-Forwarded-Server: proxy.internal',
      'True-Client-IP: 203.0.113.9',
      'CF-Connecting-IP: 203.0.113.9',
    ]) {
      const answer = await get(local.port, `\r\n${header}`);
      expect({ header, status: answer.status }).toEqual({ header, status: 403 });
      expect(codeOf(answer.body).code).toBe('LOOPBACK_ONLY');
    }
    // Listening on every interface: the unauthenticated mode refuses even local requests.
    const everywhere = await serve({ allowUnauthenticated: true }, '0.0.0.0');
    const refused = await get(everywhere.port);
    expect(refused.status).toBe(403);
    expect(codeOf(refused.body).code).toBe('LOOPBACK_ONLY');
    expect(refused.body).toContain('listens on 0.0.0.0');
  });

  it('refuses before reading the body, and stops reading past maxBodyBytes', async () => {
    const { port } = await serve({
      authorize: (req) => req.headers.authorization === 'ok',
      maxBodyBytes: 1_024,
    });
    const post = (path: string, headers: string, body: string) =>
      rawCall(port, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${headers}`, body);
    const declared = 'Content-Length: 50000000';
    const chunk = 'x'.repeat(500);
    const cases: [string, RawAnswer, number][] = [
      ['unauthorized', await post('/api/jobs', `${declared}`, chunk), 401],
      ['unknown route', await post('/api/nothing', `Authorization: ok\r\n${declared}`, chunk), 404],
      [
        'not JSON',
        await post(
          '/api/jobs',
          `Authorization: ok\r\nContent-Type: text/plain\r\n${declared}`,
          chunk,
        ),
        415,
      ],
      [
        'declared too large',
        await post(
          '/api/jobs',
          `Authorization: ok\r\nContent-Type: application/json\r\n${declared}`,
          chunk,
        ),
        413,
      ],
      [
        'chunked too large',
        await post(
          '/api/jobs',
          'Authorization: ok\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked',
          `800\r\n${'x'.repeat(0x800)}\r\n`,
        ),
        413,
      ],
    ];
    for (const [what, answer, status] of cases) {
      // The answer comes while the body is unsent, and the connection is closed rather than
      // kept open to read (and throw away) the rest of it.
      expect({ what, status: answer.status, closed: answer.closed }).toEqual({
        what,
        status,
        closed: true,
      });
      expect(answer.head.toLowerCase()).toContain('connection: close');
    }
    // An accepted body within the limit is still read in full.
    const body = '{"allowUnknown":true}';
    const accepted = await post(
      '/api/queues/read-in-full/pause',
      `Authorization: ok\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close`,
      body,
    );
    expect(accepted.status).toBe(200);
    await docket.resumeQueue('read-in-full');
  });

  it('treats a client that disconnects mid-request as the client’s doing, not a server error', async () => {
    const reported: unknown[] = [];
    let reading: () => void = () => undefined;
    const startedReading = new Promise<void>((resolve) => (reading = resolve));
    let finished = false;
    const { port } = await serve(
      { allowUnauthenticated: true, onError: (e) => reported.push(e) },
      '127.0.0.1',
      (req, res, next) => {
        req.on('newListener', (event) => event === 'data' && reading());
        res.on('close', () => (finished = true));
        next();
      },
    );
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      `POST /api/queues/gone/pause HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"allow',
    );
    await startedReading;
    // Reset (not a polite FIN): what a browser tab closed mid-upload does.
    socket.resetAndDestroy();
    await waitFor(() => finished, { what: 'the server to see the disconnect' });
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(reported).toEqual([]);
  });

  it('refuses impossible dates, naming the field', async () => {
    const { url } = await serve({ allowUnauthenticated: true });
    const client = new DocketClient({ baseUrl: url });
    const enqueue = (runAt: string) =>
      client.enqueueJob({ type: 'dashboard-it.report', payload: { month: 1, note: 'x' }, runAt });
    for (const runAt of [
      '2030-02-31T09:00:00Z',
      '2030-02-29T09:00:00Z',
      '2030-01-01T24:00:00Z',
      '2030-13-01T00:00:00Z',
      '2030-01-01T09:60:00Z',
      '2030-01-01T09:00:60Z',
      '2030-01-01T09:00:00+24:00',
      '2030-04-31T09:00:00+02:00',
    ]) {
      await expect(enqueue(runAt)).rejects.toMatchObject({
        status: 400,
        apiCode: 'INVALID_INPUT',
        details: { field: 'runAt' },
      });
    }
    const { id } = await enqueue('2032-02-29T23:30:00.5+01:00');
    expect((await client.getJob(id)).dueAt).toBe('2032-02-29T22:30:00.500Z');
  });
});
