import { IsInt } from 'class-validator';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  ServerStoppingError,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import { MongoJobStore } from '../../../src/storage/mongo/mongo-job-store';
import { RETENTION_DEFAULTS } from '../../../src/storage/retention';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

@Job('invariants.work')
class WorkJob implements IJob {
  @IsInt() n!: number;
}

/** Per-test behaviour of the handler. */
let behaviour: (job: WorkJob, ctx: JobContext) => Promise<void> = async () => undefined;

@JobHandler(WorkJob, { retries: 3 })
class WorkHandler implements IJobHandler<WorkJob> {
  handle(job: WorkJob, ctx: JobContext): Promise<void> {
    return behaviour(job, ctx);
  }
}

const work = (n: number): WorkJob => Object.assign(new WorkJob(), { n });

/** The guarantees of docs/design.md, by number, as the store and the server keep them. */
describe('guarantees', () => {
  let db: TestDatabase;
  let store: MongoJobStore;
  const dockets: Docket[] = [];

  async function docketWithScheduler(): Promise<{ docket: Docket; scheduler: IJobScheduler }> {
    const { docket, container } = await createTestDocket(db, { handlers: [WorkHandler] });
    dockets.push(docket);
    return { docket, scheduler: container.resolve(JOB_SCHEDULER) };
  }

  const claimRequest = (serverId: string, leaseMs = 60_000) => ({
    queues: ['default'],
    jobTypes: ['invariants.work'],
    serverId,
    leaseMs,
    now: new Date(),
  });

  beforeAll(async () => {
    db = await openTestDatabase('invariants');
    store = new MongoJobStore(db.client.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
  });

  afterEach(async () => {
    await Promise.all(dockets.splice(0).map((d) => d.close()));
    await store.collection.deleteMany({});
    behaviour = async () => undefined;
  });

  afterAll(() => db.cleanup());

  it('1. atomic claim: concurrent claimers never share a job, and each claim stamps a lease', async () => {
    const { scheduler } = await docketWithScheduler();
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) ids.add(await scheduler.enqueue(work(i)));
    const claimed: JobRecord[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, worker) => {
        for (;;) {
          const job = await store.claim(claimRequest(`worker-${worker}`));
          if (!job) return;
          claimed.push(job);
        }
      }),
    );
    expect(claimed).toHaveLength(200);
    expect(new Set(claimed.map((j) => j._id))).toEqual(ids);
    for (const job of claimed) {
      expect(job).toMatchObject({ state: 'processing', attempt: 1, fence: 1 });
      expect(job.leaseOwner).toMatch(/^worker-/);
      expect(job.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    }
  });

  it('1. the claim query is served by the claim index', async () => {
    const indexes = await store.collection.listIndexes().toArray();
    expect(indexes.find((i) => i.name === 'claim')?.key).toEqual({
      queue: 1,
      state: 1,
      priority: -1,
      dueAt: 1,
    });
    const explain = await db.client.db(db.dbName).command({
      explain: {
        findAndModify: store.collection.collectionName,
        query: {
          queue: { $in: ['default'] },
          state: { $in: ['enqueued', 'scheduled'] },
          dueAt: { $lte: new Date() },
          type: { $in: ['invariants.work'] },
        },
        sort: { priority: -1, dueAt: 1 },
        update: { $set: { state: 'processing' } },
      },
      verbosity: 'queryPlanner',
    });
    expect(JSON.stringify(explain.queryPlanner.winningPlan)).toContain('"indexName":"claim"');
  });

  it('2. at-least-once: a job whose worker died is claimed again after its lease expires, attempt 2', async () => {
    const { docket, scheduler } = await docketWithScheduler();
    const id = await scheduler.enqueue(work(1));
    // A worker claims and then "dies": it never heartbeats nor finishes.
    const dead = await store.claim(claimRequest('dead-worker', 300));
    expect(dead?._id).toBe(id);
    const attempts: number[] = [];
    behaviour = async (_job, ctx) => {
      attempts.push(ctx.attempt);
    };
    await docket.startServer({ ...FAST_SERVER });
    const record = await waitFor(async () => {
      const r = await docket.getJob(id);
      return r?.state === 'succeeded' ? r : null;
    });
    expect(attempts).toEqual([2]);
    expect(record.attempt).toBe(2);
    expect(record.history.map((h) => h.reason ?? h.state)).toContain(
      'lease expired: its worker stopped renewing it',
    );
  });

  it('3. fencing: a worker that lost its lease cannot overwrite the outcome', async () => {
    const { scheduler } = await docketWithScheduler();
    const id = await scheduler.enqueue(work(1));
    const first = (await store.claim(claimRequest('paused-worker', 50)))!;
    // The first worker pauses past its lease; the job is recovered and claimed by another.
    await waitFor(async () => (await store.recoverExpired(new Date())) === 1, {
      what: 'the lease to expire',
    });
    const second = (await store.claim(claimRequest('live-worker')))!;
    expect(second.fence).toBe(first.fence + 1);
    const late = {
      state: 'failed' as const,
      durationMs: 1,
      error: { name: 'Error', message: 'stale' },
      reason: 'stale',
    };
    const lease = (j: JobRecord) => ({ jobId: j._id, fence: j.fence });
    expect(await store.finish(lease(first), late, 'paused-worker', new Date())).toBeNull();
    expect(await store.saveProgress(lease(first), { percent: 1, at: new Date() })).toBe(false);
    expect(await store.extendLeases([lease(first)], 60_000)).toEqual([
      { ...lease(first), state: 'processing' },
    ]);
    expect(
      await store.finish(
        lease(second),
        { state: 'succeeded', durationMs: 2 },
        'live-worker',
        new Date(),
      ),
    ).toEqual({ hasContinuations: false });
    expect(await store.finish(lease(first), late, 'paused-worker', new Date())).toBeNull();
    const record = await store.findById(id);
    expect(record).toMatchObject({
      state: 'succeeded',
      durationMs: 2,
      error: null,
      progress: null,
    });
  });

  it('3. fencing through the server: a paused handler whose job was taken over records nothing', async () => {
    const { docket, scheduler } = await docketWithScheduler();
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    const runs: Array<{ attempt: number; signal: AbortSignal }> = [];
    behaviour = async (_job, ctx) => {
      runs.push({ attempt: ctx.attempt, signal: ctx.signal });
      if (ctx.attempt === 1) await paused; // ignores its signal, like a stuck event loop
    };
    const server = await docket.startServer({
      ...FAST_SERVER,
      leaseMs: 400,
      heartbeatIntervalMs: 200,
    });
    const id = await scheduler.enqueue(work(1));
    await waitFor(() => runs.length === 1, { what: 'the first attempt' });
    // Simulate the pause: the lease expires without heartbeats reaching MongoDB.
    await store.collection.updateOne({ _id: id }, { $set: { leaseExpiresAt: new Date(0) } });
    await waitFor(() => runs.length === 2, { what: 'the takeover', timeoutMs: 5_000 });
    await waitFor(async () => (await docket.getJob(id))?.state === 'succeeded');
    // The next heartbeat notices the lost lease and aborts the paused attempt.
    await waitFor(() => runs[0].signal.aborted, { what: 'the paused attempt to be aborted' });
    release();
    await waitFor(() => server.runningCount === 0);
    const record = (await docket.getJob(id))!;
    expect(record).toMatchObject({ state: 'succeeded', attempt: 2 });
    expect(record.history.filter((h) => h.state === 'succeeded')).toHaveLength(1);
  });

  it('6. graceful stop: handlers see their signal and unfinished jobs go straight to another server', async () => {
    const a = await docketWithScheduler();
    const seen: unknown[] = [];
    const started: string[] = [];
    behaviour = async (job, ctx) => {
      started.push(`${job.n}@${ctx.attempt}`);
      if (started.length <= 2) {
        // Ignores the signal until aborted, then keeps running past the abort grace.
        await new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => {
            seen.push(ctx.signal.reason);
            setTimeout(resolve, 2_000);
          }),
        );
      }
    };
    const serverA = await a.docket.startServer({
      ...FAST_SERVER,
      leaseMs: 60_000,
      heartbeatIntervalMs: 1_000,
      shutdownGraceMs: 100,
      abortGraceMs: 100,
    });
    const ids = [await a.scheduler.enqueue(work(0)), await a.scheduler.enqueue(work(1))];
    await waitFor(() => started.length === 2, { what: 'both jobs to start' });
    await serverA.stop();
    expect(seen).toHaveLength(2);
    for (const reason of seen) expect(reason).toBeInstanceOf(ServerStoppingError);
    for (const id of ids) {
      const record = await store.findById(id);
      // Released at once (not after the 60 s lease), and the attempt is not counted.
      expect(record).toMatchObject({ state: 'enqueued', attempt: 0, leaseOwner: null });
    }
    const b = await docketWithScheduler();
    await b.docket.startServer({ ...FAST_SERVER });
    for (const id of ids) {
      await waitFor(async () => (await store.findById(id))?.state === 'succeeded', {
        what: `job ${id} on server B`,
      });
    }
    expect(started.slice(2).sort()).toEqual(['0@1', '1@1']);
  });
});
