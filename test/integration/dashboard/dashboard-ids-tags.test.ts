import { ApiConflictError, ApiValidationError, DocketClient } from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { InvoiceHandler } from '../job-search/search-fixture';
import { conformanceFetch } from './openapi-conformance';

/**
 * Caller-chosen ids, tags and `startWithinMs` through the REST API and DocketClient (every
 * answer checked against the OpenAPI document).
 */
describe('dashboard REST API: caller ids, tags and start limits', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  const conformance = conformanceFetch('/ops/');
  const invoice = (number: string) => ({
    type: 'search-it.invoice.send',
    payload: { number, customer: { id: 1, region: 'eu' } },
  });
  const listed = async (tag: string | string[], state?: 'scheduled') =>
    (await client.listJobs({ tag, ...(state ? { state } : {}) })).items.map((job) => job.id);

  beforeAll(async () => {
    db = await openTestDatabase('dashboard_ids_tags');
    ({ docket } = await createTestDocket(db, { handlers: [InvoiceHandler] }));
    dashboard = await startDashboard(docket, { basePath: '/ops' });
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
    const later = { delayMs: 3_600_000 };
    await client.enqueueJob({ ...invoice('1'), ...later, id: 'inv-1', tags: ['eu', 'a,b'] });
    await client.enqueueJob({ ...invoice('2'), ...later, id: 'inv-2', tags: ['eu'] });
    await client.enqueueJob({ ...invoice('3'), ...later, id: 'inv-3', startWithinMs: 60_000 });
  });

  afterAll(async () => {
    await dashboard?.close();
    await docket.close();
    await db.cleanup();
  });

  it('enqueues under the chosen id and shows tags and startWithinMs on the job', async () => {
    expect(await client.getJob('inv-1')).toMatchObject({ id: 'inv-1', tags: ['eu', 'a,b'] });
    const limited = await client.getJob('inv-3');
    expect(limited.startWithinMs).toBe(60_000);
    expect(limited).not.toHaveProperty('tags');
    expect((await client.getJob('inv-2')).startWithinMs).toBeUndefined();
  });

  it('answers a duplicate id with 409 DUPLICATE_JOB_ID, or the existing id when asked', async () => {
    const error: unknown = await client
      .enqueueJob({ ...invoice('other'), id: 'inv-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiConflictError);
    expect(error).toMatchObject({ apiCode: 'DUPLICATE_JOB_ID', details: { jobId: 'inv-1' } });
    await expect(
      client.enqueueJob({ ...invoice('other'), id: 'inv-1', onDuplicateId: 'return' }),
    ).resolves.toEqual({ id: 'inv-1' });
    expect((await client.getJob('inv-1')).payload).toMatchObject({ number: '1' });
  });

  it('lists jobs by tag, every tag given, with the other filters', async () => {
    expect((await listed('eu')).sort()).toEqual(['inv-1', 'inv-2']);
    expect(await listed(['eu', 'a,b'])).toEqual(['inv-1']);
    expect((await listed('eu', 'scheduled')).sort()).toEqual(['inv-1', 'inv-2']);
    const page = await client.listJobs({ tag: 'a,b' });
    expect(page.items[0].tags).toEqual(['eu', 'a,b']);
    expect(page.total).toEqual({ count: 1, exact: true });
  });

  it('selects jobs by tags for a bulk action', async () => {
    const result = await client.bulkJobAction({ action: 'delete', filter: { tags: ['a,b'] } });
    expect(result).toMatchObject({ matched: 1, changed: 1 });
    expect((await client.getJob('inv-1')).state).toBe('deleted');
    expect((await client.getJob('inv-2')).state).toBe('scheduled');
  });

  it('refuses bad ids, tags and startWithinMs with 400 naming the field', async () => {
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ id: 'no spaces' }, 'id'],
      [{ onDuplicateId: 'return' }, 'onDuplicateId'],
      [{ tags: [] }, 'tags'],
      [{ tags: ['x'.repeat(101)] }, 'tags[0]'],
      [{ startWithinMs: 0 }, 'startWithinMs'],
    ];
    for (const [fields, field] of refusals) {
      const error: unknown = await client
        .enqueueJob({ ...invoice('bad'), ...fields })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiValidationError);
      expect(error).toMatchObject({ details: { field } });
    }
    const tooMany = Array.from({ length: 21 }, (_, i) => `t${i}`);
    await expect(client.listJobs({ tag: tooMany })).rejects.toMatchObject({
      status: 400,
      details: { field: 'tags' },
    });
  });
});
