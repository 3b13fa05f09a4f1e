import { DocketClient } from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import type { TestDatabase } from '../../helpers/mongo';
import { conformanceFetch } from './openapi-conformance';
import { openDashboardDocket, report } from './dashboard-fixture';

/*
 * A recurring job's shape (interval, window, repeat limit, overlap) through the REST API and
 * DocketClient: set by `PUT api/recurring/{id}`, listed by `GET api/recurring`, and refused
 * with a 400 naming the field when malformed. The conformance fetch checks every request and
 * answer against the OpenAPI document.
 */

describe('recurring shape through the REST API', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  const conformance = conformanceFetch('/jobs/');

  beforeAll(async () => {
    ({ db, docket } = await openDashboardDocket('dashboard_recurring_shape'));
    dashboard = await startDashboard(docket, { basePath: '/jobs' });
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
  });

  afterAll(async () => {
    await dashboard?.close();
    await docket.close();
    await db.cleanup();
  });

  it('creates an interval schedule with a window, limit and overlap policy, and lists its shape', async () => {
    const saved = await client.addOrUpdateRecurring('shape.rolling', {
      type: 'dashboard-it.report',
      payload: { month: 2, note: 'rolling' },
      everyMs: 90_000,
      startAt: '2040-01-01T00:00:00.000Z',
      endAt: '2040-02-01T00:00:00.000Z',
      repeatLimit: 10,
      overlap: 'skip',
      missedRunPolicy: 'backfill',
    });
    expect(saved).toMatchObject({
      id: 'shape.rolling',
      cron: null,
      everyMs: 90_000,
      startAt: '2040-01-01T00:00:00.000Z',
      endAt: '2040-02-01T00:00:00.000Z',
      nextRunAt: '2040-01-01T00:00:00.000Z',
      repeatLimit: 10,
      remainingRuns: 10,
      runCount: 0,
      overlap: 'skip',
      missedRunPolicy: 'backfill',
      skippedCount: 0,
      lastSkippedAt: null,
      waiting: false,
      ended: false,
    });
    expect((await client.listRecurring()).find((r) => r.id === 'shape.rolling')).toEqual(saved);
    // A cron job keeps today's defaults.
    await docket.scheduler.addOrUpdateRecurring('shape.cron', report(1, 'cron'), '0 6 * * 1');
    expect((await client.listRecurring()).find((r) => r.id === 'shape.cron')).toMatchObject({
      everyMs: null,
      overlap: 'allow',
      missedRunPolicy: 'runOnce',
      repeatLimit: null,
      remainingRuns: null,
    });
  });

  it.each([
    ['both cron and everyMs', { cron: '* * * * *', everyMs: 60_000 }, 'cron'],
    ['neither cron nor everyMs', {}, 'cron'],
    ['a bad interval', { everyMs: 10 }, 'schedule.everyMs'],
    [
      'endAt before startAt',
      { cron: '* * * * *', startAt: '2040-02-01T00:00:00Z', endAt: '2040-01-01T00:00:00Z' },
      'endAt',
    ],
    ['a startAt that is no instant', { cron: '* * * * *', startAt: 'tomorrow' }, 'startAt'],
    [
      'a startAt on a day that does not exist',
      { cron: '* * * * *', startAt: '2040-02-31T00:00:00Z' },
      'startAt',
    ],
    ['an endAt at hour 24', { cron: '* * * * *', endAt: '2040-03-01T24:00:00Z' }, 'endAt'],
    [
      'a startAt without a time zone',
      { cron: '* * * * *', startAt: '2040-03-01T10:00:00' },
      'startAt',
    ],
    ['an unknown overlap policy', { cron: '* * * * *', overlap: 'never' }, 'overlap'],
  ])('refuses %s with a 400 naming the field, and writes nothing', async (_, fields, field) => {
    await expect(
      client.addOrUpdateRecurring('shape.bad', {
        type: 'dashboard-it.report',
        payload: { month: 1, note: 'bad' },
        ...fields,
      }),
    ).rejects.toMatchObject({ status: 400, apiCode: 'INVALID_INPUT', details: { field } });
    expect((await client.listRecurring()).some((r) => r.id === 'shape.bad')).toBe(false);
  });
});
