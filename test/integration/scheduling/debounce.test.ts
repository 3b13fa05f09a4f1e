import { IsInt, IsString } from 'class-validator';
import {
  EnqueueJobCommand,
  handleJobCommand,
  InvalidOptionsError,
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
} from '../../../src';
import { DocketClient } from '../../../src/client';
import { startDashboard } from '../../../src/dashboard';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { MongoJobStore } from '../../../src/storage/mongo/mongo-job-store';
import { RETENTION_DEFAULTS } from '../../../src/storage/retention';

@Job('debounce-it.reindex')
class ReindexJob implements IJob {
  @IsString() index!: string;
  @IsInt() n!: number;
}

/** Blocks each run until the test releases it, and records what ran. */
const gate = { ran: [] as number[], opened: Promise.resolve() };

@JobHandler(ReindexJob, { retries: 0 })
class ReindexHandler implements IJobHandler<ReindexJob> {
  async handle(job: ReindexJob): Promise<void> {
    gate.ran.push(job.n);
    await gate.opened;
  }
}

const reindex = (n: number, index = 'products') => Object.assign(new ReindexJob(), { index, n });
const WINDOW = { windowMs: 60_000 };

/**
 * Debounced enqueues: enqueues of one key fold into one pending job, which takes the last
 * payload and waits a window after the last enqueue; race-safe across Docket instances
 * (processes) sharing the database; a claimed job leaves the key free.
 */
