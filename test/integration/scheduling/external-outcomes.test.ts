import { IsString } from 'class-validator';
import {
  InvalidOptionsError,
  JOB_SCHEDULER,
  Job,
  JobHandler,
  NonSerializableResultError,
  type Docket,
  type DocketEvents,
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

@Job('external.charge')
class ChargeJob implements IJob {
  @IsString() order!: string;
}

let behaviour: (ctx: JobContext) => Promise<unknown> = async () => undefined;
const runs: string[] = [];

@JobHandler(ChargeJob, { retries: 0 })
class ChargeHandler implements IJobHandler<ChargeJob, unknown> {
  handle(_job: ChargeJob, ctx: JobContext): Promise<unknown> {
    runs.push(ctx.jobId);
    return behaviour(ctx);
  }
}

const charge = (order: string) => Object.assign(new ChargeJob(), { order });
const LATER = { delayMs: 3_600_000 } as const;

describe('outcomes reported from outside: markSucceeded, markFailed', () => {
  let db: TestDatabase;
  let docket: Docket;
  let scheduler: IJobScheduler;
  let store: MongoJobStore;
  const succeededEvents: Array<DocketEvents['job.succeeded']> = [];
  const failedEvents: Array<DocketEvents['job.failed']> = [];

  const jobs = () => db.client.db(db.dbName).collection<JobRecord>('docket.jobs');
  const read = async (id: string) => (await docket.getJob(id))!;

  beforeAll(async () => {
    db = await openTestDatabase('external_outcomes');
    const created = await createTestDocket(db, { handlers: [ChargeHandler] });
    docket = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
    store = new MongoJobStore(db.client.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
    docket.on('job.succeeded', (event) => succeededEvents.push(event));
    docket.on('job.failed', (event) => failedEvents.push(event));
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    behaviour = async () => undefined;
    runs.length = 0;
    succeededEvents.length = 0;
    failedEvents.length = 0;
    await jobs().deleteMany({});
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  it('markSucceeded finishes a waiting job with its result: waits, events and continuations follow', async () => {
    const id = await scheduler.schedule(charge('o-1'), LATER);
    const child = await scheduler.continueWith(id, charge('o-1-receipt'));
    const waited = scheduler.waitForJob(id);
    await expect(scheduler.markSucceeded(id, { result: { receipt: 'r-9' } })).resolves.toBe(true);
    await expect(waited).resolves.toMatchObject({ state: 'succeeded', result: { receipt: 'r-9' } });
    const job = await read(id);
    expect(job).toMatchObject({ state: 'succeeded', leaseOwner: null, durationMs: null });
    expect(job.finishedAt).toBeInstanceOf(Date);
    expect(job.expireAt).toBeInstanceOf(Date);
    expect(job.history.at(-1)).toMatchObject({
      state: 'succeeded',
      reason: 'marked succeeded by a caller',
    });
    expect(succeededEvents).toEqual([
      {
        jobId: id,
        jobType: 'external.charge',
        queue: 'default',
        attempt: 0,
        durationMs: 0,
        external: true,
      },
    ]);
    expect(await read(child)).toMatchObject({
      state: 'enqueued',
      parentResult: { receipt: 'r-9' },
    });
    expect(runs).toEqual([]);
  });

  it('markFailed fails a waiting job for good: its uniqueKey frees, its continuations follow their policy', async () => {
    const id = await scheduler.enqueue(charge('o-2'), { uniqueKey: 'charge:o-2' });
    const cancelled = await scheduler.continueWith(id, charge('c'));
    const runAnyway = await scheduler.continueWith(id, charge('r'), { onParentFailure: 'run' });
    const waited = scheduler.waitForJob(id);
    await expect(scheduler.markFailed(id, { message: 'card declined' })).resolves.toBe(true);
    await expect(waited).resolves.toMatchObject({
      state: 'failed',
      error: { name: 'ExternalFailure', message: 'card declined' },
    });
    expect((await read(id)).history.at(-1)).toMatchObject({
      state: 'failed',
      reason: 'marked failed by a caller: card declined',
    });
    expect(failedEvents).toEqual([
      {
        jobId: id,
        jobType: 'external.charge',
        queue: 'default',
        attempt: 0,
        error: { name: 'ExternalFailure', message: 'card declined' },
        external: true,
      },
    ]);
    expect((await read(cancelled)).state).toBe('deleted');
    expect((await read(runAnyway)).state).toBe('enqueued');
    const next = await scheduler.enqueue(charge('o-2'), { uniqueKey: 'charge:o-2' });
    expect(next).not.toBe(id);
  });

  it('a running job marked from outside loses its lease: its handler is aborted at once and its late outcome dropped', async () => {
    const aborted: string[] = [];
    const leaseLost: string[] = [];
    docket.on('job.leaseLost', ({ jobId }) => leaseLost.push(jobId));
    behaviour = (ctx) =>
      new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          aborted.push(ctx.jobId);
          // The handler ends as if it succeeded with a result of its own.
          resolve({ receipt: 'from-the-handler' });
        });
      });
    // Heartbeats far apart: this process's server hears of the outcome from its event.
    const server = await docket.startServer({
      ...FAST_SERVER,
      leaseMs: 60_000,
      heartbeatIntervalMs: 20_000,
    });
    try {
      const id = await scheduler.enqueue(charge('o-3'));
      const running = await waitFor(async () => {
        const job = await read(id);
        return job.state === 'processing' ? job : null;
      });
      await expect(scheduler.markSucceeded(id, { result: { receipt: 'external' } })).resolves.toBe(
        true,
      );
      // Aborted at once, long before a heartbeat would find the lease gone.
      await waitFor(() => aborted.includes(id) && leaseLost.includes(id), { timeoutMs: 5_000 });
      const job = await read(id);
      expect(job).toMatchObject({ state: 'succeeded', result: { receipt: 'external' } });
      expect(job.fence).toBe(running.fence + 1);
      expect(job.durationMs).toBeGreaterThanOrEqual(0);
      expect(job.history.filter((entry) => entry.state === 'succeeded')).toHaveLength(1);
      // The attempt's own outcome write matches nothing, and is not mistaken for an earlier try.
      await expect(
        store.finish(
          { jobId: id, fence: running.fence },
          { state: 'succeeded', durationMs: 1 },
          's',
          new Date(),
        ),
      ).resolves.toBeNull();
      expect(succeededEvents.filter((event) => event.jobId === id)).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });

  it("a batch counts a marked job as it counts a handler's outcome", async () => {
    const batchId = await scheduler.createBatch({
      jobs: [charge('b-1'), charge('b-2')],
      options: { delayMs: 3_600_000 },
    });
    const ids = (await jobs().find({ batchId }).toArray()).map((job) => job._id);
    await scheduler.markSucceeded(ids[0]);
    expect(await scheduler.getBatch(batchId)).toMatchObject({
      state: 'started',
      succeeded: 1,
      pending: 1,
    });
    await scheduler.markFailed(ids[1], { message: 'gone' });
    expect(await scheduler.getBatch(batchId)).toMatchObject({
      state: 'finished',
      succeeded: 1,
      failed: 1,
    });
  });

  it('a claim between the read and the write: the mark takes the running attempt instead', async () => {
    const id = await scheduler.enqueue(charge('o-4'));
    let claimed: JobRecord | null = null;
    const mark = MongoJobStore.prototype.markOutcome;
    jest.spyOn(MongoJobStore.prototype, 'markOutcome').mockImplementation(async function (
      this: MongoJobStore,
      ...args
    ) {
      claimed ??= await store.claim({
        queues: ['default'],
        jobTypes: ['external.charge'],
        serverId: 'racer',
        leaseMs: 60_000,
        now: new Date(),
      });
      return mark.apply(this, args);
    });
    await expect(scheduler.markFailed(id, { message: 'refunded' })).resolves.toBe(true);
    expect(claimed).toMatchObject({ _id: id, state: 'processing' });
    expect(await read(id)).toMatchObject({ state: 'failed', fence: claimed!.fence + 1 });
    expect(await store.extendLeases([{ jobId: id, fence: claimed!.fence }], 60_000)).toEqual([
      { jobId: id, fence: claimed!.fence, state: 'failed' },
    ]);
  });

  it('refuses finished and unknown jobs with false, and bad arguments with typed errors', async () => {
    const id = await scheduler.schedule(charge('o-5'), LATER);
    const done = await scheduler.schedule(charge('o-6'), LATER);
    await scheduler.markSucceeded(done);
    const before = await read(id);
    await expect(scheduler.markSucceeded(done)).resolves.toBe(false);
    await expect(scheduler.markFailed(done, { message: 'x' })).resolves.toBe(false);
    await expect(scheduler.markSucceeded('no-such-job')).resolves.toBe(false);
    const invalid = [
      () => scheduler.markSucceeded(''),
      () => scheduler.markSucceeded(id, { outcome: 1 } as never),
      () => scheduler.markFailed(id, undefined as never),
      () => scheduler.markFailed(id, { message: '' }),
      () => scheduler.markFailed(id, { message: 'x'.repeat(4_001) }),
    ];
    for (const call of invalid) await expect(call()).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(scheduler.markSucceeded(id, { result: { run: () => 1 } })).rejects.toBeInstanceOf(
      NonSerializableResultError,
    );
    expect(await read(id)).toEqual(before);
  });
});
