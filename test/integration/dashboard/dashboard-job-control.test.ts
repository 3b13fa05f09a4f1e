/**
 * What a handler did to steer its job (a checkpoint, snoozes) shows in the job's REST
 * representation, as `DocketClient.getJob` returns it, conforming to the OpenAPI document.
 */
import { DocketClient } from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket, JobServer } from '../../../src';
import { FAST_SERVER } from '../../helpers/docket';
import type { TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { conformanceFetch } from './openapi-conformance';
import { behaviour, openDashboardDocket } from './dashboard-fixture';

describe('a job steered by its handler, through the REST API', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  let server: JobServer;
  const conformance = conformanceFetch('/jobs/');

  beforeAll(async () => {
    ({ db, docket } = await openDashboardDocket('dashboard_job_control'));
    dashboard = await startDashboard(docket, { basePath: '/jobs' });
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
    server = await docket.startServer(FAST_SERVER);
  });

  afterAll(async () => {
    await server?.stop();
    await dashboard?.close();
    await docket.close();
    await db.cleanup();
  });

  it('shows the checkpoint and the snoozes of the job', async () => {
    behaviour.run = async (_job, ctx) => {
      if (ctx.checkpoint !== undefined) return;
      await ctx.saveCheckpoint({ page: 4, cursor: 'c-17', seenAt: new Date(Date.UTC(2026, 1, 3)) });
      await ctx.snooze({ delayMs: 0, reason: 'export still running' });
    };
    const { id } = await client.enqueueJob({
      type: 'dashboard-it.report',
      payload: { month: 2, note: 'february' },
    });
    const waiting = await client.enqueueJob({
      type: 'dashboard-it.report',
      payload: { month: 3, note: 'march' },
      delayMs: 3_600_000,
    });
    const untouched = await client.getJob(waiting.id);
    expect(untouched).toMatchObject({ snoozeCount: 0, snoozes: [] });
    expect(untouched).not.toHaveProperty('checkpoint');
    const job = await waitFor(
      async () => {
        const read = await client.getJob(id);
        return read.state === 'succeeded' ? read : null;
      },
      { what: 'the job to succeed', timeoutMs: 20_000 },
    );
    expect(job).toMatchObject({
      attempt: 1,
      snoozeCount: 1,
      checkpoint: {
        data: { page: 4, cursor: 'c-17', seenAt: { $date: '2026-02-03T00:00:00Z' } },
        attempt: 1,
      },
    });
    expect(job.snoozes).toEqual([
      {
        at: expect.any(String) as unknown,
        until: job.snoozes[0]!.at,
        attempt: 1,
        reason: 'export still running',
      },
    ]);
    expect(job.history.map((entry) => entry.reason ?? entry.state)).toContain(
      `snoozed until ${job.snoozes[0]!.until}: export still running`,
    );
    expect(conformance.problems).toEqual([]);
  });
});
