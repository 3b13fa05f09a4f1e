/**
 * `DocketClient.waitForJob` against a dashboard: the long poll `GET api/jobs/{id}/wait`,
 * capped per request by `maxWaitMs`, looped by the client until its own deadline; the job
 * runs in another Docket (another process, as far as the dashboard's Docket knows).
 */
import { MongoClient, type Document } from 'mongodb';
import {
  ApiNotFoundError,
  ApiValidationError,
  DocketClient,
  InvalidOptionsError,
  JobDeletedError,
  JobWaitTimeoutError,
} from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { MatchedCommands } from '../../helpers/matched-commands';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { ReportHandler, WarehouseError, behaviour } from './dashboard-fixture';
import { conformanceFetch } from './openapi-conformance';

const MAX_WAIT_MS = 1_000;

describe('DocketClient.waitForJob through the dashboard', () => {
  let db: TestDatabase;
  /** The dashboard's client, whose commands are counted. */
  let monitored: MongoClient;
  let docket: Docket;
  let worker: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  let changeStreams: boolean;
  const reported: unknown[] = [];
  const conformance = conformanceFetch('/jobs/');

  const enqueue = async (month: number, delayMs?: number) =>
    (
      await client.enqueueJob({
        type: 'dashboard-it.report',
        payload: { month, note: 'wait' },
        ...(delayMs === undefined ? {} : { delayMs }),
      })
    ).id;
  const waitCalls = () => conformance.calls.filter((call) => call.operationId === 'waitForJob');

  beforeAll(async () => {
    db = await openTestDatabase('dashboard_wait');
    const hello = await db.client.db('admin').command({ hello: 1 });
    changeStreams = Boolean(hello.setName) || hello.msg === 'isdbgrid';
    monitored = await new MongoClient(db.uri, { monitorCommands: true }).connect();
    // The dashboard's Docket runs nothing: the worker, on a client of its own, runs the jobs.
    ({ docket } = await createTestDocket(db, {
      handlers: [],
      mongo: { client: monitored, dbName: db.dbName },
      waitPollIntervalMs: 50,
    }));
    ({ docket: worker } = await createTestDocket(db, { handlers: [ReportHandler] }));
    await worker.startServer({ ...FAST_SERVER });
    dashboard = await startDashboard(docket, {
      basePath: '/jobs',
      maxWaitMs: MAX_WAIT_MS,
      onError: (error) => reported.push(error),
    });
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
  });

  afterEach(() => {
    behaviour.run = async (_job, ctx) => ctx.progress(100, 'done');
  });

  afterAll(async () => {
    await dashboard?.close();
    await worker?.close();
    await docket?.close();
    await monitored?.close();
    await db?.cleanup();
  });

  it('resolves with a job another process ran, and with the error of one that failed', async () => {
    const succeeded = await enqueue(1, 200);
    await expect(client.waitForJob(succeeded)).resolves.toMatchObject({
      id: succeeded,
      state: 'succeeded',
      progress: { percent: 100, message: 'done' },
      payload: { month: 1, note: 'wait' },
    });
    behaviour.run = async (job) => {
      throw new WarehouseError(`warehouse down for month ${job.month}`);
    };
    const failed = await enqueue(2, 200);
    const job = await client.waitForJob(failed, { timeoutMs: 20_000 });
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ name: 'WarehouseError', message: /month 2/ });
  });

  it('asks again while the job runs on, and throws JobWaitTimeoutError at its own deadline', async () => {
    const id = await enqueue(3, 3_600_000);
    const before = waitCalls().length;
    const error = await client.waitForJob(id, { timeoutMs: 2_500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobWaitTimeoutError);
    expect(error).toMatchObject({ jobId: id, timeoutMs: 2_500, lastState: 'scheduled' });
    // Each request waited at most maxWaitMs: the client asked several times.
    expect(waitCalls().length - before).toBeGreaterThanOrEqual(3);
    // One request alone answers at once when told to wait no time.
    const res = await fetch(new URL(`api/jobs/${id}/wait?timeoutMs=0`, dashboard.url));
    await expect(res.json()).resolves.toEqual({ finished: false, state: 'scheduled' });
  });

  it('throws JobDeletedError for a deleted job, ApiNotFoundError for an unknown one', async () => {
    const id = await enqueue(4, 3_600_000);
    const waiting = client.waitForJob(id);
    waiting.catch(() => undefined);
    await client.deleteJob(id);
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobDeletedError);
    expect(error).toMatchObject({ jobId: id, jobType: 'dashboard-it.report' });
    await expect(client.waitForJob('no-such-job')).rejects.toBeInstanceOf(ApiNotFoundError);
  });

  it('refuses bad input: at the call, or with 400 naming the parameter', async () => {
    await expect(client.waitForJob('')).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(client.waitForJob('x', { timeoutMs: -1 })).rejects.toMatchObject({
      name: 'InvalidOptionsError',
      option: 'timeoutMs',
    });
    const before = waitCalls().length;
    await expect(client.waitForJob('x', { signal: {} as AbortSignal })).rejects.toBeInstanceOf(
      InvalidOptionsError,
    );
    expect(waitCalls().length).toBe(before);
    for (const value of ['-1', 'soon', '1.5', '12345678901']) {
      const res = await fetch(new URL(`api/jobs/x/wait?timeoutMs=${value}`, dashboard.url));
      expect(res.status).toBe(400);
      await expect(res.json()).resolves.toMatchObject({
        error: { code: 'INVALID_INPUT', details: { field: 'timeoutMs' } },
      });
    }
    // The API's id rules apply to the id the client sends.
    await expect(client.waitForJob('x'.repeat(501))).rejects.toBeInstanceOf(ApiValidationError);
  });

  it('rejects with the reason of an aborted signal, and the dashboard stops waiting for nobody', async () => {
    const id = await enqueue(5, 3_600_000);
    const isStreamClose = (_command: Document, name: string) => name === 'killCursors';
    const isPollOf = (jobId: string) => (command: Document, name: string) =>
      name === 'find' &&
      Array.isArray(command.filter?._id?.$in) &&
      command.filter._id.$in.includes(jobId);
    const closes = new MatchedCommands(monitored, isStreamClose);
    const polls = new MatchedCommands(monitored, isPollOf(id));
    const reads = new MatchedCommands(
      monitored,
      (command, name) => name === 'find' && command.filter?._id === id,
    );
    // Requests that may wait five minutes: only the disconnect can end this one's wait soon.
    const patient = await startDashboard(docket, {
      basePath: '/jobs',
      maxWaitMs: 300_000,
      onError: (error) => reported.push(error),
    });
    try {
      const controller = new AbortController();
      const reason = new Error('the caller went away');
      const waiting = new DocketClient({
        baseUrl: patient.url,
        fetch: conformance.fetch,
        timeoutMs: 600_000,
      }).waitForJob(id, { signal: controller.signal });
      waiting.catch(() => undefined);
      await waitFor(() => reads.succeeded >= 1, { what: "the dashboard's wait to start" });
      controller.abort(reason);
      await expect(waiting).rejects.toBe(reason);
      if (changeStreams) {
        // The last wait ended: its change stream is closed.
        await waitFor(() => closes.succeeded >= 1, { what: 'the change stream to close' });
      } else {
        // No poll asks for the job any more: while another wait is polled for, none names it.
        const other = await enqueue(6, 3_600_000);
        const pollsBefore = polls.started;
        const isPollOfOther = new MatchedCommands(monitored, isPollOf(other));
        try {
          const second = client.waitForJob(other, { timeoutMs: 300 });
          await waitFor(() => isPollOfOther.succeeded >= 1, { what: 'a poll for another job' });
          await second.catch(() => undefined);
        } finally {
          isPollOfOther.close();
        }
        expect(polls.started).toBe(pollsBefore);
      }
      // A client that went away is not a failure of the dashboard.
      expect(reported).toEqual([]);
    } finally {
      closes.close();
      polls.close();
      reads.close();
      await patient.close();
    }
  });

  it('answered every call as the OpenAPI document says', () => {
    expect(waitCalls().length).toBeGreaterThan(5);
    expect(conformance.problems).toEqual([]);
  });
});
