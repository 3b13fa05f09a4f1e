import { SCHEMA_VERSION, type Docket } from '../../../src';
import { DocketClient } from '../../../src/client';
import { startDashboard } from '../../../src/dashboard';
import { SCHEMA_STEPS } from '../../../src/schema/schema-steps';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { writeSchema1Database } from '../fixtures/schema-1-database';
import { conformanceFetch } from './openapi-conformance';

/**
 * The schema status verb on its three surfaces: `Docket.getSchemaStatus`, `GET api/schema`
 * (checked against the OpenAPI document) and `DocketClient.getSchemaStatus`.
 */
describe('schema status: code, REST and client', () => {
  let db: TestDatabase;
  const dockets: Docket[] = [];
  const CODE = `${SCHEMA_VERSION.major}.${SCHEMA_VERSION.minor}`;

  async function open(): Promise<Docket> {
    const { docket } = await createTestDocket(db, { handlers: [] });
    dockets.push(docket);
    return docket;
  }

  beforeAll(async () => {
    db = await openTestDatabase('schema_status');
  });

  afterAll(async () => {
    await Promise.all(dockets.map((docket) => docket.close()));
    await db.cleanup();
  });

  it('getSchemaStatus, GET api/schema and DocketClient show a migration under way, then its record', async () => {
    await writeSchema1Database(db.client.db(db.dbName));
    const expiresAt = new Date(Date.now() + 60_000);
    await db.client
      .db(db.dbName)
      .collection('docket.schema')
      .insertOne({
        _id: 'schema' as never,
        major: 1,
        minor: 0,
        updatedAt: new Date(),
        applied: [],
        lock: { owner: 'other-process', toMajor: 1, to: '1.1', expiresAt },
      });
    // A minor migration held by another process: this one starts without migrating.
    const docket = await open();
    const pending = [{ version: '1.1', description: SCHEMA_STEPS[0].description }];
    expect(await docket.getSchemaStatus()).toEqual({
      databaseVersion: '1.0',
      codeVersion: CODE,
      applied: [],
      pending,
      migration: { owner: 'other-process', to: '1.1', expiresAt },
    });

    const dashboard = await startDashboard(docket, { basePath: '/jobs' });
    const conformance = conformanceFetch('/jobs/');
    try {
      const client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
      expect(await client.getSchemaStatus()).toEqual({
        databaseVersion: '1.0',
        codeVersion: CODE,
        applied: [],
        pending,
        migration: { owner: 'other-process', to: '1.1', expiresAt: expiresAt.toISOString() },
      });

      // The holder's lock lapses; the next start migrates, and the record says so.
      await db.client
        .db(db.dbName)
        .collection('docket.schema')
        .updateOne({ _id: 'schema' as never }, { $set: { 'lock.expiresAt': new Date(0) } });
      await open();
      const after = await client.getSchemaStatus();
      expect(after).toMatchObject({ databaseVersion: '1.1', pending: [], migration: null });
      expect(after.applied).toEqual([
        { ...pending[0], at: expect.any(String), by: expect.any(String) },
      ]);
      expect(conformance.problems).toEqual([]);
    } finally {
      await dashboard.close();
    }
  });
});
