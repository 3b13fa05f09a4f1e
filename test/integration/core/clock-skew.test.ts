import { IsInt } from 'class-validator';
import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import type { Clock } from '../../../src/server/clock';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

/**
 * Guarantee 8 of docs/design.md: lease expiry, the recovery sweep and global slots compare
 * against the database's clock, so a worker whose own clock is off cannot take a lease that
 * is healthy.
 */

const SKEW_MS = 60_000;

@Job('clock-skew.work')
class SkewJob implements IJob {
  @IsInt() n!: number;
}

@Job('clock-skew.limited')
class LimitedJob implements IJob {
  @IsInt() n!: number;
}

/** Every start, as `<jobId>@<attempt>`, and the gate running handlers wait at. */
const starts: string[] = [];
let running = 0;
let peak = 0;
let openGate!: () => void;
let gate = new Promise<void>((resolve) => (openGate = resolve));

async function hold(ctx: JobContext): Promise<void> {
  starts.push(`${ctx.jobId}@${ctx.attempt}`);
  running++;
  peak = Math.max(peak, running);
  try {
    await gate;
  } finally {
    running--;
  }
}

@JobHandler(SkewJob, { retries: 5 })
class SkewHandler implements IJobHandler<SkewJob> {
  handle(_job: SkewJob, ctx: JobContext): Promise<void> {
    return hold(ctx);
  }
}

@JobHandler(LimitedJob, { retries: 5, globalConcurrency: 1 })
class LimitedHandler implements IJobHandler<LimitedJob> {
  handle(_job: LimitedJob, ctx: JobContext): Promise<void> {
    return hold(ctx);
  }
}

/** A worker process: its own client (to count its commands) and a clock `skewMs` off. */
interface Worker {
  readonly docket: Docket;
  readonly scheduler: IJobScheduler;
  /** Commands this worker sent so far. */
  readonly commands: CommandStartedEvent[];
}

const skewed = (skewMs: number): Clock => ({ now: () => new Date(Date.now() + skewMs) });

describe('clock skew between workers (guarantee 8)', () => {
  let db: TestDatabase;
  const workers: Worker[] = [];
  const clients: MongoClient[] = [];

  async function worker(skewMs: number): Promise<Worker> {
    const client = new MongoClient(db.uri, { monitorCommands: true });
    clients.push(client);
    const commands: CommandStartedEvent[] = [];
    client.on('commandStarted', (event) => commands.push(event));
    await client.connect();
    const { docket, container } = await createTestDocket(db, {
      mongo: { client, dbName: db.dbName },
      handlers: [SkewHandler, LimitedHandler],
      clock: skewed(skewMs),
    });
    const created = {
      docket,
      scheduler: container.resolve<IJobScheduler>(JOB_SCHEDULER),
      commands,
    };
    workers.push(created);
    return created;
  }

  /** Update statements this worker sent to `collection` that match `accept`. */
  const updates = (w: Worker, collection: string, accept: (statement: Document) => boolean) =>
    w.commands.filter(
      (event) =>
        event.commandName === 'update' &&
        event.command.update === collection &&
        (event.command.updates as Document[]).some(accept),
    ).length;

  /** The recovery sweep's statement: it is the one that looks at lease expiry. */
  const sweeps = (w: Worker) =>
    updates(
      w,
      'docket.jobs',
      (s) => (s.q as Document).state === 'processing' && 'leaseExpiresAt' in (s.q as Document),
    );
  const slotAttempts = (w: Worker) => updates(w, 'docket.slots', (s) => s.upsert === true);

  const jobs = () => db.client.db(db.dbName).collection<JobRecord>('docket.jobs');

  beforeAll(async () => {
    db = await openTestDatabase('clock_skew');
  });

  afterEach(async () => {
    openGate();
    await Promise.all(workers.splice(0).map((w) => w.docket.close()));
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await jobs().deleteMany({});
    await db.client.db(db.dbName).collection('docket.slots').deleteMany({});
    starts.length = 0;
    running = 0;
    peak = 0;
    gate = new Promise<void>((resolve) => (openGate = resolve));
  });

  afterAll(() => db.cleanup());

  it('a worker 60 s ahead or behind takes no healthy lease, and nothing runs twice', async () => {
    const fleet = [await worker(0), await worker(SKEW_MS), await worker(-SKEW_MS)];
    const ids: string[] = [];
    // Each worker runs the jobs of its own queue, enqueued with its own clock (so they are due
    // for it), and holds every one of them running while the others sweep for expired leases.
    for (const [i, w] of fleet.entries()) {
      const queue = `q${i}`;
      ids.push(
        ...(await w.scheduler.enqueueMany(
          Array.from({ length: 4 }, (_, n) => Object.assign(new SkewJob(), { n })),
          { queue },
        )),
      );
      await w.docket.startServer({ ...FAST_SERVER, queues: [queue], concurrency: 10 });
    }
    await waitFor(() => starts.length >= ids.length, { what: 'every job to start' });
    const before = fleet.map(sweeps);
    await waitFor(() => fleet.every((w, i) => sweeps(w) >= before[i] + 5), {
      what: 'five recovery sweeps by every worker',
    });
    // No lease was taken: each job is still in its first attempt, with its first fence.
    const held = await jobs()
      .find({ _id: { $in: ids } })
      .toArray();
    for (const job of held) {
      expect({ id: job._id, state: job.state, attempt: job.attempt, fence: job.fence }).toEqual({
        id: job._id,
        state: 'processing',
        attempt: 1,
        fence: 1,
      });
    }
    openGate();
    await waitFor(
      async () =>
        (await jobs().countDocuments({ _id: { $in: ids }, state: 'succeeded' })) === ids.length,
      { what: 'every job to succeed' },
    );
    expect(starts.sort()).toEqual(ids.map((id) => `${id}@1`).sort());
    for (const job of await jobs()
      .find({ _id: { $in: ids } })
      .toArray()) {
      expect(job.attempt).toBe(1);
      expect(job.history.filter((h) => h.state === 'processing')).toHaveLength(1);
    }
  });

  it('a global slot held by a worker 60 s behind is not taken by the others', async () => {
    const behind = await worker(-SKEW_MS);
    // Enqueued with the late clock: due for every worker.
    await behind.scheduler.enqueueMany(
      Array.from({ length: 3 }, (_, n) => Object.assign(new LimitedJob(), { n })),
    );
    await behind.docket.startServer({ ...FAST_SERVER });
    await waitFor(() => running === 1, { what: 'the worker behind to take the slot' });
    const others = [await worker(0), await worker(SKEW_MS)];
    for (const w of others) await w.docket.startServer({ ...FAST_SERVER });
    // Each of the others finds the limit full again and again (one conditional update a try),
    // unless one of them takes the slot.
    await waitFor(() => peak > 1 || others.every((w) => slotAttempts(w) >= 5), {
      what: 'five slot attempts by each other worker',
    });
    expect(peak).toBe(1);
    openGate();
    await waitFor(async () => (await jobs().countDocuments({ state: 'succeeded' })) === 3, {
      what: 'the limited jobs to succeed',
    });
    expect(peak).toBe(1);
    expect(new Set(starts).size).toBe(starts.length);
  });
});
