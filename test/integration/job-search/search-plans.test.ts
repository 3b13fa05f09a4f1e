import type { Document } from 'mongodb';
import type { Docket, JobFilter } from '../../../src';
import { defaultOrder, resolveJobFilter } from '../../../src/job-search';
import type { JobOrder } from '../../../src/storage/job-criteria';
import {
  afterPosition,
  criteriaFilter,
  orderSort,
} from '../../../src/storage/mongo/job-filter-query';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { jobsOf, seedJobs } from './search-fixture';

/** The stages of a winning plan, outermost first, and the indexes it scans. */
function describePlan(plan: Document): { stages: string[]; indexes: string[] } {
  const stages: string[] = [];
  const indexes: string[] = [];
  const visit = (stage: Document) => {
    stages.push(String(stage.stage));
    if (typeof stage.indexName === 'string') indexes.push(stage.indexName);
    if (stage.inputStage) visit(stage.inputStage as Document);
    for (const input of (stage.inputStages as Document[] | undefined) ?? []) visit(input);
  };
  visit(plan);
  return { stages, indexes: [...new Set(indexes)] };
}

/**
 * The plans of the common searches, on the database the tests run on (the stand-in here,
 * whose planner picks indexes by mongod's rules: longest equality prefix, then the sort):
 * each reads one search index, none scans the collection, and those an index orders need no
 * sort in memory. The table of which index serves which search in docs/deployment.md comes
 * from here.
 */
describe('the plans of common searches', () => {
  let db: TestDatabase;
  let docket: Docket;

  beforeAll(async () => {
    db = await openTestDatabase('search_plans');
    ({ docket } = await createTestDocket(db));
    await seedJobs(
      docket,
      Array.from({ length: 60 }, (_, i) => ({
        state: (['failed', 'succeeded', 'enqueued', 'scheduled'] as const)[i % 4],
        queue: `q${i % 3}`,
        type: `search-it.t${i % 5}`,
      })),
    );
    await docket.scheduler.findJobs({}); // creates the search indexes
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  const planOf = async (filter: JobFilter, options: { count?: boolean; cursor?: boolean } = {}) => {
    const criteria = resolveJobFilter(filter);
    const order: JobOrder = defaultOrder(criteria.states);
    let mongoFilter = criteriaFilter(criteria);
    if (options.cursor) {
      const position = { value: Date.UTC(2030, 0, 1), id: 'f'.repeat(24) };
      mongoFilter = { $and: [mongoFilter, afterPosition(order, position, false)] };
    }
    const explained = options.count
      ? await db.client
          .db(db.dbName)
          .command({ explain: { count: jobsOf(docket).collectionName, query: mongoFilter } })
      : await jobsOf(docket).find(mongoFilter).sort(orderSort(order)).limit(21).explain();
    return describePlan((explained.queryPlanner as Document).winningPlan as Document);
  };

  it.each([
    [{ state: 'failed' }, 'dashboard-finished'],
    [{ state: ['failed', 'deleted'] }, 'dashboard-finished'],
    [{ state: 'scheduled' }, 'dashboard-due'],
    [{ state: 'failed', queue: 'q1' }, 'search-queue-finished'],
    [{ state: 'failed', type: 'search-it.t1' }, 'search-type-finished'],
    [{ state: 'enqueued', queue: 'q1' }, 'search-queue-due'],
    [{ state: 'scheduled', type: 'search-it.t2' }, 'search-type-due'],
    [{ state: ['enqueued', 'scheduled'], type: 'search-it.t2' }, 'search-type-due'],
    [{ state: 'failed', typePrefix: 'search-it.t' }, 'dashboard-finished'],
    [{ state: 'enqueued', queue: 'q1', type: 'search-it.t1' }, 'search-queue-due'],
    [{ state: 'failed', queue: 'q1', errorContains: 'timeout' }, 'search-queue-finished'],
    [{ state: 'failed', queue: 'q1', payload: { 'customer.id': 7 } }, 'search-queue-finished'],
  ] as Array<[JobFilter, string]>)('%j reads %s in order, with no sort', async (filter, index) => {
    for (const cursor of [false, true]) {
      const plan = await planOf(filter, { cursor });
      expect(plan.indexes).toEqual([index]);
      expect(plan.stages).not.toContain('COLLSCAN');
      expect(plan.stages).not.toContain('SORT');
    }
    const counted = await planOf(filter, { count: true });
    expect(counted.stages).not.toContain('COLLSCAN');
    expect(counted.indexes).toHaveLength(1);
  });

  it.each([
    { tags: ['vip'] },
    { tags: ['vip', 'eu'], state: 'failed' },
    { tags: ['vip'], state: ['enqueued', 'scheduled'] },
  ] as JobFilter[])('%j reads search-tags, never the whole collection', async (filter) => {
    for (const plan of [await planOf(filter), await planOf(filter, { count: true })]) {
      expect(plan.indexes).toEqual(['search-tags']);
      expect(plan.stages).not.toContain('COLLSCAN');
    }
  });

  it('sorts in memory only for orders no index gives (here: createdAt)', async () => {
    const criteria = resolveJobFilter({ state: 'failed', queue: 'q1' });
    const explained = await jobsOf(docket)
      .find(criteriaFilter(criteria))
      .sort(orderSort({ field: 'createdAt', direction: -1 }))
      .limit(21)
      .explain();
    const plan = describePlan((explained.queryPlanner as Document).winningPlan as Document);
    expect(plan.indexes).toHaveLength(1);
    expect(plan.stages).not.toContain('COLLSCAN');
    expect(plan.stages).toContain('SORT');
  });
});
