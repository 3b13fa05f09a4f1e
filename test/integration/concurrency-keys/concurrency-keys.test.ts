import { IsInt, IsString } from 'class-validator';
import {
  InvalidConcurrencyKeyError,
  InvalidOptionsError,
  JOB_SCHEDULER,
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
} from '../../../src';
import type { JobRecord } from '../../../src/storage/job-record';
import { toJobDetail } from '../../../src/dashboard/queries/to-api';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { DocketClient } from '../../../src/client';
import { startDashboard } from '../../../src/dashboard';
import { conformanceFetch } from '../dashboard/openapi-conformance';

/** Each run of a job: its key, when it started and ended (an ordinal clock of events). */
interface Run {
  readonly key: string;
  readonly n: number;
  readonly attempt: number;
  start: number;
  end: number;
}

let tick = 0;
let runs: Run[] = [];
/** Jobs whose first attempt fails (to test FIFO under retries). */
let failFirst = new Set<number>();
/** Handlers block until released, one at a time (the test decides the interleaving). */
let gate: Array<() => void> = [];
let blocking = false;

async function record(key: string, n: number, attempt: number): Promise<void> {
  const run: Run = { key, n, attempt, start: ++tick, end: 0 };
  runs.push(run);
  try {
    if (blocking) await new Promise<void>((resolve) => gate.push(resolve));
    else await new Promise((resolve) => setImmediate(resolve));
    if (attempt === 1 && failFirst.has(n)) throw new Error(`first attempt of ${n} fails`);
  } finally {
    run.end = ++tick;
  }
}

@Job('keys.order-step')
class OrderStep implements IJob {
  @IsString() orderId!: string;
  @IsInt() n!: number;
}

@JobHandler(OrderStep, {
  concurrencyKey: { key: (job) => `order:${job.orderId}` },
  backoff: { baseMs: 0 },
})
class OrderStepHandler implements IJobHandler<OrderStep> {
  handle(job: OrderStep, context: JobContext): Promise<void> {
    return record(`order:${job.orderId}`, job.n, context.attempt);
  }
}

@Job('keys.ledger-entry')
class LedgerEntry implements IJob {
  @IsString() account!: string;
  @IsInt() n!: number;
}

@JobHandler(LedgerEntry, {
  concurrencyKey: { key: (job) => `account:${job.account}`, order: 'fifo' },
  retries: 2,
  backoff: { baseMs: 0 },
})
class LedgerEntryHandler implements IJobHandler<LedgerEntry> {
  handle(job: LedgerEntry, context: JobContext): Promise<void> {
    return record(`account:${job.account}`, job.n, context.attempt);
  }
}

@Job('keys.plain')
class PlainJob implements IJob {
  @IsString() tag!: string;
  @IsInt() n!: number;
}

@JobHandler(PlainJob)
class PlainHandler implements IJobHandler<PlainJob> {
  handle(job: PlainJob, context: JobContext): Promise<void> {
    return record(job.tag, job.n, context.attempt);
  }
}

@Job('keys.bad-key')
class BadKeyJob implements IJob {
  @IsString() mode!: 'number' | 'throw';
}

@JobHandler(BadKeyJob, {
  concurrencyKey: {
    key: (job) => {
      if (job.mode === 'throw') throw new Error('no key for this job');
      return 42 as unknown as string;
    },
  },
})
class BadKeyHandler implements IJobHandler<BadKeyJob> {
  handle(): Promise<void> {
    return Promise.resolve();
  }
}

const HANDLERS = [OrderStepHandler, LedgerEntryHandler, PlainHandler, BadKeyHandler];

/** The largest number of runs of one key that overlapped in time. */
function peakPerKey(all: readonly Run[]): Map<string, number> {
  const peaks = new Map<string, number>();
  const byKey = new Map<string, Run[]>();
  for (const run of all) byKey.set(run.key, [...(byKey.get(run.key) ?? []), run]);
  for (const [key, list] of byKey) {
    const events = list.flatMap((run) => [
      { at: run.start, by: 1 },
      { at: run.end, by: -1 },
    ]);
    events.sort((a, b) => a.at - b.at);
    let now = 0;
    let peak = 0;
    for (const event of events) peak = Math.max(peak, (now += event.by));
    peaks.set(key, peak);
  }
  return peaks;
}

