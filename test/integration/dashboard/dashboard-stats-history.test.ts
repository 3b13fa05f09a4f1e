import type { Document } from 'mongodb';
import { ApiValidationError, DocketClient, type ApiStatsHistory } from '../../../src/client';
import {
  ensureDashboardIndexes,
  startDashboard,
  type RunningDashboard,
} from '../../../src/dashboard';
import { historyMatch } from '../../../src/dashboard/queries/read-stats-history';
import type { Docket, JobRecord } from '../../../src';
import type { JobState } from '../../../src/storage/job-record';
import { newJobRecord } from '../../../src/storage/new-job-record';
import type { TestDatabase } from '../../helpers/mongo';
import { openDashboardDocket } from './dashboard-fixture';
import { conformanceFetch } from './openapi-conformance';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** A stored job with chosen times: when it became due, started and finished. */
interface Seed {
  readonly id: string;
  readonly state: JobState;
  readonly queue: string;
  readonly type: string;
  readonly dueAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

/** The bucket of `history` starting at `at` (found by time, so a minute turning over meanwhile changes nothing). */
function bucketAt(history: ApiStatsHistory, at: number) {
  const bucket = history.buckets.find((candidate) => Date.parse(candidate.at) === at);
  if (bucket === undefined) throw new Error(`no bucket at ${new Date(at).toISOString()}`);
  return bucket;
}

/**
 * `GET api/stats/history` on jobs stored with known times: exact counts and latencies per
 * bucket, for every queue and type or one of each, and refusals naming the parameter.
 */
describe('dashboard statistics over time (api/stats/history)', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  const conformance = conformanceFetch('/');
  const report = 'dashboard-it.report';
  const archive = 'dashboard-it.archive';
  // Ten minutes ago, at the start of its minute: well inside the last hour whenever the
  // requests below run, and the latest bucket stays clear of the jobs.
  const m0 = Math.floor((Date.now() - 10 * MINUTE) / MINUTE) * MINUTE;
  const m1 = m0 - 5 * MINUTE;
  const finished = (
    id: string,
    state: JobState,
    queue: string,
    type: string,
    finishedAt: number,
    latencyMs: number,
  ): Seed => {
    const dueAt = finishedAt - 40_000;
    return { id, state, queue, type, dueAt, startedAt: dueAt + latencyMs, finishedAt };
  };
  const seeds: Seed[] = [
    finished('a', 'succeeded', 'east', report, m0 + 10_000, 1_000),
    finished('b', 'succeeded', 'east', archive, m0 + 20_000, 3_000),
    finished('c', 'failed', 'west', report, m0 + 30_000, 8_000),
    // Started before its due time by the clocks that wrote them (skew): no wait, not negative.
    finished('d', 'succeeded', 'west', report, m0 + 40_000, -2_000),
    finished('e', 'failed', 'east', report, m1 + 59_999, 500),
    // Two hours ago: in the last day only.
    finished('f', 'succeeded', 'west', archive, m0 - 2 * HOUR, 60_000),
    // Two days ago: nowhere.
    finished('g', 'succeeded', 'east', report, m0 - 48 * HOUR, 1),
    // Deleted while waiting: finished, but neither succeeded nor failed.
    { ...finished('h', 'deleted', 'east', report, m0 + 5_000, 0), startedAt: null },
    // A retry waiting (no finishedAt) and a job running: not finished.
    { ...finished('i', 'scheduled', 'east', report, m0, 0), finishedAt: null },
    { ...finished('j', 'processing', 'west', report, m0, 700), finishedAt: null },
    // Finished without a start time (a record from before one was kept): counted, no latency.
    { ...finished('k', 'succeeded', 'north', archive, m1 + 1_000, 0), startedAt: null },
  ];

  beforeAll(async () => {
    ({ db, docket } = await openDashboardDocket('dashboard_history'));
    dashboard = await startDashboard(docket, { basePath: '/' });
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
    const records: JobRecord[] = seeds.map((seed) => ({
      ...newJobRecord({
        id: seed.id,
        type: seed.type,
        queue: seed.queue,
        priority: 0,
        payload: { month: 1, note: seed.id },
        state: seed.state,
        dueAt: new Date(seed.dueAt),
        now: new Date(seed.dueAt),
        maxAttempts: null,
        timeoutMs: null,
      }),
      attempt: seed.startedAt === null ? 0 : 1,
      startedAt: seed.startedAt === null ? null : new Date(seed.startedAt),
      finishedAt: seed.finishedAt === null ? null : new Date(seed.finishedAt),
    }));
    // Unfinished jobs of another queue, so that the finished ones are a small part of the
    // collection (a planner scans the collection when an index would read most of it).
    for (let i = 0; i < 60; i++) {
      const now = new Date(m0 - i * MINUTE);
      records.push(
        newJobRecord({
          type: report,
          queue: 'backlog',
          priority: 0,
          payload: { month: 1, note: `backlog ${i}` },
          state: 'enqueued',
          dueAt: now,
          now,
          maxAttempts: null,
          timeoutMs: null,
        }),
      );
    }
    await docket.database
      .collection<JobRecord>(`${docket.collectionPrefix}jobs`)
      .insertMany(records);
  });

  afterAll(async () => {
    await dashboard?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it('counts the jobs that finished in each minute of the last hour, with their queue latency', async () => {
    const history = await client.getStatsHistory();
    expect(history).toMatchObject({ range: 'lastHour', bucketMs: MINUTE, queue: null, type: null });
    expect(history.buckets).toHaveLength(60);
    const starts = history.buckets.map((bucket) => Date.parse(bucket.at));
    expect(starts.every((at, i) => i === 0 || at - starts[i - 1] === MINUTE)).toBe(true);
    expect(starts[59]).toBe(Math.floor(Date.parse(history.now) / MINUTE) * MINUTE);

    // a, b, d succeeded and c failed; their waits 1000, 3000, 0 (skew) and 8000 ms.
    expect(bucketAt(history, m0)).toEqual({
      at: new Date(m0).toISOString(),
      succeeded: 3,
      failed: 1,
      latencyAvgMs: 3_000,
      latencyMaxMs: 8_000,
    });
    // e failed; k succeeded with no start time, so it has no latency.
    expect(bucketAt(history, m1)).toMatchObject({
      succeeded: 1,
      failed: 1,
      latencyAvgMs: 500,
      latencyMaxMs: 500,
    });
    const others = history.buckets.filter((bucket) => ![m0, m1].includes(Date.parse(bucket.at)));
    expect(others).toHaveLength(58);
    for (const bucket of others) {
      expect(bucket).toMatchObject({
        succeeded: 0,
        failed: 0,
        latencyAvgMs: null,
        latencyMaxMs: null,
      });
    }
    expect(history.queues).toEqual(['backlog', 'east', 'north', 'west']);
    expect(history.types).toEqual([archive, report]);
  });

  it('narrows to one queue, one type, or both', async () => {
    const east = await client.getStatsHistory({ queue: 'east' });
    expect(east).toMatchObject({ queue: 'east', type: null });
    expect(bucketAt(east, m0)).toMatchObject({
      succeeded: 2,
      failed: 0,
      latencyAvgMs: 2_000,
      latencyMaxMs: 3_000,
    });
    expect(bucketAt(east, m1)).toMatchObject({ succeeded: 0, failed: 1, latencyAvgMs: 500 });

    const reports = await client.getStatsHistory({ type: report });
    expect(bucketAt(reports, m0)).toMatchObject({
      succeeded: 2,
      failed: 1,
      latencyAvgMs: 3_000,
      latencyMaxMs: 8_000,
    });

    const westReports = await client.getStatsHistory({ queue: 'west', type: report });
    expect(westReports).toMatchObject({ queue: 'west', type: report });
    expect(bucketAt(westReports, m0)).toMatchObject({
      succeeded: 1,
      failed: 1,
      latencyAvgMs: 4_000,
      latencyMaxMs: 8_000,
    });
    expect(bucketAt(westReports, m1)).toMatchObject({
      succeeded: 0,
      failed: 0,
      latencyAvgMs: null,
    });
    // The choices stay every queue and type, whatever the history is narrowed to.
    expect(westReports.queues).toEqual(['backlog', 'east', 'north', 'west']);

    const nothing = await client.getStatsHistory({ queue: 'nowhere', type: 'no.such.type' });
    expect(nothing.buckets.every((bucket) => bucket.succeeded + bucket.failed === 0)).toBe(true);
  });

  it('counts per hour over the last day, the job of two hours ago included', async () => {
    const history = await client.getStatsHistory({ range: 'lastDay' });
    expect(history).toMatchObject({ range: 'lastDay', bucketMs: HOUR });
    expect(history.buckets).toHaveLength(24);
    const hourOf = (at: number) => Math.floor(at / HOUR) * HOUR;
    // The same jobs as per minute, grouped by hour (m0 and m1 may fall in different hours).
    const expected = new Map<number, { succeeded: number; failed: number; waits: number[] }>();
    for (const seed of seeds) {
      if (seed.finishedAt === null || (seed.state !== 'succeeded' && seed.state !== 'failed'))
        continue;
      if (seed.id === 'g') continue; // two days ago
      const hour = hourOf(seed.finishedAt);
      const entry = expected.get(hour) ?? { succeeded: 0, failed: 0, waits: [] };
      entry[seed.state] += 1;
      if (seed.startedAt !== null) entry.waits.push(Math.max(0, seed.startedAt - seed.dueAt));
      expected.set(hour, entry);
    }
    expect(expected.size).toBeGreaterThanOrEqual(2);
    for (const [hour, entry] of expected) {
      const sum = entry.waits.reduce((total, wait) => total + wait, 0);
      expect(bucketAt(history, hour)).toEqual({
        at: new Date(hour).toISOString(),
        succeeded: entry.succeeded,
        failed: entry.failed,
        latencyAvgMs: Math.round(sum / entry.waits.length),
        latencyMaxMs: Math.max(...entry.waits),
      });
    }
    expect(bucketAt(history, hourOf(m0 - 2 * HOUR))).toMatchObject({
      succeeded: 1,
      latencyMaxMs: 60_000,
    });
    const total = history.buckets.reduce(
      (sum, bucket) => sum + bucket.succeeded + bucket.failed,
      0,
    );
    expect(total).toBe(7); // a, b, c, d, e, f, k
  });

  it('refuses an unknown range, invalid names and unknown parameters, naming the parameter', async () => {
    const refused = async (call: Promise<unknown>, field: string) => {
      const error = await call.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiValidationError);
      expect(error).toMatchObject({ status: 400, apiCode: 'INVALID_INPUT', details: { field } });
    };
    await refused(client.getStatsHistory({ range: 'lastWeek' as never }), 'range');
    await refused(client.getStatsHistory({ queue: 'no spaces' }), 'queue');
    await refused(client.getStatsHistory({ queue: 'q'.repeat(101) }), 'queue');
    await refused(client.getStatsHistory({ type: 't'.repeat(201) }), 'type');
    await refused(client.getStatsHistory({ type: 'line\nbreak' }), 'type');
    const raw = (query: string) => fetch(new URL(`api/stats/history?${query}`, dashboard.url));
    const typo = await raw('rang=lastDay');
    expect(typo.status).toBe(400);
    expect(await typo.json()).toMatchObject({
      error: { code: 'UNKNOWN_PARAMETER', details: { field: 'rang' } },
    });
    const twice = await raw('range=lastDay&range=lastHour');
    expect(twice.status).toBe(400);
    expect(await twice.json()).toMatchObject({ error: { details: { field: 'range' } } });
  });

  it('reads the finished jobs through an index of finished jobs, never the whole collection', async () => {
    await ensureDashboardIndexes(docket.database, docket.collectionPrefix);
    const jobs = docket.database.collection<JobRecord>(`${docket.collectionPrefix}jobs`);
    const indexesOf = async (queue: string | null, type: string | null) => {
      // The stand-in explains no aggregation; the pipeline opens with this $match, which MongoDB
      // plans as it plans a find.
      const match = historyMatch({ range: 'lastDay', queue, type, now: new Date() });
      const explained = await jobs.find(match).explain();
      const stages: string[] = [];
      const visit = (stage: Document) => {
        stages.push(
          `${String(stage.stage)}${stage.indexName ? `:${String(stage.indexName)}` : ''}`,
        );
        if (stage.inputStage) visit(stage.inputStage as Document);
      };
      visit((explained.queryPlanner as Document).winningPlan as Document);
      return stages;
    };
    expect(await indexesOf(null, null)).toContain('IXSCAN:dashboard-finished');
    expect(await indexesOf('east', null)).toContain('IXSCAN:search-queue-finished');
    expect(await indexesOf(null, report)).toContain('IXSCAN:search-type-finished');
    expect((await indexesOf('east', report)).join()).toMatch(/IXSCAN:search-(queue|type)-finished/);
  });

  it('answered as the OpenAPI document says', () => {
    expect(conformance.calls.map((call) => call.operationId)).toContain('getStatsHistory');
    expect(conformance.problems).toEqual([]);
  });
});
