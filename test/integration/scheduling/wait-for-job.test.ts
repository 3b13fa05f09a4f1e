/**
 * `waitForJob` waits for a job run by another Docket instance (its own client: another
 * process as far as events go), through one shared change stream on a replica set and one
 * batched poll on a standalone, and falls back to polling when the stream fails.
 */
import { IsIn, IsString } from 'class-validator';
import { MongoClient, type Document } from 'mongodb';
import {
  DocketClosedError,
  InvalidOptionsError,
  Job,
  JobDeletedError,
  JobHandler,
  JobNotFoundError,
  JobWaitTimeoutError,
  type Docket,
  type IJob,
  type IJobHandler,
  type JobContext,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { MatchedCommands } from '../../helpers/matched-commands';
import { openOwnStandIn, openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';

type Outcome = 'succeed' | 'fail' | 'hold';

@Job('wait-for-job.work')
class WorkJob implements IJob {
  @IsString() key!: string;
  @IsIn(['succeed', 'fail', 'hold']) outcome!: Outcome;
}

/** Jobs with outcome `hold` run until the test releases them, by key. */
const held = new Map<string, () => void>();

@JobHandler(WorkJob, { retries: 0 })
class WorkHandler implements IJobHandler<WorkJob> {
  async handle(job: WorkJob, context: JobContext): Promise<void> {
    if (job.outcome === 'fail') throw new Error(`job ${job.key} failed on purpose`);
    if (job.outcome !== 'hold') return;
    await new Promise<void>((resolve, reject) => {
      held.set(job.key, resolve);
      context.signal.addEventListener('abort', () => reject(context.signal.reason), {
        once: true,
      });
    });
  }
}

let keys = 0;
const work = (outcome: Outcome) =>
  Object.assign(new WorkJob(), { key: `k${++keys}`, outcome }) as WorkJob;

/** `aggregate` commands that open a change stream. */
const isChangeStreamOpen = (command: Document, name: string) =>
  name === 'aggregate' && command.pipeline?.[0]?.$changeStream !== undefined;
/** The batched poll of finished jobs. */
const isPoll = (command: Document, name: string) =>
  name === 'find' && command.filter?._id?.$in !== undefined && command.filter?.state !== undefined;
/** The read of one job by id (a wait's first look, or the confirmation of a change). */
const isReadOf = (jobId: string) => (command: Document, name: string) =>
  name === 'find' && command.filter?._id === jobId;

/** A database on a deployment of the wanted kind, and a way to drop it and let go. */
interface Deployment {
  readonly db: TestDatabase;
  readonly changeStreams: boolean;
}

/** The shared test server, which must be a replica set (as production is). */
async function replicaSet(label: string): Promise<Deployment> {
  const db = await openTestDatabase(label);
  const hello = await db.client.db('admin').command({ hello: 1 });
  if (!hello.setName && hello.msg !== 'isdbgrid') {
    await db.cleanup();
    throw new Error('these tests need a replica set: MONGODB_URI points at a standalone');
  }
  return { db, changeStreams: true };
}

/** A stand-in of the given topology of the test's own (its fail points touch no other test). */
async function ownStandIn(
  label: string,
  topology: 'standalone' | 'replica-set',
): Promise<Deployment> {
  const db = await openOwnStandIn(`wait_${label}`, topology);
  return { db, changeStreams: topology === 'replica-set' };
}

/** A Docket that waits (no server), on a client of its own whose commands are counted. */
async function openWaiter(
  db: TestDatabase,
): Promise<{ docket: Docket; client: MongoClient; close(): Promise<void> }> {
  const client = await new MongoClient(db.uri, { monitorCommands: true }).connect();
  const { docket } = await createTestDocket(db, {
    handlers: [],
    mongo: { client, dbName: db.dbName },
    waitPollIntervalMs: 50,
  });
  return {
    docket,
    client,
    close: async () => {
      await docket.close();
      await client.close();
    },
  };
}

/** The other process: its own client, its own Docket, running WorkJob. */
async function openWorker(db: TestDatabase): Promise<{ docket: Docket; close(): Promise<void> }> {
  const client = await new MongoClient(db.uri).connect();
  const { docket } = await createTestDocket(db, {
    handlers: [WorkHandler],
    mongo: { client, dbName: db.dbName },
  });
  await docket.startServer({ ...FAST_SERVER, queues: ['default', 'many'] });
  return {
    docket,
    close: async () => {
      await docket.close();
      await client.close();
    },
  };
}

/** Starts a wait and resolves once its first look at the job is done (counted on the client). */
async function waitStarted<T>(
  client: MongoClient,
  jobId: string,
  start: () => Promise<T>,
): Promise<{ settled: Promise<T> }> {
  const reads = new MatchedCommands(client, isReadOf(jobId));
  try {
    const settled = start();
    settled.catch(() => undefined); // judged by the caller
    await waitFor(() => reads.succeeded >= 1, { what: `the wait's first read of ${jobId}` });
    return { settled };
  } finally {
    reads.close();
  }
}

describe.each([
  ['a replica set: through a change stream', () => replicaSet('wait_for_job')],
  ['a standalone: by polling', () => ownStandIn('standalone', 'standalone')],
])('waitForJob on %s', (_name, open) => {
  let deployment: Deployment;
  let waiter: Awaited<ReturnType<typeof openWaiter>>;
  let worker: Awaited<ReturnType<typeof openWorker>>;

  beforeAll(async () => {
    deployment = await open();
    waiter = await openWaiter(deployment.db);
    worker = await openWorker(deployment.db);
  });

  afterAll(async () => {
    for (const release of held.values()) release();
    await worker?.close();
    await waiter?.close();
    await deployment?.db.cleanup();
  });

  const scheduler = () => waiter.docket.scheduler;

  it('resolves with a job another Docket ran, when it finishes', async () => {
    const job = work('hold');
    const started = nextEvent<{ jobId: string }>((listener) =>
      worker.docket.on('job.started', listener),
    );
    const id = await scheduler().enqueue(job);
    expect((await started).jobId).toBe(id);
    const polls = new MatchedCommands(waiter.client, isPoll);
    try {
      const { settled } = await waitStarted(waiter.client, id, () => scheduler().waitForJob(id));
      held.get(job.key)!();
      const finished = await settled;
      expect(finished).toMatchObject({ _id: id, state: 'succeeded', type: 'wait-for-job.work' });
      expect(finished.payload).toEqual({ key: job.key, outcome: 'hold' });
      // Which path told it: the stream (no poll at all), or a poll.
      if (deployment.changeStreams) expect(polls.started).toBe(0);
      else expect(polls.succeeded).toBeGreaterThanOrEqual(1);
    } finally {
      polls.close();
    }
  });

  it('resolves with the error of a job that failed for good', async () => {
    const id = await worker.docket.scheduler.schedule(work('fail'), { delayMs: 200 });
    const finished = await scheduler().waitForJob(id, { timeoutMs: 20_000 });
    expect(finished.state).toBe('failed');
    expect(finished.error).toMatchObject({ name: 'Error', message: /failed on purpose/ });
    expect(finished.attempt).toBe(1);
  });

  it('resolves at once with a job that finished before the call (timeoutMs 0 looks once)', async () => {
    const succeeded = nextEvent<{ jobId: string }>((listener) =>
      worker.docket.on('job.succeeded', listener),
    );
    const id = await scheduler().enqueue(work('succeed'));
    expect((await succeeded).jobId).toBe(id);
    await expect(scheduler().waitForJob(id, { timeoutMs: 0 })).resolves.toMatchObject({
      _id: id,
      state: 'succeeded',
    });
  });

  it('rejects with JobWaitTimeoutError at its deadline, with the state last seen', async () => {
    const id = await scheduler().schedule(work('succeed'), { delayMs: 3_600_000 });
    const error = await scheduler()
      .waitForJob(id, { timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobWaitTimeoutError);
    expect(error).toMatchObject({
      jobId: id,
      timeoutMs: 100,
      lastState: 'scheduled',
      awaitedStates: ['succeeded', 'failed', 'deleted'],
      code: 'JOB_WAIT_TIMEOUT',
    });
    expect((error as Error).message).toMatch(/within 100 ms .*last seen state: 'scheduled'/);
  });

  it('rejects with the reason of an aborted signal, before or during the wait', async () => {
    const id = await scheduler().schedule(work('succeed'), { delayMs: 3_600_000 });
    const reason = new Error('the caller gave up');
    const controller = new AbortController();
    const { settled } = await waitStarted(waiter.client, id, () =>
      scheduler().waitForJob(id, { signal: controller.signal }),
    );
    controller.abort(reason);
    await expect(settled).rejects.toBe(reason);
    await expect(scheduler().waitForJob(id, { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
  });

  it('rejects with JobDeletedError when the job is deleted while awaited', async () => {
    const id = await scheduler().schedule(work('succeed'), { delayMs: 3_600_000 });
    const { settled } = await waitStarted(waiter.client, id, () => scheduler().waitForJob(id));
    await expect(worker.docket.scheduler.delete(id)).resolves.toBe(true);
    const error = await settled.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobDeletedError);
    expect(error).toMatchObject({ jobId: id, jobType: 'wait-for-job.work', queue: 'default' });
    expect((error as Error).message).toMatch(/was deleted before it finished/);
    // Deleted already: the same answer at once.
    await expect(scheduler().waitForJob(id, { timeoutMs: 0 })).rejects.toBeInstanceOf(
      JobDeletedError,
    );
  });

  it('refuses bad ids and options at the call, and unknown jobs with JobNotFoundError', async () => {
    const bad: Array<[unknown, unknown, string]> = [
      ['', undefined, 'jobId'],
      [{ $ne: null }, undefined, 'jobId'],
      ['x', { timeoutMs: -1 }, 'timeoutMs'],
      ['x', { timeoutMs: 1.5 }, 'timeoutMs'],
      ['x', { timeoutMs: 2 ** 31 }, 'timeoutMs'],
      ['x', { signal: 'stop' }, 'signal'],
      ['x', { timeout: 5 }, 'options.timeout'],
      ['x', [], 'options'],
    ];
    for (const [jobId, options, option] of bad) {
      const call = scheduler().waitForJob(jobId as string, options as { timeoutMs: number });
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect(error).toMatchObject({ option });
    }
    await expect(scheduler().waitForJob('no-such-job')).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('rejects pending waits with DocketClosedError when its Docket closes, and later calls too', async () => {
    const other = await openWaiter(deployment.db);
    try {
      const id = await other.docket.scheduler.schedule(work('succeed'), { delayMs: 3_600_000 });
      const { settled } = await waitStarted(other.client, id, () =>
        other.docket.scheduler.waitForJob(id),
      );
      await other.docket.close();
      const error = await settled.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DocketClosedError);
      expect((error as Error).message).toMatch(/closed while waitForJob was pending/);
      await expect(other.docket.scheduler.waitForJob(id)).rejects.toBeInstanceOf(DocketClosedError);
    } finally {
      await other.close();
    }
  });

  it('serves many waits with one change stream, or one poll for all of them', async () => {
    const other = await openWaiter(deployment.db);
    const streams = new MatchedCommands(other.client, isChangeStreamOpen);
    const polls: string[][] = [];
    const onPoll = (event: { commandName: string; command: Document }) => {
      if (isPoll(event.command, event.commandName)) polls.push(event.command.filter._id.$in);
    };
    other.client.on('commandStarted', onPoll);
    try {
      await worker.docket.pauseQueue('many', { allowUnknown: true });
      const ids = await worker.docket.scheduler.enqueueMany(
        Array.from({ length: 12 }, () => work('succeed')),
        { queue: 'many' },
      );
      const waits = await Promise.all(
        ids.map((id) => waitStarted(other.client, id, () => other.docket.scheduler.waitForJob(id))),
      );
      await worker.docket.resumeQueue('many');
      const finished = await Promise.all(waits.map((wait) => wait.settled));
      expect(finished.map((job) => job.state)).toEqual(ids.map(() => 'succeeded'));
      if (deployment.changeStreams) {
        expect(streams.started).toBe(1);
        expect(polls).toEqual([]);
        // The last wait closed it; the next wait opens another.
        const id = await worker.docket.scheduler.enqueue(work('succeed'));
        await other.docket.scheduler.waitForJob(id);
        expect(streams.started).toBe(2);
      } else {
        expect(streams.started).toBe(0);
        expect(polls.some((asked) => ids.every((id) => asked.includes(id)))).toBe(true);
      }
    } finally {
      other.client.off('commandStarted', onPoll);
      streams.close();
      await other.close();
    }
  });
});

/** Configures the `failCommand` fail point of a server of the test's own. */
async function setFailCommand(db: TestDatabase, command: Document): Promise<void> {
  await db.client.db('admin').command(command);
}

describe('waitForJob when its change stream fails', () => {
  let deployment: Deployment;

  beforeAll(async () => {
    deployment = await ownStandIn('failing_stream', 'replica-set');
  });

  afterAll(async () => {
    await deployment?.db.cleanup();
  });

  it('reports the failure, polls instead, and still resolves', async () => {
    const { db } = deployment;
    const waiter = await openWaiter(db);
    const worker = await openWorker(db);
    const streams = new MatchedCommands(waiter.client, isChangeStreamOpen);
    const polls = new MatchedCommands(waiter.client, isPoll);
    try {
      // The job waits in a paused queue until the stream is gone.
      await worker.docket.pauseQueue('many', { allowUnknown: true });
      const id = await waiter.docket.scheduler.enqueue(work('succeed'), { queue: 'many' });
      const { settled } = await waitStarted(waiter.client, id, () =>
        waiter.docket.scheduler.waitForJob(id),
      );
      expect(streams.started).toBe(1);
      const failed = nextEvent<{ context: string }>(
        (listener) => waiter.docket.on('error', listener),
        (event) => /change stream of finished jobs failed/.test(event.context),
      );
      // Every stream fails from now on (BadValue: not resumable), its reopening included:
      // only polling can tell the wait. No namespace: the stand-in checks a getMore's against
      // its cursor id, not its collection; this server is the test's own.
      await setFailCommand(db, {
        configureFailPoint: 'failCommand',
        mode: 'alwaysOn',
        data: { failCommands: ['getMore', 'aggregate'], errorCode: 2 },
      });
      await failed;
      await worker.docket.resumeQueue('many');
      await expect(settled).resolves.toMatchObject({ _id: id, state: 'succeeded' });
      expect(polls.succeeded).toBeGreaterThanOrEqual(1);
    } finally {
      await setFailCommand(db, { configureFailPoint: 'failCommand', mode: 'off' });
      streams.close();
      polls.close();
      await worker.close();
      await waiter.close();
    }
  });
});
