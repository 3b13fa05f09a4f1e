import { IsString } from 'class-validator';
import { MongoClient } from 'mongodb';
import {
  InvalidOptionsError,
  JOB_SCHEDULER,
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
} from '../../../src';
import { UnknownQueueError } from '../../../src/errors';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { MatchedCommands } from '../../helpers/matched-commands';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

@Job('queues.task')
class TaskJob implements IJob {
  @IsString() name!: string;
}

const ran: string[] = [];
let gate: Promise<void> | undefined;
let running = 0;
let peak = 0;

@JobHandler(TaskJob)
class TaskHandler implements IJobHandler<TaskJob> {
  async handle(job: TaskJob): Promise<void> {
    running++;
    peak = Math.max(peak, running);
    try {
      await gate;
      ran.push(job.name);
    } finally {
      running--;
    }
  }
}

const task = (name: string) => Object.assign(new TaskJob(), { name });

/** Runs at once, in its own queue: a server that ran one has claimed since it was enqueued. */
@Job('queues.probe')
class ProbeJob implements IJob {}

@JobHandler(ProbeJob)
class ProbeHandler implements IJobHandler<ProbeJob> {
  async handle(): Promise<void> {}
}

const PROBE_QUEUE = 'probe';

describe('queues', () => {
  let db: TestDatabase;
  /** The docket's own client, monitored so that tests can wait for what its servers read. */
  let client: MongoClient;
  let docket: Docket;
  let scheduler: IJobScheduler;

  const succeeded = (ids: string[]) =>
    waitFor(async () => {
      const jobs = await Promise.all(ids.map((id) => docket.getJob(id)));
      return jobs.every((job) => job?.state === 'succeeded');
    });

  /**
   * Enqueues a job on the probe queue and waits until it ran. A server listing the probe
   * queue after the others has then made a claim after every job enqueued before the probe,
   * and that claim would have taken any of them it was allowed to (queues are claimed from in
   * the server's order).
   */
  const probe = async (): Promise<void> => {
    await succeeded([await scheduler.enqueue(new ProbeJob(), { queue: PROBE_QUEUE })]);
  };

  beforeAll(async () => {
    db = await openTestDatabase('queues');
    client = await new MongoClient(db.uri, { monitorCommands: true }).connect();
    const created = await createTestDocket(db, {
      handlers: [TaskHandler, ProbeHandler],
      mongo: { client, dbName: db.dbName },
    });
    docket = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
  });

  afterEach(() => {
    ran.length = 0;
    gate = undefined;
    peak = 0;
  });

  afterAll(async () => {
    await docket.close();
    await client.close();
    await db.cleanup();
  });

  it('claims from the queues in the order the server lists them, then by priority', async () => {
    const at = new Date(Date.now() + 100);
    const ids = [
      await scheduler.schedule(task('low-1'), { at }, { queue: 'low' }),
      await scheduler.schedule(task('high-1'), { at }, { queue: 'high' }),
      await scheduler.schedule(task('low-2'), { at }, { queue: 'low', priority: 100 }),
      await scheduler.schedule(task('high-2'), { at }, { queue: 'high', priority: 5 }),
    ];
    const server = await docket.startServer({
      ...FAST_SERVER,
      queues: ['high', 'low'],
      concurrency: 1,
    });
    await succeeded(ids);
    expect(ran).toEqual(['high-2', 'high-1', 'low-2', 'low-1']);
    await server.stop();
  });

  it('a paused queue is not claimed from; running jobs finish; resume picks up', async () => {
    const server = await docket.startServer({ ...FAST_SERVER, queues: ['mail', PROBE_QUEUE] });
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    const running1 = await scheduler.enqueue(task('running'), { queue: 'mail' });
    await waitFor(() => running === 1, { what: 'the first job to run' });
    await expect(docket.pauseQueue('mail')).resolves.toBe(true);
    await expect(docket.pauseQueue('mail')).resolves.toBe(false);
    const waiting = await scheduler.enqueue(task('waiting'), { queue: 'mail' });
    open();
    await succeeded([running1]);
    // The server claims again (the probe), and that claim leaves the paused queue alone.
    await probe();
    expect((await docket.getJob(waiting))?.state).toBe('enqueued');
    expect((await docket.listQueues()).find((q) => q.name === 'mail')).toEqual({
      name: 'mail',
      paused: true,
      counts: { enqueued: 1 },
    });
    await expect(docket.resumeQueue('mail')).resolves.toBe(true);
    await succeeded([waiting]);
    await server.stop();
  });

  it('a pause made by another process reaches servers at their next refresh', async () => {
    const server = await docket.startServer({
      ...FAST_SERVER,
      queues: ['reports', PROBE_QUEUE],
      queueRefreshIntervalMs: 50,
    });
    // Another process pauses the queue: a write this process's events never hear of.
    await db.client
      .db(db.dbName)
      .collection('docket.queues')
      .insertOne({ _id: 'reports' as never, paused: true, updatedAt: new Date() });
    const refreshes = new MatchedCommands(
      client,
      (command) => command.find === 'docket.queues' && command.filter?.paused === true,
    );
    try {
      await waitFor(() => refreshes.succeeded >= 1, {
        what: "the server's next read of the paused queues",
      });
    } finally {
      refreshes.close();
    }
    const id = await scheduler.enqueue(task('r'), { queue: 'reports' });
    await probe();
    expect((await docket.getJob(id))?.state).toBe('enqueued');
    await docket.resumeQueue('reports');
    await succeeded([id]);
    await server.stop();
  });

  it('limits concurrency per queue on a server', async () => {
    const server = await docket.startServer({
      ...FAST_SERVER,
      queues: ['bulk', PROBE_QUEUE],
      concurrency: 10,
      queueConcurrency: { bulk: 2 },
    });
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    const ids = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => scheduler.enqueue(task(`b${n}`), { queue: 'bulk' })),
    );
    await waitFor(() => running === 2);
    // The server has free slots and claims again (the probe), but not from the full queue.
    await probe();
    expect(running).toBe(2);
    const states = await Promise.all(ids.map(async (id) => (await docket.getJob(id))?.state));
    expect(states.filter((state) => state === 'enqueued')).toHaveLength(3);
    open();
    await succeeded(ids);
    expect(peak).toBe(2);
    await server.stop();
  });

  it('refuses to pause or resume a queue nothing knows, unless allowUnknown', async () => {
    const stored = () =>
      db.client
        .db(db.dbName)
        .collection('docket.queues')
        .findOne({ _id: 'mial' as never });
    const error = await docket.pauseQueue('mial').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownQueueError);
    expect(error).toMatchObject({ code: 'UNKNOWN_QUEUE', queue: 'mial' });
    expect((error as Error).message).toBe(
      "pauseQueue: queue 'mial' is unknown (no job, server, recurring job or stored queue state uses it). " +
        'Check the name, or pass { allowUnknown: true } to pause it ahead of time',
    );
    await expect(docket.resumeQueue('mial')).rejects.toBeInstanceOf(UnknownQueueError);
    expect(await stored()).toBeNull();

    await expect(docket.resumeQueue('mial', { allowUnknown: true })).resolves.toBe(false);
    expect(await stored()).toBeNull();
    await expect(docket.pauseQueue('mial', { allowUnknown: true })).resolves.toBe(true);
    expect(await stored()).toMatchObject({ paused: true });
    // Its stored state makes it known.
    await expect(docket.pauseQueue('mial')).resolves.toBe(false);
    await expect(docket.resumeQueue('mial')).resolves.toBe(true);
  });

  it('knows a queue from a job, a server or a recurring job', async () => {
    await scheduler.schedule(task('later'), { delayMs: 60_000 }, { queue: 'from-job' });
    await expect(docket.pauseQueue('from-job')).resolves.toBe(true);
    await expect(docket.resumeQueue('from-job')).resolves.toBe(true);

    const server = await docket.startServer({ ...FAST_SERVER, queues: ['from-server'] });
    await expect(docket.resumeQueue('from-server')).resolves.toBe(false);
    await server.stop();

    await scheduler.addOrUpdateRecurring('queues-test', task('r'), '0 0 1 1 *', {
      queue: 'from-recurring',
    });
    await expect(docket.pauseQueue('from-recurring')).resolves.toBe(true);
    await docket.resumeQueue('from-recurring');
    await scheduler.removeRecurring('queues-test');
  });

  it('rejects invalid queue names and options', async () => {
    await expect(docket.pauseQueue('no spaces')).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(docket.resumeQueue('')).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(docket.pauseQueue('mail', { allowUnknown: 'yes' } as never)).rejects.toThrow(
      'allowUnknown must be a boolean, got "yes"',
    );
    await expect(docket.pauseQueue('mail', { create: true } as never)).rejects.toThrow(
      InvalidOptionsError,
    );
    await expect(docket.startServer({ queueConcurrency: { bulk: 0 } })).rejects.toThrow(
      /queueConcurrency\.bulk/,
    );
  });
});
