import { IsInt } from 'class-validator';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
} from '../../../src';
import { MongoJobStore } from '../../../src/storage/mongo/mongo-job-store';
import { RETENTION_DEFAULTS } from '../../../src/storage/retention';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

/**
 * A job given back by a stopping server, or recovered from a dead one, keeps its place in
 * line: the next server takes it before the jobs that were waiting behind it.
 */

@Job('place-in-line.work')
class LineJob implements IJob {
  @IsInt() n!: number;
}

/** Job ids in the order their handlers started. */
const started: string[] = [];
/** The job whose first run hangs, ignoring its signal (the stopping server gives up on it). */
let stuck: { id: string; runs: number; release: () => void; released: Promise<void> } | undefined;

@JobHandler(LineJob)
class LineHandler implements IJobHandler<LineJob> {
  async handle(_job: LineJob, ctx: JobContext): Promise<void> {
    started.push(ctx.jobId);
    if (stuck?.id === ctx.jobId && ++stuck.runs === 1) await stuck.released;
  }
}

const line = (n: number) => Object.assign(new LineJob(), { n });
const BACKLOG = 60;

describe('released and recovered jobs keep their place in line', () => {
  let db: TestDatabase;
  let store: MongoJobStore;
  const dockets: Docket[] = [];

  async function docket(): Promise<{ docket: Docket; scheduler: IJobScheduler }> {
    const created = await createTestDocket(db, { handlers: [LineHandler] });
    dockets.push(created.docket);
    return { docket: created.docket, scheduler: created.container.resolve(JOB_SCHEDULER) };
  }

  beforeAll(async () => {
    db = await openTestDatabase('place_in_line');
    store = new MongoJobStore(db.client.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
  });

  afterEach(async () => {
    stuck?.release();
    stuck = undefined;
    await Promise.all(dockets.splice(0).map((d) => d.close()));
    await store.collection.deleteMany({});
    started.length = 0;
  });

  afterAll(() => db.cleanup());

  it('a job released by a stopping server runs before the backlog that waited behind it', async () => {
    const a = await docket();
    const id = await a.scheduler.enqueue(line(0));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    stuck = { id, runs: 0, release, released };
    const serverA = await a.docket.startServer({
      ...FAST_SERVER,
      concurrency: 1,
      shutdownGraceMs: 50,
      abortGraceMs: 50,
    });
    await waitFor(() => started.includes(id), { what: 'the first job to start' });
    const backlog = await a.scheduler.enqueueMany(
      Array.from({ length: BACKLOG }, (_, n) => line(n + 1)),
    );
    await serverA.stop();
    expect(await store.findById(id)).toMatchObject({ state: 'enqueued', attempt: 0 });
    started.length = 0;

    const b = await docket();
    await b.docket.startServer({ ...FAST_SERVER, concurrency: 1 });
    await waitFor(() => started.length > 0, { what: 'server B to start a job' });
    expect(started[0]).toBe(id);
    await waitFor(
      async () => (await store.collection.countDocuments({ state: 'succeeded' })) === BACKLOG + 1,
      {
        what: 'every job to succeed',
      },
    );
    expect(started).toHaveLength(backlog.length + 1);
  });

  it('a job recovered from a dead worker runs before the backlog that waited behind it', async () => {
    const { docket: d, scheduler } = await docket();
    const id = await scheduler.enqueue(line(0));
    // A worker claims it and dies: it never renews nor finishes.
    const dead = await store.claim({
      queues: ['default'],
      jobTypes: ['place-in-line.work'],
      serverId: 'dead-worker',
      leaseMs: 100,
      now: new Date(),
    });
    expect(dead?._id).toBe(id);
    // By the database's clock, the lease has expired.
    await waitFor(
      async () =>
        (await store.collection.countDocuments({
          _id: id,
          $expr: { $lt: ['$leaseExpiresAt', '$$NOW'] },
        })) === 1,
      { what: 'the dead worker’s lease to expire' },
    );
    await scheduler.enqueueMany(Array.from({ length: BACKLOG }, (_, n) => line(n + 1)));
    await d.startServer({ ...FAST_SERVER, concurrency: 1 });
    await waitFor(() => started.length > 0, { what: 'the server to start a job' });
    expect(started[0]).toBe(id);
    expect(await store.findById(id)).toMatchObject({ attempt: 2 });
  });
});