describe('debounced enqueue', () => {
  let db: TestDatabase;
  let first: Docket;
  let second: Docket;
  const jobsWithKey = (key: string) =>
    first.database.collection(`${first.collectionPrefix}jobs`).find({ debounceKey: key }).toArray();

  beforeAll(async () => {
    db = await openTestDatabase('debounce');
    ({ docket: first } = await createTestDocket(db, { handlers: [ReindexHandler] }));
    // A second instance on the same collections: another process, as far as MongoDB knows.
    ({ docket: second } = await createTestDocket(db, { handlers: [ReindexHandler] }));
  });

  afterAll(async () => {
    await first.close();
    await second.close();
    await db.cleanup();
  });

  it('folds a second enqueue into the pending job: last payload, due a window after it', async () => {
    const before = Date.now();
    const id = await first.scheduler.enqueue(reindex(1), {
      debounce: { key: 'products', ...WINDOW },
    });
    const firstDue = (await first.getJob(id))!.dueAt;
    expect(firstDue.getTime()).toBeGreaterThanOrEqual(before + WINDOW.windowMs);
    const again = await second.scheduler.enqueue(reindex(2), {
      debounce: { key: 'products', ...WINDOW },
      priority: 7,
    });
    expect(again).toBe(id);
    const job = (await first.getJob(id))!;
    expect(job).toMatchObject({ state: 'scheduled', payload: { n: 2 }, priority: 7, attempt: 0 });
    expect(job.dueAt.getTime()).toBeGreaterThanOrEqual(firstDue.getTime());
    expect(job.history.map((entry) => entry.state)).toEqual(['scheduled', 'scheduled']);
    expect(await jobsWithKey('products')).toHaveLength(1);
    // The index makes a second pending job of the key impossible, whoever writes it.
    const copy = { ...job, _id: 'another' };
    await expect(
      first.database.collection(`${first.collectionPrefix}jobs`).insertOne(copy as never),
    ).rejects.toMatchObject({ code: 11000 });
    // Another key is another job.
    const other = await first.scheduler.enqueue(reindex(3, 'orders'), {
      debounce: { key: 'orders', ...WINDOW },
    });
    expect(other).not.toBe(id);
  });

  it('leaves one job for 50 concurrent enqueues from two processes, the last write whole', async () => {
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        (n % 2 === 0 ? first : second).scheduler.enqueue(reindex(n, 'burst'), {
          debounce: { key: 'burst', ...WINDOW },
          priority: n,
        }),
      ),
    );
    expect(new Set(ids).size).toBe(1);
    const [job] = await jobsWithKey('burst');
    expect(await jobsWithKey('burst')).toHaveLength(1);
    // One enqueue's payload and options together, never a mix of two.
    expect(job.payload.n).toBe(job.priority);
    expect(job.history).toHaveLength(20); // the replacements kept, newest last
    // And after the burst, the next enqueue's payload is the job's.
    await second.scheduler.enqueue(reindex(99, 'burst'), {
      debounce: { key: 'burst', ...WINDOW },
    });
    const [after] = await jobsWithKey('burst');
    expect(after).toMatchObject({ _id: ids[0], payload: { n: 99 }, priority: 0 });
  });

  it('starts a new job once a server has taken the pending one', async () => {
    let release!: () => void;
    gate.opened = new Promise<void>((resolve) => (release = resolve));
    gate.ran = [];
    const server = await first.startServer({ ...FAST_SERVER, concurrency: 2 });
    try {
      const taken = await first.scheduler.enqueue(reindex(1, 'short'), {
        debounce: { key: 'short', windowMs: 20 },
      });
      await waitFor(async () => gate.ran.length === 1, { what: 'the server to take the job' });
      expect(gate.ran).toEqual([1]);
      const next = await first.scheduler.enqueue(reindex(2, 'short'), {
        debounce: { key: 'short', windowMs: 20 },
      });
      expect(next).not.toBe(taken);
      release();
      expect((await first.scheduler.waitForJob(taken, { timeoutMs: 10_000 })).state).toBe(
        'succeeded',
      );
      expect((await first.scheduler.waitForJob(next, { timeoutMs: 10_000 })).state).toBe(
        'succeeded',
      );
      expect(gate.ran).toEqual([1, 2]);
    } finally {
      release();
      await server.stop();
    }
  });

  it('debounces the enqueues a saga emits as commands', async () => {
    const command = (n: number) =>
      new EnqueueJobCommand(reindex(n, 'saga'), { debounce: { key: 'saga', ...WINDOW } });
    const firstId = await handleJobCommand(first.scheduler, command(1));
    const secondId = await handleJobCommand(second.scheduler, command(2));
    expect(secondId).toBe(firstId);
    expect((await first.getJob(firstId!))?.payload).toEqual({ index: 'saga', n: 2 });
  });

  it('debounces through the REST API and its typed client', async () => {
    const dashboard = await startDashboard(first);
    try {
      const client = new DocketClient({ baseUrl: dashboard.url });
      const request = (n: number) => ({
        type: 'debounce-it.reindex',
        payload: { index: 'rest', n },
        debounce: { key: 'rest', ...WINDOW },
      });
      const { id } = await client.enqueueJob(request(1));
      expect((await client.enqueueJob(request(2))).id).toBe(id);
      expect((await client.getJob(id)).payload).toEqual({ index: 'rest', n: 2 });
      await expect(client.enqueueJob({ ...request(3), delayMs: 10 })).rejects.toMatchObject({
        status: 400,
        details: { field: 'debounce' },
      });
    } finally {
      await dashboard.close();
    }
  });

  it('a batch claim that read the pending job before a fold no longer takes it', async () => {
    const store = new MongoJobStore(first.database, first.collectionPrefix, RETENTION_DEFAULTS);
    const options = { debounce: { key: 'race', ...WINDOW }, queue: 'debounce-race' };
    const id = await first.scheduler.enqueue(reindex(1, 'race'), options);
    // A server whose clock is past the window reads the pending job as a batch candidate...
    const request = {
      queues: ['debounce-race'],
      jobTypes: ['debounce-it.reindex'],
      serverId: 'race-claimer',
      leaseMs: 60_000,
      now: new Date(Date.now() + 10 * WINDOW.windowMs),
    };
    const candidates = await store.findClaimCandidates(request, 10);
    expect(candidates.map((job) => job._id)).toEqual([id]);
    // ...another enqueue folds into it before the claim...
    await expect(second.scheduler.enqueue(reindex(2, 'race'), options)).resolves.toBe(id);
    // ...so the claim must not take the job as read: it would run the payload folded over.
    expect((await store.claimCandidates(request, candidates)).jobs).toEqual([]);
    const next = await store.claimBatch(request, 10);
    expect(next.jobs.map((job) => job.payload)).toEqual([{ index: 'race', n: 2 }]);
  });

  it('refuses debounce where it cannot apply, writing nothing', async () => {
    const { scheduler } = first;
    const debounce = { key: 'refused', ...WINDOW };
    await expect(scheduler.enqueue(reindex(1), { debounce, uniqueKey: 'x' })).rejects.toThrow(
      'debounce does not go with uniqueKey',
    );
    await expect(scheduler.schedule(reindex(1), { delayMs: 10 }, { debounce })).rejects.toThrow(
      'debounce applies to enqueue only, not to schedule',
    );
    await expect(scheduler.enqueueMany([reindex(1)], { debounce })).rejects.toThrow(
      'not to enqueueMany',
    );
    await expect(
      scheduler.continueWith('000000000000000000000000', reindex(1), { debounce } as never),
    ).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(
      scheduler.enqueue(reindex(1), { debounce: { key: 'refused' } as never }),
    ).rejects.toThrow('debounce needs a key and a windowMs');
    await expect(
      scheduler.enqueue(reindex(1), { debounce: { key: 'refused', windowMs: 0 } }),
    ).rejects.toMatchObject({ option: 'debounce.windowMs' });
    await expect(
      scheduler.enqueue(reindex(1), { debounce: { key: '', windowMs: 5 } }),
    ).rejects.toMatchObject({ option: 'debounce.key' });
    expect(await jobsWithKey('refused')).toEqual([]);
  });
});
