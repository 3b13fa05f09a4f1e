/**
 * What a job produced, through the REST API and the typed client: its result, its log
 * (paged), and its artefacts (downloaded as attachments, never shown in the dashboard's
 * origin).
 */
import { DocketClient, ApiNotFoundError, ApiValidationError } from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import { FAST_SERVER } from '../../helpers/docket';
import type { TestDatabase } from '../../helpers/mongo';
import { behaviour, openDashboardDocket } from './dashboard-fixture';
import { conformanceFetch } from './openapi-conformance';

const NAME = 'résumé "final" <b>.txt';

async function text(body: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(body).text();
}

describe('dashboard API: results, logs and artefacts', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  let jobId: string;
  const conformance = conformanceFetch('/');

  beforeAll(async () => {
    ({ db, docket } = await openDashboardDocket('dashboard_attachments'));
    behaviour.run = async (job, ctx) => {
      ctx.logger.info('<img src=x onerror=alert(1)>', { month: job.month });
      for (let i = 0; i < 4; i++) ctx.logger.warn(`line ${i}`);
      await ctx.artefacts.put(NAME, 'the report\n', { contentType: 'text/html' });
      return { rows: 4 } as never;
    };
    await docket.startServer(FAST_SERVER);
    dashboard = await startDashboard(docket);
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
    jobId = (
      await client.enqueueJob({ type: 'dashboard-it.report', payload: { month: 3, note: 'x' } })
    ).id;
    await client.waitForJob(jobId, { timeoutMs: 20_000 });
  });

  afterAll(async () => {
    await dashboard?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it('shows the result, the log size and the artefacts with the job', async () => {
    const job = await client.getJob(jobId);
    expect(job.result).toEqual({ rows: 4 });
    expect(job.logLines).toBe(5);
    expect(job.artefacts).toEqual([
      { name: NAME, size: 11, contentType: 'text/html', attempt: 1, at: expect.any(String) },
    ]);
    expect(conformance.problems).toEqual([]);
  });

  it('pages through the log, lines as text', async () => {
    const first = await client.getJobLogs(jobId, { limit: 2 });
    expect(first.lines.map((line) => [line.seq, line.level, line.message])).toEqual([
      [0, 'info', '<img src=x onerror=alert(1)>'],
      [1, 'warn', 'line 0'],
    ]);
    expect(JSON.parse(first.lines[0]!.meta!)).toEqual({ month: 3 });
    expect(first.next).toBe(2);
    const rest = await client.getJobLogs(jobId, { after: first.next!, limit: 10 });
    expect(rest.lines.map((line) => line.seq)).toEqual([2, 3, 4]);
    expect(rest.next).toBeNull();
    await expect(client.getJobLogs(jobId, { after: -1 })).rejects.toBeInstanceOf(
      ApiValidationError,
    );
    await expect(client.getJobLogs('no-such-job')).rejects.toBeInstanceOf(ApiNotFoundError);
    expect(conformance.problems).toEqual([]);
  });

  it('downloads an artefact as an attachment that cannot run in the dashboard', async () => {
    const download = await client.downloadArtefact(jobId, NAME);
    expect(download.size).toBe(11);
    expect(await text(download.body)).toBe('the report\n');
    const response = await fetch(
      `${dashboard.url}api/jobs/${encodeURIComponent(jobId)}/artefacts/${encodeURIComponent(NAME)}`,
    );
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="r_sum_ _final_ _b_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%20%3Cb%3E.txt`,
    );
    await response.arrayBuffer();
    const missing = await client.downloadArtefact(jobId, 'nope.txt').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiNotFoundError);
    expect((missing as ApiNotFoundError).apiCode).toBe('ARTEFACT_NOT_FOUND');
    expect(conformance.problems).toEqual([]);
  });
});
