import { IsInt } from 'class-validator';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { container as rootContainer } from 'tsyringe';
import {
  Docket,
  JOB_SCHEDULER,
  Job,
  JobHandler,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
} from '../../../src';
import { MongoJobStore } from '../../../src/storage/mongo/mongo-job-store';
import { RETENTION_DEFAULTS } from '../../../src/storage/retention';
import { FAST_SERVER } from '../../helpers/docket';
import { quietLogger } from '../../helpers/logger';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';

@Job('round-trips.noop')
class NoopJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(NoopJob)
class NoopHandler implements IJobHandler<NoopJob> {
  async handle(): Promise<void> {}
}

const noop = (n: number) => Object.assign(new NoopJob(), { n });

@Job('round-trips.rated')
class RatedJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(RatedJob, { rateLimit: { max: 10, intervalMs: 200 } })
class RatedHandler implements IJobHandler<RatedJob> {
  async handle(): Promise<void> {}
}

/** Counts the commands a client sends, by name, between `reset()` calls. */
class CommandCounter {
  readonly counts = new Map<string, number>();
  /** Reads of the jobs collection (claims, sweeps), whatever reset() did. */
  jobReads = 0;
  constructor(client: MongoClient) {
    client.on('commandStarted', (event: CommandStartedEvent) => {
      this.counts.set(event.commandName, (this.counts.get(event.commandName) ?? 0) + 1);
      if (event.commandName === 'find' && event.command.find === 'docket.jobs') this.jobReads++;
    });
  }
  reset(): void {
    this.counts.clear();
  }
  total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

describe('round trips per job (driver command monitoring)', () => {
  let db: TestDatabase;
  let client: MongoClient;
  let counter: CommandCounter;
  let docket: Docket;
  let scheduler: IJobScheduler;

  beforeAll(async () => {
    db = await openTestDatabase('round_trips');
    client = await new MongoClient(db.uri, { monitorCommands: true }).connect();
    counter = new CommandCounter(client);
    const container = rootContainer.createChildContainer();
    docket = await Docket.create({
      mongo: { client, dbName: db.dbName },
      container,
      handlers: [NoopHandler],
      logger: quietLogger(),
    });
    scheduler = container.resolve(JOB_SCHEDULER);
  });

  afterAll(async () => {
    await docket.close();
    await client.close();
    await db.cleanup();
  });

  const succeededCount = () =>
    db.client.db(db.dbName).collection('docket.jobs').countDocuments({ state: 'succeeded' });

  it('at low load a job costs its insert, one claim and one outcome write, nothing more', async () => {
    // Asked on an uncounted client: a replica set's servers watch for new work.
    const replicaSet = Boolean((await db.client.db('admin').command({ hello: 1 })).setName);
    // Long idle polls and beats: only the job's own commands fall inside the window.
    const server = await docket.startServer({
      ...FAST_SERVER,
      pollIntervalMs: 60_000,
      minPollIntervalMs: 60_000,
      heartbeatIntervalMs: 30_000,
      leaseMs: 60_000,
      recoveryIntervalMs: 60_000,
      queueRefreshIntervalMs: 60_000,
      recurringPollIntervalMs: 60_000,
    });
    try {
      // Let the start-up commands and the first empty claim pass.
      // Start-up reads the jobs collection twice: the recovery sweep's look for unresolved
      // continuations, then the first claim (a batch claim that finds nothing).
      await waitFor(() => counter.jobReads === 2, { what: 'the first empty claim' });
      counter.reset();
      const runJob = async (n: number): Promise<void> => {
        const succeeded = nextEvent((listener) => docket.on('job.succeeded', listener));
        await scheduler.enqueue(noop(n));
        await succeeded;
        await waitFor(() => server.runningCount === 0, { what: 'the job to leave the server' });
      };
      await runJob(1);
      // A claim the first job caused after its outcome (a follow-up probe, a wake-up by the
      // finished job) would be the claim loop's next: before the second job's own claim, so
      // within the count. Nothing else wakes the loop (long polls).
      await runJob(2);
      // Per job: insert, the producer's; findAndModify, the claim and the fenced outcome. On
      // a replica set the server's change stream also reads the inserts (getMores, as many
      // as its waits took: each lasts at most maxAwaitTimeMS), and does not claim again for
      // a job this process announced already.
      const { getMore = 0, ...perJob } = counter.toJSON();
      expect(perJob).toEqual({ insert: 2, findAndModify: 4 });
      if (!replicaSet) expect(getMore).toBe(0);
      process.stdout.write(
        `low load, commands for two jobs: ${JSON.stringify(counter.toJSON())}\n`,
      );
    } finally {
      await server.stop();
    }
  });

  it('while draining, batched claims and completions cost well under one command per job', async () => {
    const jobs = 1_000;
    await scheduler.enqueueMany(Array.from({ length: jobs }, (_, n) => noop(n)));
    const before = await succeededCount();
    counter.reset();
    const server = await docket.startServer({ ...FAST_SERVER, concurrency: 50 });
    try {
      await waitFor(async () => (await succeededCount()) - before === jobs, {
        timeoutMs: 60_000,
        intervalMs: 50,
      });
    } finally {
      await server.stop();
    }
    const perJob = counter.total() / jobs;
    process.stdout.write(
      `draining ${jobs} jobs at concurrency 50: ${perJob.toFixed(3)} commands per job ${JSON.stringify(counter.toJSON())}\n`,
    );
    expect(perJob).toBeLessThan(1);
  });

  it('at a rate limit, a claim costs a reservation and a settlement per window, not per job', async () => {
    let limitCommands = 0;
    const countLimitCommands = (event: CommandStartedEvent) => {
      const target = event.command[event.commandName];
      if (target === 'rated.rate-limits') limitCommands++;
    };
    client.on('commandStarted', countLimitCommands);
    const container = rootContainer.createChildContainer();
    const rated = await Docket.create({
      mongo: { client, dbName: db.dbName },
      collectionPrefix: 'rated.',
      container,
      handlers: [RatedHandler],
      logger: quietLogger(),
    });
    const jobs = 100;
    const ratedJobs = db.client.db(db.dbName).collection('rated.jobs');
    try {
      await container
        .resolve<IJobScheduler>(JOB_SCHEDULER)
        .enqueueMany(Array.from({ length: jobs }, (_, n) => Object.assign(new RatedJob(), { n })));
      counter.reset();
      limitCommands = 0;
      // Long beats and sweeps: the count is the claims' and the outcomes' (and the polls').
      const server = await rated.startServer({
        ...FAST_SERVER,
        concurrency: 50,
        leaseMs: 60_000,
        heartbeatIntervalMs: 30_000,
        recoveryIntervalMs: 60_000,
        queueRefreshIntervalMs: 60_000,
        recurringPollIntervalMs: 60_000,
      });
      try {
        await waitFor(
          async () => (await ratedJobs.countDocuments({ state: 'succeeded' })) === jobs,
          {
            timeoutMs: 60_000,
            intervalMs: 50,
          },
        );
      } finally {
        await server.stop();
      }
    } finally {
      await rated.close();
      client.off('commandStarted', countLimitCommands);
    }
    const perJob = counter.total() / jobs;
    process.stdout.write(
      `draining ${jobs} jobs at a rate limit of 10 per 200 ms: ${perJob.toFixed(3)} commands per job, ${(limitCommands / jobs).toFixed(3)} of them on the limit ${JSON.stringify(counter.toJSON())}\n`,
    );
    // At most 10 starts per window: one reservation and one settlement per window, about
    // 0.2 per job (a reservation that finds the window full settles nothing).
    expect(limitCommands / jobs).toBeLessThan(0.5);
    // With the claim's read and write and the outcomes (batched or not, with their read).
    expect(perJob).toBeLessThan(2);
  });

  it('batch claims never hand one job to two claimers, and fence every claim', async () => {
    const store = new MongoJobStore(db.client.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
    const ids = new Set(
      await scheduler.enqueueMany(Array.from({ length: 500 }, (_, n) => noop(n))),
    );
    const claimed: string[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        for (;;) {
          const { jobs: batch } = await store.claimBatch(
            {
              queues: ['default'],
              jobTypes: ['round-trips.noop'],
              serverId: `w${worker}`,
              leaseMs: 60_000,
              now: new Date(),
            },
            25,
          );
          if (batch.length === 0) {
            const left = await store.collection.countDocuments({
              _id: { $in: [...ids] },
              state: 'enqueued',
            });
            if (left === 0) return;
            continue;
          }
          for (const job of batch) {
            expect(job).toMatchObject({
              state: 'processing',
              leaseOwner: `w${worker}`,
              attempt: 1,
              fence: 1,
            });
            claimed.push(job._id);
          }
        }
      }),
    );
    expect(claimed).toHaveLength(500);
    expect(new Set(claimed)).toEqual(ids);
  });

  it('servers in different lanes that read the same due jobs claim them without contention', async () => {
    const store = new MongoJobStore(client.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
    await scheduler.enqueueMany(
      Array.from({ length: 200 }, (_, n) => noop(n)),
      { queue: 'lanes' },
    );
    const request = (serverId: string, index: number) => ({
      queues: ['lanes'],
      jobTypes: ['round-trips.noop'],
      serverId,
      leaseMs: 60_000,
      now: new Date(),
      lane: { index, count: 2 },
    });
    const [a, b] = [request('a', 0), request('b', 1)];
    // Both read before either claims: what two servers polling at the same moment see.
    const [forA, forB] = await Promise.all([
      store.findClaimCandidates(a, 50),
      store.findClaimCandidates(b, 50),
    ]);
    counter.reset();
    const byA = await store.claimCandidates(a, forA);
    const byB = await store.claimCandidates(b, forB);
    // Each claim took all it chose, so neither read its jobs back.
    expect([byA.contended, byB.contended]).toEqual([false, false]);
    expect(counter.toJSON()).toEqual({ update: 2 });
    expect(byA.jobs.length).toBeGreaterThanOrEqual(25);
    expect(byB.jobs.length).toBeGreaterThanOrEqual(25);
    const idsOfB = new Set(byB.jobs.map((job) => job._id));
    expect(byA.jobs.filter((job) => idsOfB.has(job._id))).toEqual([]);
  });

  it('a batched outcome write is fenced per job', async () => {
    const store = new MongoJobStore(db.client.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
    await scheduler.enqueueMany([noop(1), noop(2), noop(3)], { queue: 'fenced' });
    const request = {
      queues: ['fenced'],
      jobTypes: ['round-trips.noop'],
      serverId: 'w',
      leaseMs: 60_000,
      now: new Date(),
    };
    const { jobs: batch } = await store.claimBatch(request, 10);
    expect(batch).toHaveLength(3);
    // The second job's lease is lost: recovered and re-claimed by another worker.
    await store.collection.updateOne({ _id: batch[1]._id }, { $set: { state: 'enqueued' } });
    const thief = await store.claim({ ...request, serverId: 'thief' });
    expect(thief?._id).toBe(batch[1]._id);
    const now = new Date();
    const results = await store.finishMany(
      batch.map((job) => ({
        lease: { jobId: job._id, fence: job.fence },
        outcome: { state: 'succeeded' as const, durationMs: 1 },
        serverId: 'w',
        now,
      })),
    );
    expect(results).toEqual([{ hasContinuations: false }, null, { hasContinuations: false }]);
    expect(await store.findById(batch[1]._id)).toMatchObject({
      state: 'processing',
      leaseOwner: 'thief',
    });
  });

  it('a batched outcome write is one round trip, unless a job has continuations', async () => {
    const store = new MongoJobStore(client.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
    const request = () => ({
      queues: ['outcomes'],
      jobTypes: ['round-trips.noop'],
      serverId: 'w',
      leaseMs: 60_000,
      now: new Date(),
    });
    const succeed = (batch: ReadonlyArray<{ _id: string; fence: number }>) =>
      store.finishMany(
        batch.map((job) => ({
          lease: { jobId: job._id, fence: job.fence },
          outcome: { state: 'succeeded' as const, durationMs: 1 },
          serverId: 'w',
          now: new Date(),
        })),
      );
    await scheduler.enqueueMany([noop(1), noop(2), noop(3)], { queue: 'outcomes' });
    const { jobs: plain } = await store.claimBatch(request(), 10);
    expect(plain).toHaveLength(3);
    counter.reset();
    expect(await succeed(plain)).toEqual(plain.map(() => ({ hasContinuations: false })));
    expect(counter.toJSON()).toEqual({ update: 1 });

    const ids = await scheduler.enqueueMany([noop(4), noop(5), noop(6)], { queue: 'outcomes' });
    await scheduler.continueWith(ids[1], noop(7));
    const { jobs: mixed } = await store.claimBatch(request(), 10);
    expect(mixed.map((job) => job._id).sort()).toEqual([...ids].sort());
    counter.reset();
    const results = await succeed(mixed);
    expect(results).toEqual(mixed.map((job) => ({ hasContinuations: job._id === ids[1] })));
    // The job with a continuation is written again without the condition, then all are read.
    expect(counter.toJSON()).toEqual({ update: 2, find: 1 });
    expect(await store.findById(ids[1])).toMatchObject({ state: 'succeeded' });
  });
});
