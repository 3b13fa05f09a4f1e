import { IsInt, Min } from 'class-validator';
import { MongoClient, type Db } from 'mongodb';
import { container as rootContainer, inject } from 'tsyringe';
import {
  Docket,
  DocketError,
  Job,
  JobHandler,
  type HandlerClass,
  type IJob,
  type IJobHandler,
  type JobContext,
  type JobRecord,
  type JobServerOptions,
} from '../../../src';
import { startEphemeralMongo, type EphemeralMongo } from '../../../src/testing';
import { SHARED_MONGO_ENV } from '../../../src/testing/ephemeral-mongo';
import { quietLogger } from '../../helpers/logger';
import { waitFor } from '../../helpers/wait-for';

/*
 * A primary step-down in the middle of a drain by three servers (each with a client of its
 * own, as three processes would have), on a private one-member replica set: retryable writes
 * carry Docket through it. Nothing is lost or stuck, a job runs twice only when its outcome
 * write was in flight while there was no primary, and afterwards claims, heartbeats, the
 * recurring ticker, global slots and the change stream all work. The fault-injection suite's
 * `step-down` row does the same with worker processes and more jobs (docs/faults.md).
 */

@Job('step-down.work')
class WorkJob implements IJob {
  @IsInt() @Min(0) n!: number;
  @IsInt() @Min(0) ms!: number;
}

@Job('step-down.limited')
class LimitedJob implements IJob {
  @IsInt() @Min(0) n!: number;
}

@Job('step-down.tick')
class TickJob implements IJob {}

@Job('step-down.ping')
class PingJob implements IJob {}

const GLOBAL_LIMIT = 2;
const WORKER = Symbol('worker');

/** Every handler invocation, as the handlers saw it. */
interface Run {
  readonly jobId: string;
  readonly jobType: string;
  readonly worker: string;
  readonly startedAt: number;
  endedAt: number | null;
}
const runs: Run[] = [];
const limited = { running: 0, max: 0 };

async function recorded(worker: string, ctx: JobContext, body: () => Promise<void>) {
  const run: Run = {
    jobId: ctx.jobId,
    jobType: ctx.jobType,
    worker,
    startedAt: Date.now(),
    endedAt: null,
  };
  runs.push(run);
  await body();
  run.endedAt = Date.now();
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

@JobHandler(WorkJob, { retries: 20 })
class WorkHandler implements IJobHandler<WorkJob> {
  constructor(@inject(WORKER) private readonly worker: string) {}
  handle(job: WorkJob, ctx: JobContext): Promise<void> {
    return recorded(this.worker, ctx, () => pause(job.ms));
  }
}

@JobHandler(LimitedJob, { retries: 20, globalConcurrency: GLOBAL_LIMIT })
class LimitedHandler implements IJobHandler<LimitedJob> {
  constructor(@inject(WORKER) private readonly worker: string) {}
  handle(_job: LimitedJob, ctx: JobContext): Promise<void> {
    return recorded(this.worker, ctx, async () => {
      limited.max = Math.max(limited.max, ++limited.running);
      await pause(150).finally(() => limited.running--);
    });
  }
}

@JobHandler(TickJob, { retries: 20 })
class TickHandler implements IJobHandler<TickJob> {
  constructor(@inject(WORKER) private readonly worker: string) {}
  handle(_job: TickJob, ctx: JobContext): Promise<void> {
    return recorded(this.worker, ctx, async () => undefined);
  }
}

@JobHandler(PingJob)
class PingHandler implements IJobHandler<PingJob> {
  constructor(@inject(WORKER) private readonly worker: string) {}
  handle(_job: PingJob, ctx: JobContext): Promise<void> {
    return recorded(this.worker, ctx, async () => undefined);
  }
}

/** Leases that outlast a step-down of a second and the election after it many times over. */
const SERVER = {
  concurrency: 4,
  leaseMs: 5_000,
  heartbeatIntervalMs: 500,
  recoveryIntervalMs: 1_000,
  pollIntervalMs: 500,
  minPollIntervalMs: 10,
  recurringPollIntervalMs: 1_000,
  shutdownGraceMs: 2_000,
  abortGraceMs: 200,
} as const satisfies JobServerOptions;

/**
 * Serves only pings, and polls for them once in two minutes: a ping enqueued after the
 * step-down starts within this test's time only if the change stream tells the server.
 */
const LISTENER = {
  ...SERVER,
  queues: ['step-down.ping'],
  pollIntervalMs: 120_000,
  minPollIntervalMs: 120_000,
  recurring: false,
} as const satisfies JobServerOptions;

const RECURRING_ID = 'step-down.every-second';
/** The ids of its jobs: `<recurring id>@<occurrence>`. */
const OCCURRENCE_IDS = /^step-down\.every-second@/;
const SERVERS = ['w1', 'w2', 'w3'];

/** A server of its own: a step-down is server-wide, and would disturb other test files. */
function privateServerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.MONGODB_URI;
  delete env[SHARED_MONGO_ENV.uri];
  delete env[SHARED_MONGO_ENV.kind];
  return env;
}

