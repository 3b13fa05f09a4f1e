/**
 * `GET api/events` and `DocketClient.readJobEvents` / `followJobEvents`: job lifecycle events
 * by long poll, through a dashboard whose Docket runs no server; the jobs run in another
 * Docket (another process, as far as the dashboard's Docket knows).
 */
import {
  ApiValidationError,
  DocketApiError,
  DocketClient,
  InvalidOptionsError,
  type ApiJobEvent,
} from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { ReportHandler, report } from './dashboard-fixture';
import { conformanceFetch } from './openapi-conformance';

const MAX_WAIT_MS = 1_000;

describe('job events through the dashboard', () => {
  let db: TestDatabase;
  let docket: Docket;
  let worker: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  const conformance = conformanceFetch('/jobs/');

  beforeAll(async () => {
    db = await openTestDatabase('dashboard_events');
    ({ docket } = await createTestDocket(db, { handlers: [] }));
    ({ docket: worker } = await createTestDocket(db, { handlers: [ReportHandler] }));
    await worker.startServer({ ...FAST_SERVER });
    dashboard = await startDashboard(docket, { basePath: '/jobs', maxWaitMs: MAX_WAIT_MS });
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
  });

  afterAll(async () => {
    await dashboard?.close();
    await worker?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it('answers a position when nothing happened, and every event after it in later polls', async () => {
    const quiet = await client.readJobEvents({ types: ['dashboard-it.report'], timeoutMs: 200 });
    expect(quiet.events).toEqual([]);
    expect(quiet.position).toEqual(expect.any(String));

    const id = await worker.scheduler.enqueue(report(3));
    const seen: ApiJobEvent[] = [];
    for await (const event of client.followJobEvents({
      after: quiet.position!,
      types: ['dashboard-it.report'],
    })) {
      seen.push(event);
      if (event.event === 'succeeded') break;
    }
    expect(seen.map((event) => [event.jobId, event.event, event.attempt])).toEqual([
      [id, 'enqueued', 0],
      [id, 'started', 1],
      [id, 'progress', 1],
      [id, 'succeeded', 1],
    ]);
    expect(seen[2]).toMatchObject({ percent: 100, message: 'done' });
    expect(seen[3]).toMatchObject({ hasResult: false, at: expect.stringMatching(/Z$/) });
    expect(conformance.problems).toEqual([]);
    expect(conformance.calls.some((call) => call.operationId === 'readJobEvents')).toBe(true);
  });

  it('answers the events already arrived together, each position after the one before', async () => {
    const before = await client.readJobEvents({ events: ['enqueued'], timeoutMs: 200 });
    const ids = [
      await docket.scheduler.enqueue(report(4), { queue: 'nowhere' }),
      await docket.scheduler.enqueue(report(5), { queue: 'nowhere' }),
    ];
    const page = await client.readJobEvents({
      after: before.position!,
      queues: ['nowhere'],
      events: ['enqueued'],
      limit: 1,
    });
    expect(page.events.map((event) => event.jobId)).toEqual([ids[0]]);
    expect(page.position).toBe(page.events[0]!.position);
    const rest = await client.readJobEvents({
      after: page.position!,
      queues: ['nowhere'],
      events: ['enqueued'],
    });
    expect(rest.events.map((event) => event.jobId)).toEqual([ids[1]]);
  });

  it('refuses invalid options at the call, and answers a lost position with 410', async () => {
    await expect(client.readJobEvents({ queues: [] })).rejects.toBeInstanceOf(InvalidOptionsError);
    expect(() => client.followJobEvents({ limit: 0 })).toThrow(InvalidOptionsError);
    const refused = await client
      .readJobEvents({ events: ['finished' as never] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiValidationError);
    expect(refused).toMatchObject({ status: 400, details: { field: 'events[0]' } });

    const hello = await db.client.db('admin').command({ hello: 1 });
    const after = hello.setName ? 'c.826B11652A0000000300000000000200' : 'h.0.0.job';
    const lost = await client.readJobEvents({ after }).catch((error: unknown) => error);
    if (hello.setName) {
      expect(lost).toBeInstanceOf(DocketApiError);
      expect(lost).toMatchObject({ status: 410, apiCode: 'JOB_EVENTS_LOST' });
    }
    expect(conformance.problems).toEqual([]);
  });
});
