import { ApiValidationError, DocketClient, type ApiJobQuery } from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { InvoiceHandler, jobsOf, seedJobs } from '../job-search/search-fixture';
import { conformanceFetch } from './openapi-conformance';

const at = (minute: number) => new Date(Date.UTC(2020, 5, 1) + minute * 60_000);
const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * The dashboard's REST API for finding jobs and acting on many (`GET api/jobs`,
 * `POST api/jobs/bulk`), the job type schemas and `PUT api/recurring/{id}`, through
 * DocketClient (every answer checked against the OpenAPI document) and raw requests for what
 * the client never sends.
 */
describe('dashboard REST API: finding jobs, acting on many, forms', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let readOnly: RunningDashboard;
  let client: DocketClient;
  const conformance = conformanceFetch('/ops/');
  const ids: Record<string, string> = {};

  const raw = (path: string, init: RequestInit = {}) => fetch(new URL(path, dashboard.url), init);
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string; details?: Record<string, unknown> } })
      .error;
  const listed = async (query: ApiJobQuery) =>
    (await client.listJobs({ limit: 50, ...query })).items.map((job) => job.id);
  const stateOf = async (id: string) => (await docket.getJob(id))?.state;

  beforeAll(async () => {
    db = await openTestDatabase('dashboard_search');
    ({ docket } = await createTestDocket(db, { handlers: [InvoiceHandler] }));
    dashboard = await startDashboard(docket, { basePath: '/ops', maxPageSize: 50 });
    readOnly = await startDashboard(docket, { basePath: '/ops', readOnly: true });
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
    const seeded = [
      {
        name: 'f1',
        state: 'failed',
        queue: 'billing',
        createdAt: at(0),
        finishedAt: at(10),
        error: { name: 'SmtpError', message: 'SMTP timeout' },
        payload: { number: 'A-1', customer: { id: 7, region: 'eu' }, urgent: true },
      },
      {
        name: 'f2',
        state: 'failed',
        queue: 'billing',
        createdAt: at(1),
        finishedAt: at(20),
        error: { name: 'Error', message: 'card declined' },
        payload: { number: '42', customer: { id: 8, region: 'us' } },
      },
      {
        name: 'f3',
        state: 'failed',
        queue: 'mail',
        type: 'search-it.invoice.archive',
        createdAt: at(2),
        finishedAt: at(30),
        error: { name: 'Error', message: 'smtp refused' },
        payload: { number: 'A-3' },
      },
      {
        name: 's1',
        state: 'succeeded',
        queue: 'billing',
        createdAt: at(3),
        finishedAt: at(40),
        payload: { number: 'A-4', customer: { id: 7, region: 'eu' } },
      },
      { name: 'c1', state: 'scheduled', queue: 'billing', createdAt: at(4), dueAt: at(100) },
    ] as const;
    const stored = await seedJobs(docket, seeded);
    seeded.forEach((job, i) => (ids[job.name] = stored[i]));
  });

  afterAll(async () => {
    await dashboard?.close();
    await readOnly?.close();
    await docket.close();
    await db.cleanup();
  });

  it('filters GET api/jobs by every field, alone and combined, with the total', async () => {
    expect(await listed({ state: 'failed' })).toEqual([ids.f3, ids.f2, ids.f1]);
    expect(await listed({ state: ['failed', 'succeeded'], queue: 'billing' })).toEqual(
      [ids.s1, ids.f2, ids.f1].sort().reverse(),
    );
    expect(await listed({ type: 'search-it.invoice.archive' })).toEqual([ids.f3]);
    expect(await listed({ typePrefix: 'search-it.invoice.', state: 'failed' })).toHaveLength(3);
    expect(await listed({ idPrefix: ids.c1 })).toEqual([ids.c1]);
    expect(await listed({ errorContains: 'SMTP' })).toEqual([ids.f3, ids.f1].sort().reverse());
    expect(await listed({ payload: { 'customer.region': 'eu', urgent: true } })).toEqual([ids.f1]);
    // A query string carries text: 7 matches the number 7, 42 the text "42".
    expect(await listed({ payload: { 'customer.id': 7 }, state: 'failed' })).toEqual([ids.f1]);
    expect(await listed({ payload: { number: 42 } })).toEqual([ids.f2]);
    expect(
      await listed({ createdFrom: at(1).toISOString(), createdTo: at(3).toISOString() }),
    ).toEqual([ids.f3, ids.f2].sort().reverse());
    expect(await listed({ state: 'failed', finishedFrom: '2020-06-01T00:15:00+00:00' })).toEqual([
      ids.f3,
      ids.f2,
    ]);
    expect(await listed({ dueTo: at(50).toISOString(), state: 'scheduled' })).toEqual([]);
    const combined = await client.listJobs({
      state: 'failed',
      queue: 'billing',
      errorContains: 'timeout',
      payload: { 'customer.id': 7 },
    });
    expect(combined.items.map((job) => job.id)).toEqual([ids.f1]);
    expect(combined.total).toEqual({ count: 1, exact: true });
    expect((await client.listJobs({ state: 'failed', limit: 1 })).total).toEqual({
      count: 3,
      exact: true,
    });
  });

  it('sorts by an allowed field either way', async () => {
    expect(await listed({ state: 'failed', sort: 'createdAt', direction: 'asc' })).toEqual([
      ids.f1,
      ids.f2,
      ids.f3,
    ]);
    await expect(client.listJobs({ sort: 'payload' as never })).rejects.toMatchObject({
      status: 400,
      details: { field: 'sort' },
    });
  });

  it('pages with a cursor that stays correct while a bulk action changes the jobs', async () => {
    const seeded = await seedJobs(
      docket,
      Array.from({ length: 8 }, (_, i) => ({
        state: 'failed' as const,
        queue: 'paging',
        createdAt: at(200 + i),
        finishedAt: at(300 + i),
      })),
    );
    const expected = [...seeded].reverse();
    const first = await client.listJobs({ state: 'failed', queue: 'paging', limit: 3 });
    expect(first.items.map((job) => job.id)).toEqual(expected.slice(0, 3));
    expect(first.total).toEqual({ count: 8, exact: true });
    await client.bulkJobAction({ action: 'retry', ids: [expected[2], expected[3]] });
    const second = await client.listJobs({
      state: 'failed',
      queue: 'paging',
      limit: 3,
      cursor: first.nextCursor!,
    });
    expect(second.items.map((job) => job.id)).toEqual(expected.slice(4, 7));
    expect(second.total).toEqual({ count: 6, exact: true });
    await jobsOf(docket).deleteMany({ queue: 'paging' });
  });

  it('says "10,000+" honestly when more jobs match than it counts', async () => {
    await seedJobs(
      docket,
      Array.from({ length: 10_001 }, () => ({ state: 'succeeded' as const, queue: 'huge' })),
    );
    const page = await client.listJobs({ state: 'succeeded', queue: 'huge', limit: 5 });
    expect(page.items).toHaveLength(5);
    expect(page.total).toEqual({ count: 10_000, exact: false });
    await jobsOf(docket).deleteMany({ queue: 'huge' });
  });

  it('refuses operators and malformed filters in the query string, naming the parameter', async () => {
    const refused = async (query: string, code: string, field?: string) => {
      const response = await raw(`api/jobs?${query}`);
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe(code);
      if (field !== undefined) expect(error.details).toMatchObject({ field });
    };
    await refused('payload.$where=1', 'INVALID_INPUT', 'payload.$where');
    await refused('payload.a%5B%24ne%5D=1', 'INVALID_INPUT', 'payload.a[$ne]');
    await refused('payload.__proto__=1', 'INVALID_INPUT', 'payload.__proto__');
    await refused('payload.=1', 'UNKNOWN_PARAMETER', 'payload.');
    await refused('state%5B%24ne%5D=failed', 'UNKNOWN_PARAMETER', 'state[$ne]');
    await refused('queue%5B%24ne%5D=', 'UNKNOWN_PARAMETER', 'queue[$ne]');
    await refused('state=failed,lost', 'INVALID_INPUT', 'state[1]');
    await refused('queue=a%20b', 'INVALID_INPUT', 'queue');
    await refused('createdFrom=yesterday', 'INVALID_INPUT', 'createdFrom');
    await refused(
      'createdFrom=2020-06-02T00:00:00Z&createdTo=2020-06-01T00:00:00Z',
      'INVALID_INPUT',
      'createdAt.to',
    );
    await refused('idPrefix=a&search=b', 'INVALID_INPUT', 'search');
    await refused('errorContains=', 'INVALID_INPUT', 'errorContains');
    await refused('state=failed&cursor=abc', 'INVALID_CURSOR', 'cursor');
    // A regex character is text: it matches nothing here, and never errs.
    expect((await client.listJobs({ errorContains: '.*(' })).items).toEqual([]);
  });

  it('retries a filtered set in bulk and says how many; a finished job can be deleted', async () => {
    const result = await client.bulkJobAction({
      action: 'retry',
      filter: {
        queue: 'billing',
        errorContains: 'smtp',
        finishedAt: { to: '2020-06-01T00:15:00Z' },
      },
    });
    expect(result).toEqual({ action: 'retry', matched: 1, changed: 1, conflicts: 0 });
    expect(await stateOf(ids.f1)).toBe('enqueued');
    expect(await stateOf(ids.f2)).toBe('failed');
    await client.deleteJob(ids.s1);
    expect(await stateOf(ids.s1)).toBe('deleted');
    await expect(
      client.bulkJobAction({ action: 'delete', ids: [ids.f2, ids.s1, 'no-such-job'] }),
    ).resolves.toEqual({ action: 'delete', matched: 1, changed: 1, conflicts: 0 });
  });

  it('refuses bad bulk requests with a 400 naming the field, changing nothing', async () => {
    const before = await jobsOf(docket)
      .find({}, { projection: { state: 1 } })
      .toArray();
    const refused = async (body: unknown, code: string, field?: string) => {
      const response = await raw('api/jobs/bulk', {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe(code);
      if (field !== undefined) expect(error.details).toMatchObject({ field });
    };
    await refused({ action: 'retry' }, 'INVALID_INPUT', 'ids');
    await refused(
      { action: 'retry', ids: [ids.f3], filter: { state: 'failed' } },
      'INVALID_INPUT',
      'filter',
    );
    await refused({ action: 'retry', filter: {} }, 'INVALID_INPUT', 'filter');
    await refused({ action: 'explode', ids: [ids.f3] }, 'INVALID_INPUT', 'action');
    await refused({ ids: [ids.f3] }, 'INVALID_INPUT', 'action');
    await refused({ action: 'delete', ids: [ids.f3], colour: 'red' }, 'UNKNOWN_FIELD', 'colour');
    await refused({ action: 'delete', ids: [{ $ne: null }] }, 'INVALID_INPUT', 'ids[0]');
    await refused(
      { action: 'delete', ids: Array.from({ length: 1_001 }, (_, i) => `x${i}`) },
      'INVALID_INPUT',
      'ids',
    );
    await refused(
      { action: 'delete', filter: { state: { $ne: 'deleted' } } },
      'INVALID_INPUT',
      'filter.state',
    );
    await refused(
      { action: 'delete', filter: { queue: { $gt: '' } } },
      'INVALID_INPUT',
      'filter.queue',
    );
    await refused(
      { action: 'delete', filter: { payload: { $where: 'true' } } },
      'INVALID_INPUT',
      'filter.payload.$where',
    );
    await refused(
      { action: 'delete', filter: { payload: { 'a[$ne]': 1 } } },
      'INVALID_INPUT',
      'filter.payload.a[$ne]',
    );
    await refused(
      { action: 'delete', filter: { payload: { a: { $exists: true } } } },
      'INVALID_INPUT',
      'filter.payload.a',
    );
    await refused(
      { action: 'delete', filter: { createdAt: { from: 'soon' } } },
      'INVALID_INPUT',
      'filter.createdAt.from',
    );
    await refused(
      { action: 'delete', filter: { createdAt: { from: { $date: 0 } } } },
      'INVALID_INPUT',
      'filter.createdAt.from',
    );
    await refused({ action: 'delete', filter: 'everything' }, 'INVALID_INPUT', 'filter');
    expect(
      await jobsOf(docket)
        .find({}, { projection: { state: 1 } })
        .toArray(),
    ).toEqual(before);
  });

  it('keeps bulk actions to its action rules: read-only, JSON only, same-site only', async () => {
    const body = JSON.stringify({ action: 'delete', ids: [ids.c1] });
    const readOnlyAnswer = await fetch(new URL('api/jobs/bulk', readOnly.url), {
      method: 'POST',
      headers: JSON_HEADERS,
      body,
    });
    expect(readOnlyAnswer.status).toBe(403);
    expect((await errorOf(readOnlyAnswer)).code).toBe('READ_ONLY');
    const asForm = await raw('api/jobs/bulk', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    expect(asForm.status).toBe(415);
    const crossSite = await raw('api/jobs/bulk', {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'sec-fetch-site': 'cross-site' },
      body,
    });
    expect(crossSite.status).toBe(403);
    expect((await errorOf(crossSite)).code).toBe('CROSS_SITE_REQUEST');
    expect(await stateOf(ids.c1)).toBe('scheduled');
  });

  it('serves a JSON Schema of each job type, nested classes under $defs', async () => {
    const schemas = await client.jobTypeSchemas();
    expect(schemas['search-it.invoice.send']).toMatchObject({
      type: 'object',
      properties: {
        number: { type: 'string' },
        urgent: { type: 'boolean' },
        customer: { $ref: '#/$defs/Customer' },
      },
      required: expect.arrayContaining(['number', 'customer']),
      $defs: {
        Customer: {
          type: 'object',
          properties: { id: { type: 'integer' }, region: { type: 'string' } },
          required: ['id', 'region'],
        },
      },
    });
    expect(schemas['search-it.invoice.send'].required).not.toContain('urgent');
    expect(schemas['search-it.invoice.archive']).toMatchObject({
      properties: { number: { type: 'string' } },
    });
  });

  it('answers an invalid enqueue with every invalid field, nested ones by path', async () => {
    const invalid = await client
      .enqueueJob({
        type: 'search-it.invoice.send',
        payload: { number: 5, customer: { id: 'x', region: 3 } },
      })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(ApiValidationError);
    expect(invalid).toMatchObject({ status: 422, apiCode: 'JOB_VALIDATION' });
    const paths = (invalid as ApiValidationError).issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(['customer.id', 'customer.region', 'number']);
  });

  it('creates and updates recurring jobs with PUT, validating everything before writing', async () => {
    const request = {
      type: 'search-it.invoice.send',
      payload: { number: 'R-1', customer: { id: 1, region: 'eu' } },
      cron: '0 9 * * 1',
      timeZone: 'Europe/Paris',
      queue: 'billing',
    };
    const created = await client.addOrUpdateRecurring('weekly-invoice', request);
    expect(created).toMatchObject({
      id: 'weekly-invoice',
      jobType: 'search-it.invoice.send',
      cron: '0 9 * * 1',
      timeZone: 'Europe/Paris',
      queue: 'billing',
      paused: false,
      payload: { number: 'R-1', customer: { id: 1, region: 'eu' } },
    });
    const updated = await client.addOrUpdateRecurring('weekly-invoice', {
      ...request,
      cron: '0 10 * * 1',
      missedRunPolicy: 'skip',
    });
    expect(updated).toMatchObject({ cron: '0 10 * * 1', missedRunPolicy: 'skip' });
    expect(updated.createdAt).toBe(created.createdAt);
    expect(updated.nextRunAt).not.toBe(created.nextRunAt);

    const put = (id: string, body: unknown) =>
      raw(`api/recurring/${id}`, {
        method: 'PUT',
        headers: JSON_HEADERS,
        body: JSON.stringify(body),
      });
    const refused = async (
      id: string,
      body: unknown,
      status: number,
      code: string,
      field?: string,
    ) => {
      const response = await put(id, body);
      expect(response.status).toBe(status);
      const error = await errorOf(response);
      expect(error.code).toBe(code);
      if (field !== undefined) expect(error.details).toMatchObject({ field });
      return error;
    };
    await refused(
      'weekly-invoice',
      { ...request, cron: '61 * * * *' },
      400,
      'INVALID_CRON_EXPRESSION',
      'cron',
    );
    await refused(
      'weekly-invoice',
      { ...request, cron: 5 },
      400,
      'INVALID_CRON_EXPRESSION',
      'cron',
    );
    await refused(
      'weekly-invoice',
      { ...request, timeZone: 'Mars/Olympus' },
      400,
      'INVALID_INPUT',
      'timeZone',
    );
    await refused(
      'weekly-invoice',
      { ...request, queue: 'no spaces' },
      400,
      'INVALID_INPUT',
      'queue',
    );
    await refused(
      'weekly-invoice',
      { ...request, priority: 5000 },
      400,
      'INVALID_INPUT',
      'priority',
    );
    await refused(
      'weekly-invoice',
      { ...request, missedRunPolicy: 'often' },
      400,
      'INVALID_INPUT',
      'missedRunPolicy',
    );
    await refused('weekly-invoice', { ...request, colour: 'red' }, 400, 'UNKNOWN_FIELD', 'colour');
    await refused('weekly-invoice', { ...request, payload: [] }, 400, 'INVALID_INPUT', 'payload');
    await refused('bad%20id', request, 400, 'INVALID_INPUT', 'id');
    await refused('weekly-invoice', { ...request, type: 'no.such.type' }, 422, 'UNKNOWN_JOB_TYPE');
    const validation = await refused(
      'weekly-invoice',
      { ...request, payload: { number: 1, customer: { id: 'x', region: 'eu' } } },
      422,
      'JOB_VALIDATION',
    );
    expect(
      (validation.details?.issues as { path: string }[]).map((issue) => issue.path).sort(),
    ).toEqual(['customer.id', 'number']);
    // Nothing was half-written: the definition is the last valid one.
    const [stored] = (await client.listRecurring()).filter((job) => job.id === 'weekly-invoice');
    expect(stored).toEqual(updated);
    expect((await client.listRecurring()).map((job) => job.id)).toEqual(['weekly-invoice']);
    const readOnlyPut = await fetch(new URL('api/recurring/weekly-invoice', readOnly.url), {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: JSON.stringify(request),
    });
    expect(readOnlyPut.status).toBe(403);
    await client.removeRecurring('weekly-invoice');
  });

  it('answered every call above as the OpenAPI document says', () => {
    expect(conformance.calls.length).toBeGreaterThan(20);
    expect(conformance.problems).toEqual([]);
  });
});