describe('a primary step-down during a drain by three servers', () => {
  let mongo: EphemeralMongo;
  let admin: MongoClient;
  const clients: MongoClient[] = [];
  const dockets: Docket[] = [];
  const errors: Array<{ error: Error; context: string }> = [];
  const dbName = 'step_down_drain';

  async function openDocket(worker: string, handlers: HandlerClass[]): Promise<Docket> {
    const client = await new MongoClient(mongo.uri).connect();
    clients.push(client);
    const container = rootContainer.createChildContainer();
    container.registerInstance(WORKER, worker);
    const docket = await Docket.create({
      mongo: { client, dbName },
      container,
      handlers,
      logger: quietLogger(),
    });
    docket.on('error', (event) => errors.push(event));
    dockets.push(docket);
    return docket;
  }

  beforeAll(async () => {
    mongo = await startEphemeralMongo({ env: privateServerEnv(), announce: false });
    admin = await new MongoClient(mongo.uri).connect();
  });

  afterAll(async () => {
    await Promise.all(dockets.map((docket) => docket.close()));
    await Promise.all(clients.map((client) => client.close()));
    await admin?.close();
    await mongo?.stop();
  });

  it('loses nothing, leaves nothing stuck, and carries on after it', async () => {
    const db: Db = admin.db(dbName);
    const jobs = db.collection<JobRecord>('docket.jobs');
    const producer = await openDocket('producer', []);
    await producer.scheduler.addOrUpdateRecurring(RECURRING_ID, new TickJob(), '* * * * * *');
    for (const id of SERVERS) {
      const docket = await openDocket(id, [WorkHandler, LimitedHandler, TickHandler]);
      await docket.startServer({ ...SERVER, serverId: id });
    }
    const listener = await openDocket('listener', [PingHandler]);
    await listener.startServer({ ...LISTENER, serverId: 'listener' });

    const work = (first: number, count: number) =>
      Array.from({ length: count }, (_, i) =>
        Object.assign(new WorkJob(), { n: first + i, ms: 50 + ((first + i) % 5) * 50 }),
      );
    const limitedJobs = (first: number, count: number) =>
      Array.from({ length: count }, (_, i) => Object.assign(new LimitedJob(), { n: first + i }));
    const ids = [
      ...(await producer.scheduler.enqueueMany(work(0, 200))),
      ...(await producer.scheduler.enqueueMany(limitedJobs(0, 10))),
    ];
    const succeeded = () => jobs.countDocuments({ _id: { $in: ids }, state: 'succeeded' });

    // Two step-downs of a second each, a third and two thirds into the drain; jobs enqueued
    // meanwhile are acknowledged once there is a primary again.
    const windows: Array<{ from: number; to: number }> = [];
    for (const share of [1 / 3, 2 / 3]) {
      await waitFor(async () => (await succeeded()) >= ids.length * share, {
        timeoutMs: 60_000,
        what: `${Math.round(share * 100)}% of the jobs to succeed`,
      });
      const from = Date.now();
      await stepDown(admin.db('admin'));
      const meanwhile = producer.scheduler.enqueueMany(work(1_000 + 10 * windows.length, 10));
      await untilPrimary(admin.db('admin'));
      windows.push({ from, to: Date.now() });
      ids.push(...(await meanwhile));
    }
    const back = windows.at(-1)!.to;

    // After it: new work is claimed, global slots are taken again, the change stream wakes
    // the listener at once.
    ids.push(...(await producer.scheduler.enqueueMany(work(200, 30))));
    ids.push(...(await producer.scheduler.enqueueMany(limitedJobs(10, 4))));
    const ping = await producer.scheduler.enqueue(new PingJob(), { queue: 'step-down.ping' });
    await waitFor(() => runs.some((run) => run.jobId === ping && run.endedAt !== null), {
      timeoutMs: 30_000,
      what: 'the ping to run (its server polls every two minutes: the change stream must wake it)',
    });
    await waitFor(async () => (await succeeded()) === ids.length, {
      timeoutMs: 60_000,
      what: 'every job to succeed',
    });
    expect(await jobs.countDocuments({ _id: { $in: ids } })).toBe(ids.length);
    expect(ids.filter((id) => !runs.some((run) => run.jobId === id && run.endedAt))).toEqual([]);
    // Every server claimed again.
    expect(
      SERVERS.filter((id) => !runs.some((run) => run.worker === id && run.startedAt > back)),
    ).toEqual([]);
    // Slots of the global limit were taken again after it, and the limit held throughout.
    expect(runs.some((run) => run.jobType === 'step-down.limited' && run.startedAt > back)).toBe(
      true,
    );
    expect(limited.max).toBeLessThanOrEqual(GLOBAL_LIMIT);

    // Heartbeats refresh every server's registration.
    await waitFor(
      async () =>
        (
          await db.collection<{ _id: string; heartbeatAt: Date }>('docket.servers').find().toArray()
        ).filter((server) => server.heartbeatAt.getTime() > back).length ===
        SERVERS.length + 1,
      { what: 'every server to heartbeat after the step-down' },
    );
    // The ticker enqueues the occurrences after it, and missed none around it.
    await waitFor(
      async () =>
        (await jobs.countDocuments({
          _id: OCCURRENCE_IDS,
          dueAt: { $gt: new Date(back) },
          state: 'succeeded',
        })) > 0,
      { what: 'an occurrence after the step-down to run' },
    );
    const occurrences = (
      await jobs.find({ _id: OCCURRENCE_IDS }, { projection: { _id: 1 } }).toArray()
    )
      .map((job) => Date.parse(job._id.slice(RECURRING_ID.length + 1)))
      .sort((a, b) => a - b);
    expect(occurrences.at(-1)! - occurrences[0]).toBe((occurrences.length - 1) * 1_000);

    // A job ran twice only if its first run ended while its outcome could not be written.
    const inFlight = (run: Run) =>
      windows.some(
        ({ from, to }) => run.endedAt !== null && run.endedAt >= from - 1_000 && run.endedAt <= to,
      );
    const byJob = new Map<string, Run[]>();
    for (const run of runs) byJob.set(run.jobId, [...(byJob.get(run.jobId) ?? []), run]);
    const unexplained = [...byJob.values()]
      .filter((list) => list.length > 1)
      .filter((list) => !list.slice(0, -1).every(inFlight));
    expect(unexplained).toEqual([]);
    // Failures met meanwhile are reported, typed.
    expect(errors.filter((event) => !(event.error instanceof DocketError))).toEqual([]);
  }, 180_000);
});

/** Steps the primary down for a second (forced: a one-member set has no secondary to hand over to). */
async function stepDown(admin: Db): Promise<void> {
  await admin.command({ replSetStepDown: 1, secondaryCatchUpPeriodSecs: 0, force: true });
}

/** Resolves once there is a primary again. */
async function untilPrimary(admin: Db): Promise<void> {
  // Sent with the primary read preference: answered once there is a primary again.
  await waitFor(async () => (await admin.command({ hello: 1 })).isWritablePrimary === true, {
    timeoutMs: 60_000,
    what: 'a primary again',
  });
}
