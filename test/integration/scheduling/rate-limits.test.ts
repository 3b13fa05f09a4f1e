import { IsInt } from 'class-validator';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
} from '../../../src';
import { MongoRateLimitStore } from '../../../src/storage/mongo/mongo-rate-limit-store';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { maxStartsInAnyWindow } from '../../helpers/rate-windows';

const HOUR = 3_600_000;

@Job('rate-limits.hourly')
class HourlyJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(HourlyJob, { rateLimit: { max: 3, intervalMs: HOUR } })
class HourlyHandler implements IJobHandler<HourlyJob> {
  async handle(): Promise<void> {}
}

@Job('rate-limits.burst')
class BurstJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(BurstJob, { rateLimit: { max: 3, intervalMs: 300 } })
class BurstHandler implements IJobHandler<BurstJob> {
  async handle(): Promise<void> {}
}

@Job('rate-limits.plain')
class PlainJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(PlainJob)
class PlainHandler implements IJobHandler<PlainJob> {
  async handle(): Promise<void> {}
}

const hourly = (n: number) => Object.assign(new HourlyJob(), { n });
const burst = (n: number) => Object.assign(new BurstJob(), { n });
const plain = (n: number) => Object.assign(new PlainJob(), { n });

describe('rate limits', () => {
  let db: TestDatabase;
  const dockets: Docket[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('rate_limits');
  });

  afterEach(async () => {
    await Promise.all(dockets.splice(0).map((docket) => docket.close()));
  });

  afterAll(async () => {
    await db.cleanup();
  });

  async function start(prefix: string, server: object = {}): Promise<[Docket, IJobScheduler]> {
    const { docket, container } = await createTestDocket(db, {
      collectionPrefix: prefix,
      handlers: [HourlyHandler, BurstHandler, PlainHandler],
    });
    dockets.push(docket);
    await docket.startServer({ ...FAST_SERVER, ...server });
    return [docket, container.resolve(JOB_SCHEDULER)];
  }

  const jobs = (prefix: string) => db.client.db(db.dbName).collection(`${prefix}jobs`);

  describe('the shared log', () => {
    const limits = () => new MongoRateLimitStore(db.client.db(db.dbName), 'log.');

    it('concurrent reservations never grant more than max in a window', async () => {
      const store = limits();
      const limit = { max: 10, intervalMs: HOUR };
      const reservations = await Promise.all(
        Array.from({ length: 40 }, () => store.reserve('type:concurrent', limit, 3, 1_000)),
      );
      expect(reservations.reduce((sum, r) => sum + r.granted, 0)).toBe(10);
      // Every reservation that got less than it asked for learns the window is full.
      for (const r of reservations.filter((r) => r.granted < 3))
        expect(r.waitMs).toBeGreaterThan(0);
      const [info] = (await store.list()).filter((l) => l.name === 'concurrent');
      expect(info).toMatchObject({ scope: 'type', max: 10, intervalMs: HOUR, used: 10 });
      expect(info.throttledUntil).toBeInstanceOf(Date);
    });

    it('settling gives back the starts a claim did not use', async () => {
      const store = limits();
      const limit = { max: 5, intervalMs: HOUR };
      const first = await store.reserve('queue:settle', limit, 5, 1_000);
      expect(first.granted).toBe(5);
      expect((await store.reserve('queue:settle', limit, 1, 1_000)).granted).toBe(0);
      await store.settle('queue:settle', first.token, 2);
      const second = await store.reserve('queue:settle', limit, 5, 1_000);
      expect(second.granted).toBe(3);
      await store.settle('queue:settle', second.token, 0);
      const [info] = (await store.list()).filter((l) => l.name === 'settle');
      expect(info).toMatchObject({ scope: 'queue', used: 2, throttledUntil: null });
    });
  });

  it('jobs over a type limit stay enqueued, unclaimed, no attempt spent', async () => {
    const [docket, scheduler] = await start('over.');
    const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => scheduler.enqueue(hourly(n))));
    await waitFor(async () => (await jobs('over.').countDocuments({ state: 'succeeded' })) === 3, {
      what: 'three jobs to run',
    });
    const limit = await waitFor(
      async () => (await docket.listRateLimits()).find((l) => l.name === 'rate-limits.hourly'),
      { what: 'the limit to be listed' },
    );
    expect(limit).toMatchObject({ scope: 'type', max: 3, used: 3 });
    expect(limit.throttledUntil).toBeInstanceOf(Date);
    const waiting = await jobs('over.')
      .find({ _id: { $in: ids as never[] }, state: 'enqueued' })
      .toArray();
    expect(waiting).toHaveLength(2);
    for (const job of waiting) {
      expect(job.attempt).toBe(0);
      expect(job.history.map((h: { state: string }) => h.state)).toEqual(['enqueued']);
    }
    // Other types are not held up behind the throttled ones.
    const other = await scheduler.enqueue(plain(1));
    await waitFor(async () => (await docket.getJob(other))?.state === 'succeeded', {
      what: 'an unlimited job to run',
    });
  });

  it('a queue limit holds jobs of every type in the queue; other queues run', async () => {
    const [docket, scheduler] = await start('queue.', {
      queues: ['limited', 'default'],
      queueRateLimits: { limited: { max: 2, intervalMs: HOUR } },
    });
    const limited = await Promise.all(
      [1, 2, 3, 4].map((n) => scheduler.enqueue(plain(n), { queue: 'limited' })),
    );
    await waitFor(
      async () =>
        (await jobs('queue.').countDocuments({ queue: 'limited', state: 'succeeded' })) === 2,
      { what: 'two jobs of the limited queue' },
    );
    const free = await Promise.all([5, 6, 7].map((n) => scheduler.enqueue(plain(n))));
    await waitFor(
      async () =>
        (await Promise.all(free.map((id) => docket.getJob(id)))).every(
          (job) => job?.state === 'succeeded',
        ),
      { what: 'the jobs of the other queue' },
    );
    const waiting = await jobs('queue.')
      .find({ _id: { $in: limited as never[] }, state: 'enqueued', attempt: 0 })
      .toArray();
    expect(waiting).toHaveLength(2);
    expect((await docket.listRateLimits()).find((l) => l.scope === 'queue')).toMatchObject({
      name: 'limited',
      max: 2,
      used: 2,
    });
  });

  it('throttled jobs run when the window frees, each on its first attempt, within the limit', async () => {
    const [, scheduler] = await start('burst.', { concurrency: 20 });
    const ids = await Promise.all(
      Array.from({ length: 12 }, (_, n) => scheduler.enqueue(burst(n))),
    );
    await waitFor(
      async () =>
        (await jobs('burst.').countDocuments({
          _id: { $in: ids as never[] },
          state: 'succeeded',
        })) === 12,
      { what: 'the throttled jobs to run', timeoutMs: 20_000 },
    );
    const done = await jobs('burst.')
      .find({ _id: { $in: ids as never[] } })
      .toArray();
    expect(done.map((job) => job.attempt)).toEqual(done.map(() => 1));
    expect(
      maxStartsInAnyWindow(
        done.map((job) => job.startedAt as Date),
        300,
      ),
    ).toBeLessThanOrEqual(3);
  });
});