describe('concurrency keys', () => {
  let db: TestDatabase;
  const dockets: Docket[] = [];
  let scheduler: IJobScheduler;

  async function startServers(count: number, options: object = {}): Promise<void> {
    for (let i = 0; i < count; i++) {
      const { docket, container } = await createTestDocket(db, { handlers: HANDLERS });
      dockets.push(docket);
      scheduler = container.resolve(JOB_SCHEDULER);
      await docket.startServer({ ...FAST_SERVER, concurrency: 10, ...options });
    }
  }

  function jobs() {
    return db.client.db(db.dbName).collection<JobRecord>('docket.jobs');
  }

  async function allSucceeded(ids: readonly string[]): Promise<boolean> {
    const done = await jobs().countDocuments({ _id: { $in: [...ids] }, state: 'succeeded' });
    return done === ids.length;
  }

  /**
   * Lets the blocked handlers end one at a time until every job succeeded, checking the runs
   * open at every step.
   */
  async function drain(ids: readonly string[], check: (open: Run[]) => void): Promise<void> {
    for (;;) {
      const next = await waitFor(
        async () => (gate.length > 0 ? 'run' : (await allSucceeded(ids)) ? 'done' : null),
        { what: 'a running job, or every job done' },
      );
      if (next === 'done') return;
      check(runs.filter((run) => run.end === 0));
      gate.shift()!();
    }
  }

  beforeAll(async () => {
    db = await openTestDatabase('concurrency_keys');
  });

  beforeEach(() => {
    tick = 0;
    runs = [];
    failFirst = new Set();
    gate = [];
    blocking = false;
  });

  afterEach(async () => {
    blocking = false;
    gate.splice(0).forEach((release) => release());
    await Promise.all(dockets.splice(0).map((docket) => docket.close()));
    await db.client.db(db.dbName).dropDatabase();
  });

  afterAll(() => db.cleanup());

  it('stores the key computed by the handler, and the one given to enqueue instead', async () => {
    await startServers(0);
    const { docket } = await createTestDocket(db, { handlers: HANDLERS });
    dockets.push(docket);
    const computed = await docket.scheduler.schedule(
      Object.assign(new OrderStep(), { orderId: 'A-1', n: 1 }),
      { delayMs: 60_000 },
    );
    const given = await docket.scheduler.schedule(
      Object.assign(new OrderStep(), { orderId: 'A-1', n: 2 }),
      { delayMs: 60_000 },
      { concurrencyKey: { key: 'custom', limit: 3 } },
    );
    const fifo = await docket.scheduler.schedule(
      Object.assign(new LedgerEntry(), { account: 'acc', n: 3 }),
      { delayMs: 60_000 },
    );
    const stored = await jobs()
      .find({}, { projection: { concurrencyKey: 1, keyLimit: 1, keyFifo: 1 } })
      .toArray();
    const byId = new Map(stored.map((job) => [job._id, job]));
    expect(byId.get(computed)).toEqual({ _id: computed, concurrencyKey: 'order:A-1', keyLimit: 1 });
    expect(byId.get(given)).toEqual({ _id: given, concurrencyKey: 'custom', keyLimit: 3 });
    expect(byId.get(fifo)).toEqual({
      _id: fifo,
      concurrencyKey: 'account:acc',
      keyLimit: 1,
      keyFifo: true,
    });
    // The REST representation (GET api/jobs/{id}, DocketClient.getJob) shows it.
    const details = (await jobs().find().toArray()).map(toJobDetail);
    expect(details.map((detail) => [detail.id, detail.concurrencyKey])).toEqual(
      expect.arrayContaining([
        [computed, { key: 'order:A-1', limit: 1, order: 'any' }],
        [given, { key: 'custom', limit: 3, order: 'any' }],
        [fifo, { key: 'account:acc', limit: 1, order: 'fifo' }],
      ]),
    );
  });

  it('takes a key over REST, and answers 422 when the key or the key function is bad', async () => {
    const { docket } = await createTestDocket(db, { handlers: HANDLERS });
    dockets.push(docket);
    const dashboard = await startDashboard(docket);
    const conformance = conformanceFetch('/');
    const client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
    try {
      const { id } = await client.enqueueJob({
        type: 'keys.order-step',
        payload: { orderId: 'R-1', n: 1 },
        delayMs: 60_000,
        concurrencyKey: { key: 'tenant:7', limit: 2 },
      });
      expect((await client.getJob(id)).concurrencyKey).toEqual({
        key: 'tenant:7',
        limit: 2,
        order: 'any',
      });
      const before = await jobs().countDocuments();
      // A key given that is no key, and a handler's key function that throws.
      await expect(
        client.enqueueJob({
          type: 'keys.order-step',
          payload: { orderId: 'R-2', n: 2 },
          concurrencyKey: { key: '' },
        }),
      ).rejects.toMatchObject({ status: 422, apiCode: 'INVALID_CONCURRENCY_KEY' });
      await expect(
        client.enqueueJob({ type: 'keys.bad-key', payload: { mode: 'throw' } }),
      ).rejects.toMatchObject({
        status: 422,
        apiCode: 'INVALID_CONCURRENCY_KEY',
        details: { jobType: 'keys.bad-key' },
      });
      await expect(
        client.enqueueJob({
          type: 'keys.order-step',
          payload: { orderId: 'R-3', n: 3 },
          concurrencyKey: { key: 'k', order: 'lifo' as 'fifo' },
        }),
      ).rejects.toMatchObject({ status: 400, details: { field: 'concurrencyKey.order' } });
      expect(await jobs().countDocuments()).toBe(before);
      expect(conformance.problems).toEqual([]);
    } finally {
      await dashboard.close();
    }
  });

  it('runs at most one job of a key at once across 3 servers, without holding back other keys', async () => {
    blocking = true;
    const { docket: enqueuer } = await createTestDocket(db, { handlers: HANDLERS });
    dockets.push(enqueuer);
    // Stored before the servers start: all three meet the backlog of both keys at once.
    const ids = await enqueuer.scheduler.enqueueMany(
      Array.from({ length: 12 }, (_, n) =>
        Object.assign(new OrderStep(), { orderId: n % 2 === 0 ? 'A' : 'B', n }),
      ),
    );
    await startServers(3);
    // Both keys run one job each at once (B is not held back by A), never two of one key.
    await waitFor(() => gate.length === 2, { what: 'one job of each key to run' });
    await drain(ids, (open) => expect(new Set(open.map((run) => run.key)).size).toBe(open.length));
    for (const peak of peakPerKey(runs).values()) expect(peak).toBe(1);
  });

  it('runs up to the limit a key was enqueued with (a semaphore)', async () => {
    await startServers(2);
    blocking = true;
    const ids = await scheduler.enqueueMany(
      Array.from({ length: 8 }, (_, n) => Object.assign(new PlainJob(), { tag: 'sem', n })),
      { concurrencyKey: { key: 'sem', limit: 3 } },
    );
    await waitFor(() => gate.length === 3, { what: 'three jobs of the key to run' });
    await drain(ids, (open) => expect(open.length).toBeLessThanOrEqual(3));
    expect(peakPerKey(runs).get('sem')).toBe(3);
  });

  it('runs the jobs of a FIFO key in enqueue order, a failed one retried before the next starts', async () => {
    failFirst = new Set([2, 5]);
    const { docket, container } = await createTestDocket(db, { handlers: HANDLERS });
    dockets.push(docket);
    scheduler = container.resolve(JOB_SCHEDULER);
    const ids: string[] = [];
    for (let n = 0; n < 8; n++) {
      for (const account of ['x', 'y']) {
        ids.push(await scheduler.enqueue(Object.assign(new LedgerEntry(), { account, n })));
      }
    }
    // Several servers, started after the enqueues, all see the whole backlog at once.
    await Promise.all(
      [0, 1, 2].map(async () => {
        const { docket: other } = await createTestDocket(db, { handlers: HANDLERS });
        dockets.push(other);
        await other.startServer({ ...FAST_SERVER, concurrency: 10 });
      }),
    );
    // Four servers on one key's serial runs take 2-5 s on a loaded machine: room to spare.
    await waitFor(() => allSucceeded(ids), { what: 'every entry to succeed', timeoutMs: 30_000 });
    for (const account of ['x', 'y']) {
      const ofKey = runs.filter((run) => run.key === `account:${account}`);
      ofKey.sort((a, b) => a.start - b.start);
      // 8 jobs, two of them twice: in enqueue order, each retry before the next job.
      expect(ofKey.map((run) => `${run.n}.${run.attempt}`)).toEqual([
        '0.1',
        '1.1',
        '2.1',
        '2.2',
        '3.1',
        '4.1',
        '5.1',
        '5.2',
        '6.1',
        '7.1',
      ]);
      for (let i = 1; i < ofKey.length; i++)
        expect(ofKey[i].start).toBeGreaterThan(ofKey[i - 1].end);
    }
  });

  it('leaves no key document and no index entry behind once the jobs of 1,000 distinct keys are done', async () => {
    jest.setTimeout(120_000);
    await startServers(2, { concurrency: 50 });
    const ids = await scheduler.enqueueMany([
      ...Array.from({ length: 500 }, (_, n) =>
        Object.assign(new OrderStep(), { orderId: `o${n}`, n }),
      ),
      ...Array.from({ length: 500 }, (_, n) =>
        Object.assign(new LedgerEntry(), { account: `a${n}`, n }),
      ),
    ]);
    await waitFor(() => allSucceeded(ids), { what: 'every job to succeed', timeoutMs: 90_000 });
    const database = db.client.db(db.dbName);
    // A key is given back just after its job's outcome is stored: wait for the last releases.
    await waitFor(
      async () =>
        (await database.collection('docket.keys').countDocuments({ _id: /^key:/ } as never)) === 0,
      { what: 'every key to be released' },
    );
    // The partial index holds exactly the documents its filter matches.
    expect(
      await jobs().countDocuments(
        { keyFifo: true, finishedAt: { $type: 'null' } },
        { hint: 'fifo-key' },
      ),
    ).toBe(0);
  });

  describe('bad keys fail the enqueue with a typed error and store nothing', () => {
    let docket: Docket;

    beforeEach(async () => {
      ({ docket } = await createTestDocket(db, { handlers: HANDLERS }));
      dockets.push(docket);
    });

    afterEach(async () => {
      expect(await jobs().countDocuments()).toBe(0);
    });

    it.each([
      ['empty', { key: '' }],
      ['too long', { key: 'k'.repeat(201) }],
      ['with a control character', { key: 'order:\n1' }],
      ['not a string', { key: 42 }],
    ])('an enqueue key that is %s', async (_, concurrencyKey) => {
      await expect(
        docket.scheduler.enqueue(Object.assign(new PlainJob(), { tag: 't', n: 1 }), {
          concurrencyKey: concurrencyKey as never,
        }),
      ).rejects.toBeInstanceOf(InvalidConcurrencyKeyError);
    });

    it('a key function that returns a number, or throws', async () => {
      const numeric = docket.scheduler.enqueue(Object.assign(new BadKeyJob(), { mode: 'number' }));
      await expect(numeric).rejects.toMatchObject({
        code: 'INVALID_CONCURRENCY_KEY',
        jobType: 'keys.bad-key',
        message: expect.stringContaining('got 42'),
      });
      const throwing = docket.scheduler.enqueue(Object.assign(new BadKeyJob(), { mode: 'throw' }));
      await expect(throwing).rejects.toMatchObject({
        code: 'INVALID_CONCURRENCY_KEY',
        message: expect.stringContaining('no key for this job'),
      });
    });

    it('a limit out of bounds, an unknown order, or FIFO with a limit above 1', async () => {
      const job = Object.assign(new PlainJob(), { tag: 't', n: 1 });
      for (const concurrencyKey of [
        { key: 'k', limit: 0 },
        { key: 'k', limit: 1.5 },
        { key: 'k', order: 'lifo' },
        { key: 'k', limit: 2, order: 'fifo' },
        { key: 'k', extra: true },
      ]) {
        await expect(
          docket.scheduler.enqueue(job, { concurrencyKey: concurrencyKey as never }),
        ).rejects.toBeInstanceOf(InvalidOptionsError);
      }
    });
  });
});
