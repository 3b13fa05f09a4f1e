import { ApiValidationError, DocketClient } from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { InvoiceHandler, jobsOf, seedJobs } from '../job-search/search-fixture';
import { conformanceFetch } from './openapi-conformance';

/**
 * Purging finished jobs (`POST api/jobs/bulk`, action `purge`) and draining a queue
 * (`POST api/queues/{name}/drain`) through DocketClient, every answer checked against the
 * OpenAPI document.
 */
describe('dashboard REST API: purge and drain', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  const conformance = conformanceFetch('/');

  const stateOf = async (id: string) => (await docket.getJob(id))?.state ?? 'gone';

  beforeAll(async () => {
    db = await openTestDatabase('dashboard_purge_drain');
    ({ docket } = await createTestDocket(db, { handlers: [InvoiceHandler] }));
    dashboard = await startDashboard(docket);
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
  });

  afterAll(async () => {
    await dashboard.close();
    await docket.close();
    await db.cleanup();
  });

  afterEach(() => {
    expect(conformance.problems).toEqual([]);
  });

  it('purges finished jobs by filter and by ids; unfinished ones stay', async () => {
    const ids = await seedJobs(docket, [
      { state: 'succeeded', queue: 'rest-purge' },
      { state: 'failed', queue: 'rest-purge' },
      { state: 'enqueued', queue: 'rest-purge' },
      { state: 'deleted', queue: 'rest-purge' },
    ]);
    await expect(
      client.bulkJobAction({
        action: 'purge',
        filter: { queue: 'rest-purge', state: 'succeeded' },
      }),
    ).resolves.toEqual({ action: 'purge', matched: 1, changed: 1, conflicts: 0 });
    await expect(client.bulkJobAction({ action: 'purge', ids: [ids[1], ids[2]] })).resolves.toEqual(
      { action: 'purge', matched: 1, changed: 1, conflicts: 0 },
    );
    expect(await Promise.all(ids.map(stateOf))).toEqual(['gone', 'gone', 'enqueued', 'deleted']);
    expect(conformance.calls.map((call) => call.operationId)).toContain('bulkJobAction');
  });

  it('drains a queue, with its scheduled jobs when asked', async () => {
    const ids = await seedJobs(docket, [
      { state: 'enqueued', queue: 'rest-drain' },
      { state: 'scheduled', queue: 'rest-drain', dueAt: new Date(Date.now() + 3_600_000) },
      { state: 'enqueued', queue: 'rest-kept' },
    ]);
    await expect(client.drainQueue('rest-drain')).resolves.toEqual({
      name: 'rest-drain',
      matched: 1,
      changed: 1,
    });
    expect(await Promise.all(ids.map(stateOf))).toEqual(['deleted', 'scheduled', 'enqueued']);
    await expect(client.drainQueue('rest-drain', { includeScheduled: true })).resolves.toEqual({
      name: 'rest-drain',
      matched: 1,
      changed: 1,
    });
    expect(await stateOf(ids[1])).toBe('deleted');
    expect(conformance.calls.map((call) => call.operationId)).toContain('drainQueue');
  });

  it('refuses bad input with a 400 naming the field, and changes nothing', async () => {
    const [kept] = await seedJobs(docket, [{ state: 'enqueued', queue: 'rest-bad' }]);
    const before = await jobsOf(docket).findOne({ _id: kept });
    const refused = async (call: Promise<unknown>, field: string) => {
      const error = await call.catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ApiValidationError);
      expect(error).toMatchObject({ status: 400, details: { field } });
    };
    await refused(
      client.drainQueue('rest-bad', { includeScheduled: 'yes' as unknown as boolean }),
      'options.includeScheduled',
    );
    await refused(
      client.drainQueue('rest-bad', { everything: true } as unknown as object),
      'everything',
    );
    await refused(client.drainQueue('bad queue!'), 'name');
    await refused(client.bulkJobAction({ action: 'purge', filter: {} }), 'filter');
    expect(await jobsOf(docket).findOne({ _id: kept })).toEqual(before);
  });
});
