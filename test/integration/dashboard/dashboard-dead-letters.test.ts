import { DocketClient } from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { InvoiceHandler, jobsOf, seedJobs } from '../job-search/search-fixture';
import { conformanceFetch } from './openapi-conformance';

/**
 * The dead-letter queue through the REST API and DocketClient: listing it
 * (`GET api/jobs?deadLettered=true`) and redriving (`POST api/jobs/bulk`, action `redrive`),
 * every answer checked against the OpenAPI document.
 */
describe('dashboard REST API: dead letters', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  const conformance = conformanceFetch('/');
  let dead: string[];
  let plain: string;

  beforeAll(async () => {
    db = await openTestDatabase('dashboard_dead_letters');
    ({ docket } = await createTestDocket(db, { handlers: [InvoiceHandler] }));
    dashboard = await startDashboard(docket);
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
    const ids = await seedJobs(docket, [
      { state: 'failed', queue: 'billing' },
      { state: 'failed', queue: 'billing' },
      { state: 'failed', queue: 'mail' },
      { state: 'failed', queue: 'billing' },
    ]);
    dead = ids.slice(0, 3);
    plain = ids[3];
    await jobsOf(docket).updateMany(
      { _id: { $in: dead } },
      { $set: { deadLetteredAt: new Date(), expireAt: null } },
    );
  });

  afterAll(async () => {
    await dashboard.close();
    await docket.close();
    await db.cleanup();
  });

  it('lists the dead-letter queue, and the failed jobs outside it', async () => {
    const inside = await client.listJobs({ deadLettered: true });
    expect(inside.items.map((job) => job.id).sort()).toEqual([...dead].sort());
    const outside = await client.listJobs({ state: 'failed', deadLettered: false });
    expect(outside.items.map((job) => job.id)).toEqual([plain]);
    expect((await client.getJob(dead[0])).deadLetteredAt).toEqual(expect.any(String));
    expect((await client.getJob(plain)).deadLetteredAt).toBeUndefined();
  });

  it('refuses a deadLettered that is not a boolean, naming it', async () => {
    const response = await fetch(new URL('api/jobs?deadLettered=yes', dashboard.url));
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { message: string; details?: { field?: string } };
    };
    expect(body.error.details?.field).toBe('deadLettered');
    expect(body.error.message).toContain('deadLettered must be a boolean, got "yes"');
  });

  it('redrives dead letters by ids and by filter, leaving other failed jobs alone', async () => {
    await expect(
      client.bulkJobAction({ action: 'redrive', ids: [dead[0], plain] }),
    ).resolves.toEqual({ action: 'redrive', matched: 1, changed: 1, conflicts: 0 });
    await expect(
      client.bulkJobAction({ action: 'redrive', filter: { queue: 'billing' } }),
    ).resolves.toEqual({ action: 'redrive', matched: 1, changed: 1, conflicts: 0 });
    const states = await jobsOf(docket)
      .find({}, { projection: { state: 1, deadLetteredAt: 1 } })
      .toArray();
    const byId = new Map(states.map((job) => [job._id, job]));
    for (const id of [dead[0], dead[1]]) {
      expect(byId.get(id)).toEqual({ _id: id, state: 'enqueued' });
    }
    expect(byId.get(dead[2])).toMatchObject({ state: 'failed', deadLetteredAt: expect.any(Date) });
    expect(byId.get(plain)).toEqual({ _id: plain, state: 'failed' });
  });
});
