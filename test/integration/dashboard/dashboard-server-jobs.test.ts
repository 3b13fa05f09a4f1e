import { ApiNotFoundError, DocketClient } from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket, JobServer } from '../../../src';
import type { ServerRecord } from '../../../src/storage/mongo/mongo-server-registry';
import { FAST_SERVER } from '../../helpers/docket';
import type { TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { behaviour, openDashboardDocket, report } from './dashboard-fixture';
import { conformanceFetch } from './openapi-conformance';

/**
 * `GET api/servers/{id}/jobs`: the jobs a server runs are those holding its lease, under the
 * id `api/servers` lists; longest running first, bounded by `limit`.
 */
describe('dashboard: the jobs each server is running (api/servers/{id}/jobs)', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  let server: JobServer | undefined;
  const conformance = conformanceFetch('/jobs/');
  let release: () => void = () => undefined;

  beforeAll(async () => {
    ({ db, docket } = await openDashboardDocket('dashboard_server_jobs'));
    dashboard = await startDashboard(docket, { basePath: '/jobs', maxPageSize: 10 });
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
  });

  afterEach(async () => {
    release();
    await server?.stop();
    server = undefined;
  });

  afterAll(async () => {
    await dashboard?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it("lists the jobs holding a server's lease, longest running first, until they finish", async () => {
    const gate = new Promise<void>((resolve) => (release = resolve));
    behaviour.run = async (job, ctx) => {
      await ctx.progress(10 * job.month, `month ${job.month}`);
      await gate;
    };
    server = await docket.startServer({ ...FAST_SERVER, queues: ['default'], concurrency: 3 });
    const first = await docket.scheduler.enqueue(report(1, 'first'));
    await waitFor(async () => (await docket.getJob(first))?.progress?.percent === 10, {
      what: 'the first job to report progress',
    });
    const second = await docket.scheduler.enqueue(report(2, 'second'));
    await waitFor(async () => (await docket.getJob(second))?.progress?.percent === 20, {
      what: 'the second job to report progress',
    });

    const [listed] = await client.listServers();
    expect((await docket.getJob(first))?.leaseOwner).toBe(listed.id);
    const running = await client.listServerJobs(listed.id);
    expect(running).toMatchObject({ serverId: listed.id, truncated: false });
    expect(running.items.map((job) => job.id)).toEqual([first, second]);
    expect(running.items[0]).toMatchObject({
      type: 'dashboard-it.report',
      queue: 'default',
      state: 'processing',
      attempt: 1,
      progress: { percent: 10, message: 'month 1' },
    });
    expect(Date.parse(running.items[0].startedAt!)).toBeLessThanOrEqual(
      Date.parse(running.items[1].startedAt!),
    );
    expect(running.items[0]).not.toHaveProperty('payload');

    // Bounded: the longest running first, and a flag saying more run.
    await expect(client.listServerJobs(listed.id, { limit: 1 })).resolves.toMatchObject({
      items: [{ id: first }],
      truncated: true,
    });

    // Another server's list holds none of them.
    const now = new Date();
    await db.client
      .db(db.dbName)
      .collection<ServerRecord>(`${docket.collectionPrefix}servers`)
      .insertOne({
        _id: 'idle-server',
        hostname: 'worker-2',
        pid: 4242,
        queues: ['default'],
        jobTypes: ['dashboard-it.report'],
        concurrency: 2,
        startedAt: now,
        heartbeatAt: now,
        running: 0,
      });
    await expect(client.listServerJobs('idle-server')).resolves.toEqual({
      serverId: 'idle-server',
      items: [],
      truncated: false,
    });

    release();
    await waitFor(async () => (await docket.getJob(second))?.state === 'succeeded', {
      what: 'the jobs to finish once released',
    });
    await expect(client.listServerJobs(listed.id)).resolves.toMatchObject({ items: [] });
  });

  it('answers 404 for a server that is not listed, and 400 for a bad limit', async () => {
    const missing = await client.listServerJobs('no-such-server').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ApiNotFoundError);
    expect(missing).toMatchObject({ status: 404, apiCode: 'SERVER_NOT_FOUND' });
    // The limit is checked first, whether or not the server is listed.
    await expect(client.listServerJobs('no-such-server', { limit: 11 })).rejects.toMatchObject({
      status: 400,
      details: { field: 'limit' },
    });
    await expect(client.listServerJobs('no-such-server', { limit: 0 })).rejects.toMatchObject({
      status: 400,
      details: { field: 'limit' },
    });
  });

  it('answered as the OpenAPI document says', () => {
    expect(conformance.calls.map((call) => call.operationId)).toContain('listServerJobs');
    expect(conformance.problems).toEqual([]);
  });
});
