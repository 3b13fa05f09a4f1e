/**
 * Changes to one job from outside through the REST API, as `DocketClient` makes them: run
 * now, reschedule, priority, payload, and outcomes reported by an external system; every
 * answer conforms to the OpenAPI document.
 */
import {
  ApiConflictError,
  ApiNotFoundError,
  ApiValidationError,
  DocketClient,
} from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import type { TestDatabase } from '../../helpers/mongo';
import { conformanceFetch } from './openapi-conformance';
import { openDashboardDocket } from './dashboard-fixture';

describe('changing one job through the REST API', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  const conformance = conformanceFetch('/jobs/');
  const HOUR = 3_600_000;

  const later = async (month = 2) =>
    (
      await client.enqueueJob({
        type: 'dashboard-it.report',
        payload: { month, note: 'later' },
        delayMs: HOUR,
      })
    ).id;

  const refusal = async (call: Promise<unknown>) =>
    call.then(
      () => undefined,
      (error: unknown) => error as ApiConflictError,
    );

  beforeAll(async () => {
    ({ db, docket } = await openDashboardDocket('dashboard_job_edits'));
    dashboard = await startDashboard(docket, { basePath: '/jobs' });
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
  });

  afterEach(() => {
    expect(conformance.problems).toEqual([]);
  });

  afterAll(async () => {
    await dashboard?.close();
    await docket.close();
    await db.cleanup();
  });

  it('runs a scheduled job now, reschedules it, and changes its priority', async () => {
    const id = await later();
    await client.runJobNow(id);
    expect(await client.getJob(id)).toMatchObject({ state: 'enqueued' });
    await client.rescheduleJob(id, { runAt: '2099-01-01T00:00:00Z' });
    expect(await client.getJob(id)).toMatchObject({
      state: 'scheduled',
      dueAt: '2099-01-01T00:00:00.000Z',
    });
    await client.rescheduleJob(id, { delayMs: 0 });
    expect((await client.getJob(id)).state).toBe('enqueued');
    await client.changeJobPriority(id, 42);
    expect((await client.getJob(id)).priority).toBe(42);
  });

  it("replaces a waiting job's payload, validated against its own type", async () => {
    const id = await later(2);
    await client.replaceJobPayload(id, { month: 11, note: 'november' });
    expect((await client.getJob(id)).payload).toEqual({ month: 11, note: 'november' });
    const invalid = await refusal(client.replaceJobPayload(id, { month: 13, note: 'x' }));
    expect(invalid).toBeInstanceOf(ApiValidationError);
    expect(invalid).toMatchObject({ status: 422, apiCode: 'JOB_VALIDATION' });
    expect((await client.getJob(id)).payload).toEqual({ month: 11, note: 'november' });
  });

  it('an enqueue with onDuplicateKey replace upserts the waiting holder', async () => {
    const first = await client.enqueueJob({
      type: 'dashboard-it.report',
      payload: { month: 1, note: 'v1' },
      uniqueKey: 'report:upsert',
      delayMs: HOUR,
    });
    const second = await client.enqueueJob({
      type: 'dashboard-it.report',
      payload: { month: 1, note: 'v2' },
      uniqueKey: 'report:upsert',
      onDuplicateKey: 'replace',
      delayMs: HOUR,
    });
    expect(second.id).toBe(first.id);
    expect((await client.getJob(first.id)).payload).toEqual({ month: 1, note: 'v2' });
  });

  it('records outcomes an external system reports', async () => {
    const done = await later();
    await client.markJobSucceeded(done, { result: { receipt: 'r-1' } });
    expect(await client.getJob(done)).toMatchObject({
      state: 'succeeded',
      result: { receipt: 'r-1' },
    });
    const failed = await later();
    await client.markJobFailed(failed, { message: 'declined by the bank' });
    expect(await client.getJob(failed)).toMatchObject({
      state: 'failed',
      error: { name: 'ExternalFailure', message: 'declined by the bank' },
    });
    const again = await refusal(client.markJobFailed(done, { message: 'too late' }));
    expect(again).toBeInstanceOf(ApiConflictError);
    expect(again).toMatchObject({ apiCode: 'JOB_FINISHED', details: { state: 'succeeded' } });
  });

  it('refuses jobs that do not wait, unknown jobs and bad bodies', async () => {
    const finished = await later();
    await client.markJobSucceeded(finished);
    for (const call of [
      () => client.runJobNow(finished),
      () => client.rescheduleJob(finished, { delayMs: 10 }),
      () => client.changeJobPriority(finished, 1),
      () => client.replaceJobPayload(finished, { month: 1, note: 'x' }),
    ]) {
      const error = await refusal(call());
      expect(error).toBeInstanceOf(ApiConflictError);
      expect(error).toMatchObject({ apiCode: 'JOB_NOT_WAITING', details: { state: 'succeeded' } });
    }
    await expect(client.runJobNow('no-such-job')).rejects.toBeInstanceOf(ApiNotFoundError);
    await expect(client.markJobSucceeded('no-such-job')).rejects.toBeInstanceOf(ApiNotFoundError);
    const id = await later();
    for (const call of [
      () => client.changeJobPriority(id, 5000),
      () => client.rescheduleJob(id, {} as never),
      () => client.rescheduleJob(id, { runAt: 'tomorrow' }),
      () => client.markJobFailed(id, { message: '' }),
      () => client.markJobSucceeded(id, { outcome: 'x' } as never),
    ]) {
      const error = await refusal(call());
      expect(error).toBeInstanceOf(ApiValidationError);
      expect(error).toMatchObject({ status: 400 });
    }
    expect(await client.getJob(id)).toMatchObject({ state: 'scheduled', priority: 0 });
  });
});
