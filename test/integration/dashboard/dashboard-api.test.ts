import {
  ApiConflictError,
  ApiNotFoundError,
  ApiValidationError,
  DocketApiError,
  DocketClient,
} from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import { Job, SCHEMA_VERSION, type Docket, type IJob, type JobServer } from '../../../src';
import { FAST_SERVER } from '../../helpers/docket';
import type { TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { checkSchema, conformanceFetch } from './openapi-conformance';
import { API_ROUTES } from '../../../src/dashboard/api/api-routes';
import { WarehouseError, behaviour, openDashboardDocket, report } from './dashboard-fixture';

/** A job no handler of these tests runs. */
@Job('dashboard-it.orphan')
class OrphanJob implements IJob {}

describe('dashboard REST API through DocketClient', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  let server: JobServer | undefined;
  const conformance = conformanceFetch('/jobs/');

  const stateOf = async (id: string) => (await docket.getJob(id))?.state;
  /** A raw call, for what the typed client never sends. */
  const raw = (path: string, init: RequestInit = {}) => fetch(new URL(path, dashboard.url), init);

  beforeAll(async () => {
    ({ db, docket } = await openDashboardDocket('dashboard_api'));
    dashboard = await startDashboard(docket, { basePath: '/jobs', maxPageSize: 50 });
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
  });

  afterEach(async () => {
    await server?.stop();
    server = undefined;
    behaviour.run = async (_job, ctx) => ctx.progress(100, 'done');
  });

  afterAll(async () => {
    await dashboard?.close();
    await docket.close();
    await db.cleanup();
  });

  it('serves under the base path and answers at the URL startDashboard reports', async () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jobs\/$/);
    const res = await raw('/jobs', { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/jobs/');
    expect((await raw('/elsewhere')).status).toBe(404);
  });

  it('enqueues by type name, validates like enqueue, and shows the job in full', async () => {
    const { id } = await client.enqueueJob({
      type: 'dashboard-it.report',
      payload: { month: 3, note: 'march' },
      queue: 'reports',
      priority: 7,
      delayMs: 3_600_000,
    });
    const job = await client.getJob(id);
    expect(job).toMatchObject({
      id,
      type: 'dashboard-it.report',
      queue: 'reports',
      state: 'scheduled',
      priority: 7,
      attempt: 0,
      payload: { month: 3, note: 'march' },
      error: null,
      progress: null,
    });
    expect(job.history).toEqual([{ state: 'scheduled', at: job.createdAt }]);
    expect(new Date(job.dueAt).getTime() - new Date(job.createdAt).getTime()).toBe(3_600_000);

    const at = '2031-05-01T09:00:00.000Z';
    const scheduled = await client.enqueueJob({
      type: 'dashboard-it.report',
      payload: { month: 5, note: 'may' },
      runAt: at,
    });
    expect((await client.getJob(scheduled.id)).dueAt).toBe(at);

    // Validation issues come back as a typed error with the class-validator details.
    const invalid = await client
      .enqueueJob({ type: 'dashboard-it.report', payload: { month: 13, note: 5 } })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(ApiValidationError);
    const validation = invalid as ApiValidationError;
    expect(validation.status).toBe(422);
    expect(validation.apiCode).toBe('JOB_VALIDATION');
    expect(validation.issues.map((issue) => issue.path).sort()).toEqual(['month', 'note']);

    await expect(client.enqueueJob({ type: 'no.such.type', payload: {} })).rejects.toMatchObject({
      status: 422,
      apiCode: 'UNKNOWN_JOB_TYPE',
    });
    await expect(
      client.enqueueJob({
        type: 'dashboard-it.report',
        payload: { month: 1, note: 'x' },
        queue: 'bad queue!',
      }),
    ).rejects.toMatchObject({ status: 400, apiCode: 'INVALID_INPUT', details: { field: 'queue' } });
    await expect(
      client.enqueueJob({
        type: 'dashboard-it.report',
        payload: { month: 1, note: 'x' },
        priority: 5000,
      }),
    ).rejects.toMatchObject({ status: 400, details: { field: 'priority' } });
    await expect(
      client.enqueueJob({
        type: 'dashboard-it.report',
        payload: { month: 1, note: 'x' },
        delayMs: 10,
        runAt: at,
      }),
    ).rejects.toMatchObject({ status: 400, apiCode: 'INVALID_INPUT' });
    await expect(
      client.enqueueJob({
        type: 'dashboard-it.report',
        payload: { month: 1, note: 'x' },
        runAt: 'tomorrow',
      }),
    ).rejects.toMatchObject({ status: 400, details: { field: 'runAt' } });
    await expect(client.enqueueJob({ payload: {} } as never)).rejects.toMatchObject({
      status: 400,
      details: { field: 'type' },
    });
    await expect(
      client.enqueueJob({ type: 'dashboard-it.report', payload: [] } as never),
    ).rejects.toMatchObject({ status: 400, details: { field: 'payload' } });
    await expect(
      client.enqueueJob({ type: 'dashboard-it.report', payload: {}, colour: 'red' } as never),
    ).rejects.toMatchObject({ status: 400, apiCode: 'UNKNOWN_FIELD' });
    await expect(client.getJob('no-such-job')).rejects.toBeInstanceOf(ApiNotFoundError);
  });

  it('refuses malformed, oversized and non-JSON bodies with the one error shape', async () => {
    const post = (body: string, contentType = 'application/json') =>
      raw('api/jobs', { method: 'POST', headers: { 'content-type': contentType }, body });
    const expectError = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(typeof body.error.message).toBe('string');
    };
    await expectError(await post('{"type":'), 400, 'INVALID_JSON');
    await expectError(await post('[1,2]'), 400, 'INVALID_BODY');
    await expectError(
      await post('{"type":"dashboard-it.report","payload":{"__proto__":{"month":1}}}'),
      400,
      'INVALID_BODY',
    );
    await expectError(await post('{"type":"x"}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(
      await post('{"type":"x"}', 'application/x-www-form-urlencoded'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const big = JSON.stringify({
      type: 'dashboard-it.report',
      payload: { month: 1, note: 'x'.repeat(70_000) },
    });
    await expectError(await post(big), 413, 'PAYLOAD_TOO_LARGE');
    await expectError(await raw('api/jobs', { method: 'PUT' }), 405, 'METHOD_NOT_ALLOWED');
    await expectError(await raw('api/nothing-here'), 404, 'ROUTE_NOT_FOUND');
    const options = await raw('api/jobs', { method: 'OPTIONS' });
    expect(options.status).toBe(405);
    expect(options.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(options.headers.get('access-control-allow-origin')).toBeNull();
    const head = await raw('api/stats', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('runs jobs, shows failures with their stack, retries and deletes them', async () => {
    behaviour.run = async (job) => {
      throw new WarehouseError(`warehouse down for month ${job.month}`);
    };
    server = await docket.startServer({ ...FAST_SERVER, queues: ['default', 'reports'] });
    const failed = (
      await client.enqueueJob({ type: 'dashboard-it.report', payload: { month: 2, note: 'feb' } })
    ).id;
    await expect(client.waitForJob(failed, { timeoutMs: 10_000 })).resolves.toMatchObject({
      state: 'failed',
    });
    const detail = await client.getJob(failed);
    expect(detail.state).toBe('failed');
    expect(detail.attempt).toBe(1);
    expect(detail.error).toMatchObject({
      name: 'WarehouseError',
      message: 'warehouse down for month 2',
    });
    expect(detail.error?.stack).toContain('WarehouseError: warehouse down for month 2');
    expect(detail.history.map((entry) => entry.state)).toEqual([
      'enqueued',
      'processing',
      'failed',
    ]);
    expect(detail.finishedAt).not.toBeNull();
    expect(typeof detail.durationMs).toBe('number');

    // Failed jobs can be retried (and deleted: see below).
    behaviour.run = async (_job, ctx) => ctx.progress(100, 'rebuilt');
    await client.requeueJob(failed);
    const retried = await client.waitForJob(failed, { timeoutMs: 10_000 });
    expect(retried.state).toBe('succeeded');
    expect(retried.progress).toMatchObject({ percent: 100, message: 'rebuilt' });
    expect(retried.error).toBeNull();

    // An unfinished job cannot be requeued; it can be deleted.
    const later = (
      await client.enqueueJob({
        type: 'dashboard-it.report',
        payload: { month: 4, note: 'apr' },
        delayMs: 600_000,
      })
    ).id;
    const conflict = await client.requeueJob(later).catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(ApiConflictError);
    expect(conflict).toMatchObject({
      apiCode: 'JOB_NOT_FINISHED',
      details: { state: 'scheduled' },
    });
    await client.deleteJob(later);
    expect(await stateOf(later)).toBe('deleted');
    // A finished job can be deleted too (Hangfire's Delete); deleting it again changes nothing.
    await client.deleteJob(failed);
    expect(await stateOf(failed)).toBe('deleted');
    const deleted = await client.getJob(failed);
    expect(deleted.history.at(-1)).toMatchObject({ state: 'deleted', reason: 'deleted' });
    await client.deleteJob(failed);
    expect((await client.getJob(failed)).history).toHaveLength(deleted.history.length);
    await expect(client.requeueJob('nope')).rejects.toBeInstanceOf(ApiNotFoundError);
    await expect(client.deleteJob('nope')).rejects.toBeInstanceOf(ApiNotFoundError);
  });

  it('lists jobs by state and queue with cursor pagination and filters', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(
        (
          await client.enqueueJob({
            type: 'dashboard-it.report',
            payload: { month: 1 + i, note: `page-${i}` },
            queue: i % 2 === 0 ? 'even' : 'odd',
            delayMs: 1_000_000 + i * 1_000,
          })
        ).id,
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listJobs({
        state: 'scheduled',
        queue: 'even',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((job) => job.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor !== undefined);
    // Scheduled jobs come soonest first; the even queue holds jobs 0, 2, 4 and 6.
    expect(seen).toEqual([ids[0], ids[2], ids[4], ids[6]]);
    expect(pages).toBe(2);

    const all: string[] = [];
    for await (const job of client.iterateJobs({ state: 'scheduled', limit: 3 })) all.push(job.id);
    expect(all).toEqual(expect.arrayContaining(ids));
    expect(new Set(all).size).toBe(all.length);

    // `search` is an id prefix now (anchored, case-sensitive), as `idPrefix` is.
    const one = await client.listJobs({ search: ids[3] });
    expect(one.items.map((job) => job.id)).toEqual([ids[3]]);
    expect(one.total).toEqual({ count: 1, exact: true });
    expect((await client.listJobs({ search: ids[3].slice(-10) })).items).toEqual([]);
    expect(one.items[0]).not.toHaveProperty('payload');
    const byType = await client.listJobs({
      type: 'dashboard-it.report',
      state: 'scheduled',
      limit: 50,
    });
    expect(byType.items.length).toBeGreaterThanOrEqual(7);
    expect((await client.listJobs({ type: 'other.type' })).items).toEqual([]);

    // Pages of finished jobs are newest first.
    const finished = await client.listJobs({ state: 'deleted' });
    expect(finished.items.every((job) => job.state === 'deleted')).toBe(true);

    const page = await client.listJobs({ state: 'scheduled', limit: 1 });
    await expect(
      client.listJobs({ state: 'failed', cursor: page.nextCursor! }),
    ).rejects.toMatchObject({ status: 400, apiCode: 'INVALID_CURSOR' });
    await expect(client.listJobs({ cursor: 'not a cursor!' })).rejects.toMatchObject({
      apiCode: 'INVALID_CURSOR',
    });
    await expect(client.listJobs({ limit: 51 })).rejects.toMatchObject({
      status: 400,
      details: { field: 'limit' },
    });
    await expect(client.listJobs({ limit: 0 })).rejects.toBeInstanceOf(ApiValidationError);
    await expect(client.listJobs({ state: 'lost' as never })).rejects.toMatchObject({
      details: { field: 'state' },
    });
    await expect(client.listJobs({ queue: 'no spaces' })).rejects.toMatchObject({
      details: { field: 'queue' },
    });
    const typo = await raw('api/jobs?stat=failed');
    expect(typo.status).toBe(400);
    expect(await typo.json()).toMatchObject({ error: { code: 'UNKNOWN_PARAMETER' } });
    expect((await raw('api/jobs?state=failed&state=succeeded')).status).toBe(400);
  });

  it('reports statistics: counts per state and queue, throughput per minute and hour', async () => {
    server = await docket.startServer({ ...FAST_SERVER, queues: ['stats'] });
    const before = await client.getStats();
    const id = (
      await client.enqueueJob({
        type: 'dashboard-it.report',
        payload: { month: 6, note: 'jun' },
        queue: 'stats',
      })
    ).id;
    await waitFor(async () => (await stateOf(id)) === 'succeeded');
    const stats = await client.getStats();
    expect(stats.states.succeeded).toBe(before.states.succeeded + 1);
    expect(Object.keys(stats.states).sort()).toEqual([
      'awaiting',
      'deleted',
      'enqueued',
      'failed',
      'processing',
      'scheduled',
      'succeeded',
    ]);
    expect(stats.lastHour).toHaveLength(60);
    expect(stats.lastDay).toHaveLength(24);
    const sum = (buckets: typeof stats.lastHour, key: 'succeeded' | 'failed') =>
      buckets.reduce((total, bucket) => total + bucket[key], 0);
    expect(sum(stats.lastHour, 'succeeded')).toBe(stats.states.succeeded);
    expect(sum(stats.lastDay, 'succeeded')).toBe(stats.states.succeeded);
    expect(sum(stats.lastHour, 'failed')).toBe(stats.states.failed);
    expect(stats.lastHour[59].succeeded + stats.lastHour[58].succeeded).toBeGreaterThanOrEqual(1);
    expect(
      new Date(stats.lastHour[1].at).getTime() - new Date(stats.lastHour[0].at).getTime(),
    ).toBe(60_000);
    expect(stats.queues.find((queue) => queue.name === 'even')).toMatchObject({
      paused: false,
      counts: { scheduled: 4 },
      length: 4,
    });
    expect(stats.servers).toEqual({ alive: 1, total: 1 });

    // Over time, for the queue alone: the job counted once, with how long it waited.
    const history = await client.getStatsHistory({ queue: 'stats', range: 'lastDay' });
    const counted = history.buckets.filter((bucket) => bucket.succeeded > 0);
    expect(counted).toHaveLength(1);
    expect(counted[0].succeeded).toBe(1);
    expect(counted[0].latencyMaxMs).toBeGreaterThanOrEqual(0);
    expect(history.queues).toContain('stats');
  });

  it('lists servers and queues, and pauses and resumes queues', async () => {
    server = await docket.startServer({ ...FAST_SERVER, queues: ['q1', 'q2'], concurrency: 3 });
    const servers = await client.listServers();
    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({
      queues: ['q1', 'q2'],
      concurrency: 3,
      alive: true,
      running: 0,
      overrunning: 0,
      // Push pickup on either deployment: a change stream, or a standalone's notices.
      pickup: expect.stringMatching(/^(change-stream|notifications)$/),
    });
    expect(servers[0].heartbeatAgeMs).toBeGreaterThanOrEqual(0);
    await expect(client.listServerJobs(servers[0].id)).resolves.toEqual({
      serverId: servers[0].id,
      items: [],
      truncated: false,
    });

    await expect(client.pauseQueue('q1')).resolves.toEqual({
      name: 'q1',
      paused: true,
      changed: true,
    });
    await expect(client.pauseQueue('q1')).resolves.toEqual({
      name: 'q1',
      paused: true,
      changed: false,
    });
    const id = (
      await client.enqueueJob({
        type: 'dashboard-it.report',
        payload: { month: 7, note: 'jul' },
        queue: 'q1',
      })
    ).id;
    const queues = await client.listQueues();
    expect(queues.find((queue) => queue.name === 'q1')).toMatchObject({ paused: true, length: 1 });
    await expect(client.resumeQueue('q1')).resolves.toMatchObject({ paused: false, changed: true });
    await waitFor(async () => (await stateOf(id)) === 'succeeded', {
      what: 'the resumed queue to run',
    });
    await expect(client.pauseQueue('bad name')).rejects.toMatchObject({
      status: 400,
      details: { field: 'name' },
    });
  });

  it('refuses to pause a queue nothing uses, unless allowUnknown', async () => {
    const error = await client.pauseQueue('q-typo').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiNotFoundError);
    expect(error).toMatchObject({ status: 404, apiCode: 'UNKNOWN_QUEUE' });
    await expect(client.resumeQueue('q-typo', { allowUnknown: true })).resolves.toEqual({
      name: 'q-typo',
      paused: false,
      changed: false,
    });
    await expect(client.pauseQueue('q-later', { allowUnknown: true })).resolves.toMatchObject({
      changed: true,
    });
    await expect(client.resumeQueue('q-later')).resolves.toMatchObject({ changed: true });
    const invalid = await raw('api/queues/q-later/pause', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"allowUnknown":"yes"}',
    });
    expect(invalid.status).toBe(400);
    // Draining a queue nothing waits in deletes nothing (see dashboard-purge-drain.test.ts).
    await expect(client.drainQueue('q-later')).resolves.toEqual({
      name: 'q-later',
      matched: 0,
      changed: 0,
    });
  });

  it('shows due jobs of types no live server handles', async () => {
    const orphanId = await docket.scheduler.enqueue(new OrphanJob(), { queue: 'orphans' });
    const orphan = (list: readonly { type: string }[]) =>
      list.find((entry) => entry.type === 'dashboard-it.orphan');
    // No server runs: every due type waits unhandled.
    expect(orphan(await client.listUnhandledJobTypes())).toEqual({
      type: 'dashboard-it.orphan',
      waiting: 1,
      oldestDueAt: expect.any(String),
    });
    server = await docket.startServer({ ...FAST_SERVER, queues: ['orphans'] });
    expect((await client.listServers())[0].jobTypes).toEqual(['dashboard-it.report']);
    const stats = await client.getStats();
    expect(stats.unhandled.map((entry) => entry.type)).toEqual(['dashboard-it.orphan']);
    expect(await client.listUnhandledJobTypes()).toEqual(stats.unhandled);
    await docket.scheduler.delete(orphanId);
    expect((await client.getStats()).unhandled).toEqual([]);
  });

  it('shows which rate limits throttle, and until when', async () => {
    server = await docket.startServer({
      ...FAST_SERVER,
      queues: ['throttled'],
      queueRateLimits: { throttled: { max: 1, intervalMs: 3_600_000 } },
    });
    const ids = await Promise.all(
      [1, 2].map((n) => docket.scheduler.enqueue(report(n, 'throttled'), { queue: 'throttled' })),
    );
    await waitFor(async () => (await Promise.all(ids.map(stateOf))).includes('succeeded'), {
      what: 'the first job of the throttled queue',
    });
    const { rateLimits } = await client.getStats();
    expect(rateLimits).toEqual([
      {
        scope: 'queue',
        name: 'throttled',
        max: 1,
        intervalMs: 3_600_000,
        used: 1,
        throttledUntil: expect.any(String),
      },
    ]);
    expect((await Promise.all(ids.map(stateOf))).sort()).toEqual(['enqueued', 'succeeded']);
  });

  it('lists, triggers, pauses, resumes and removes recurring jobs', async () => {
    await docket.scheduler.addOrUpdateRecurring(
      'monthly-report',
      report(1, 'recurring'),
      '0 9 1 * *',
      {
        timeZone: 'Europe/Paris',
      },
    );
    const [recurring] = (await client.listRecurring()).filter((r) => r.id === 'monthly-report');
    expect(recurring).toMatchObject({
      jobType: 'dashboard-it.report',
      cron: '0 9 1 * *',
      timeZone: 'Europe/Paris',
      paused: false,
      lastRunAt: null,
      payload: { month: 1, note: 'recurring' },
    });
    expect(new Date(recurring.nextRunAt!).getTime()).toBeGreaterThan(Date.now());
    await expect(client.getRecurring('monthly-report')).resolves.toEqual(recurring);

    const jobId = await client.triggerRecurring('monthly-report');
    expect((await client.getJob(jobId)).type).toBe('dashboard-it.report');
    expect((await client.listRecurring())[0]).toMatchObject({ lastJobId: jobId });

    await client.pauseRecurring('monthly-report');
    expect((await client.listRecurring())[0]).toMatchObject({ paused: true, nextRunAt: null });
    await client.resumeRecurring('monthly-report');
    expect((await client.listRecurring())[0].paused).toBe(false);
    expect((await client.getStats()).recurring).toBe(1);
    await client.removeRecurring('monthly-report');
    expect(await client.listRecurring()).toEqual([]);

    for (const call of [
      () => client.triggerRecurring('monthly-report'),
      () => client.removeRecurring('monthly-report'),
      () => client.pauseRecurring('monthly-report'),
      () => client.resumeRecurring('monthly-report'),
      () => client.getRecurring('monthly-report'),
    ]) {
      await expect(call()).rejects.toMatchObject({
        status: 404,
        apiCode: 'RECURRING_JOB_NOT_FOUND',
      });
    }
  });

  it('acts on many jobs at once, and creates or updates recurring jobs', async () => {
    const ids: string[] = [];
    for (const month of [8, 9]) {
      const request = { type: 'dashboard-it.report', payload: { month, note: 'bulk' } };
      ids.push((await client.enqueueJob({ ...request, delayMs: 600_000 })).id);
    }
    await expect(client.bulkJobAction({ action: 'requeue', ids })).resolves.toEqual({
      action: 'requeue',
      matched: 2,
      changed: 2,
      conflicts: 0,
    });
    expect(await stateOf(ids[0])).toBe('enqueued');
    await expect(
      client.bulkJobAction({ action: 'delete', filter: { idPrefix: ids[1] } }),
    ).resolves.toMatchObject({ matched: 1, changed: 1 });
    expect(await stateOf(ids[1])).toBe('deleted');

    const saved = await client.addOrUpdateRecurring('bulk-report', {
      type: 'dashboard-it.report',
      payload: { month: 10, note: 'put' },
      cron: '0 6 * * 1',
    });
    expect(saved).toMatchObject({ id: 'bulk-report', cron: '0 6 * * 1', timeZone: 'UTC' });
    await client.removeRecurring('bulk-report');
  });

  it("reads a job's log and answers 404 for an artefact it does not have", async () => {
    const { id } = await client.enqueueJob({
      type: 'dashboard-it.report',
      payload: { month: 11, note: 'output' },
      delayMs: 600_000,
    });
    await expect(client.getJobLogs(id, { limit: 5 })).resolves.toEqual({ lines: [], next: null });
    await expect(client.downloadArtefact(id, 'report.csv')).rejects.toMatchObject({
      status: 404,
      apiCode: 'ARTEFACT_NOT_FOUND',
    });
  });

  it('lists the job types it can enqueue and serves its OpenAPI document', async () => {
    expect(await client.listJobTypes()).toContain('dashboard-it.report');
    const document = await client.getOpenApi();
    expect(document).toMatchObject({ openapi: '3.1.0' });
  });

  it('creates, lists, reads, continues and cancels batches', async () => {
    const payload = { month: 12, note: 'batch' };
    const id = await client.createBatch({
      description: 'api tour',
      jobs: [{ type: 'dashboard-it.report', payload, options: { delayMs: 600_000 } }],
    });
    expect(await client.getBatch(id)).toMatchObject({
      id,
      state: 'started',
      description: 'api tour',
      total: 1,
      pending: 1,
    });
    expect((await client.listBatches({ state: 'started' })).items.map((b) => b.id)).toEqual([id]);
    const [member] = (await client.listJobs({ batch: id })).items;
    expect(member.state).toBe('scheduled');
    expect((await client.getJob(member.id)).batchId).toBe(id);
    const continuation = await client.continueBatch(id, {
      type: 'dashboard-it.report',
      payload,
      on: 'finished',
    });
    expect(await client.getJob(continuation)).toMatchObject({
      state: 'awaiting',
      awaitsBatch: id,
      batchCondition: 'finished',
    });
    await expect(client.cancelBatch(id)).resolves.toBe(true);
    expect([await stateOf(member.id), await stateOf(continuation)]).toEqual(['deleted', 'deleted']);
    expect((await client.getBatch(id)).state).toBe('cancelled');
    await expect(client.getBatch('no-such-batch')).rejects.toBeInstanceOf(ApiNotFoundError);
  });

  it("shows the database's schema version against the code's", async () => {
    const code = `${SCHEMA_VERSION.major}.${SCHEMA_VERSION.minor}`;
    expect(await client.getSchemaStatus()).toEqual({
      databaseVersion: code,
      codeVersion: code,
      applied: [],
      pending: [],
      migration: null,
    });
  });

  it('answers job events by long poll (dashboard-events.test.ts follows them)', async () => {
    const quiet = await client.readJobEvents({ queues: ['no-such-queue'], timeoutMs: 0 });
    expect(quiet).toEqual({ events: [], position: expect.any(String) });
  });

  it('changes a waiting job and records outcomes reported from outside', async () => {
    // Each change in detail: dashboard-job-edits.test.ts.
    const later = async () =>
      (
        await client.enqueueJob({
          type: 'dashboard-it.report',
          payload: { month: 4, note: 'april' },
          delayMs: 3_600_000,
        })
      ).id;
    const id = await later();
    await client.rescheduleJob(id, { delayMs: 7_200_000 });
    await client.changeJobPriority(id, 3);
    await client.replaceJobPayload(id, { month: 5, note: 'may' });
    await client.runJobNow(id);
    expect(await client.getJob(id)).toMatchObject({
      state: 'enqueued',
      priority: 3,
      payload: { month: 5, note: 'may' },
    });
    await client.markJobSucceeded(id);
    const other = await later();
    await client.markJobFailed(other, { message: 'reported failed' });
    expect([await stateOf(id), await stateOf(other)]).toEqual(['succeeded', 'failed']);
  });

  it('throws typed errors for answers that are not the API', async () => {
    const offline = new DocketClient({ baseUrl: 'http://127.0.0.1:1/jobs/', timeoutMs: 2_000 });
    await expect(offline.getStats()).rejects.toMatchObject({ name: 'ApiConnectionError' });
    const wrongBase = new DocketClient({ baseUrl: new URL('/other/', dashboard.url) });
    const error = await wrongBase.getStats().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocketApiError);
    expect(error).toMatchObject({ status: 404, apiCode: 'ROUTE_NOT_FOUND' });
    expect(() => new DocketClient({ baseUrl: 'ftp://x' })).toThrow(/http or https/);
  });

  it('answered every call above as the OpenAPI document says, and reached every operation', () => {
    expect(checkSchema({ $ref: '#/components/schemas/JobSummary' }, { id: 1 })).not.toEqual([]);
    expect(conformance.calls.length).toBeGreaterThan(50);
    expect(conformance.problems).toEqual([]);
    const reached = new Set(conformance.calls.map((call) => call.operationId));
    expect(API_ROUTES.map((route) => route.operationId).filter((id) => !reached.has(id))).toEqual(
      [],
    );
  });
});
