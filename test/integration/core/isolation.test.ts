import { threadId } from 'node:worker_threads';
import {
  InvalidOptionsError,
  IsolatedWorkerExitedError,
  JOB_SCHEDULER,
  JobTimeoutError,
  type Docket,
  type DocketEvents,
  type IJobScheduler,
  type JobServerOptions,
} from '../../../src';
import type { HandlerClass } from '../../../src/handlers';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { JOB_CONTEXT_KEYS } from '../../helpers/job-context-keys';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';
import {
  EchoJob,
  EchoProcessHandler,
  EchoProcessJob,
  EchoThreadHandler,
  ExitProcessHandler,
  ExitProcessJob,
  HangThreadHandler,
  HangThreadJob,
  ISOLATION_BOOTSTRAP,
  OomThreadHandler,
  OomThreadJob,
  ResumeProcessHandler,
  ResumeProcessJob,
  SpinProcessHandler,
  SpinProcessJob,
  SpinThreadHandler,
  SpinThreadJob,
  type EchoResult,
  type ResumeResult,
} from '../fixtures/isolation-jobs';

/** Workers load TypeScript through ts-node here: their first start takes seconds. */
const WORKER_START_MS = 60_000;
const ISOLATION = { bootstrap: ISOLATION_BOOTSTRAP, terminateGraceMs: 200 } as const;
const ALL_HANDLERS: HandlerClass[] = [
  EchoThreadHandler,
  EchoProcessHandler,
  HangThreadHandler,
  SpinProcessHandler,
  ExitProcessHandler,
  OomThreadHandler,
  SpinThreadHandler,
  ResumeProcessHandler,
];

jest.setTimeout(120_000);

describe('handlers isolated in worker threads and child processes', () => {
  let db: TestDatabase;
  const dockets: Docket[] = [];

  async function startDocket(
    server: JobServerOptions = {},
    handlers: HandlerClass[] = ALL_HANDLERS,
  ): Promise<{ docket: Docket; scheduler: IJobScheduler }> {
    const { docket, container } = await createTestDocket(db, { handlers });
    dockets.push(docket);
    // Starting threads and processes on a loaded 2-core machine can stall a server past the
    // fast servers' 1 s lease; these tests are about isolation, so leases are long unless a
    // test sets its own.
    const lease = { leaseMs: 30_000, heartbeatIntervalMs: 1_000 };
    await docket.startServer({ ...FAST_SERVER, ...lease, isolation: ISOLATION, ...server });
    return { docket, scheduler: container.resolve(JOB_SCHEDULER) };
  }

  type Finished = 'succeeded' | 'failed';

  /** The job once it is in one of `states`. */
  async function jobIn(docket: Docket, id: string, states: readonly Finished[]) {
    return waitFor(
      async () => {
        const job = await docket.getJob(id);
        return job && (states as readonly string[]).includes(job.state) ? job : undefined;
      },
      { timeoutMs: WORKER_START_MS, what: `job ${id} to be ${states.join(' or ')}` },
    );
  }

  const settled = (docket: Docket, id: string, state: Finished) => jobIn(docket, id, [state]);
  /** The job once it succeeded or failed, whichever it did. */
  const finished = (docket: Docket, id: string) => jobIn(docket, id, ['succeeded', 'failed']);

  beforeAll(async () => {
    db = await openTestDatabase('isolation');
  });

  afterEach(async () => {
    await Promise.all(dockets.splice(0).map((d) => d.close()));
    await db.client.db(db.dbName).dropDatabase();
  });

  afterAll(() => db.cleanup());

  it('a server whose handlers ask for isolation refuses to start without a bootstrap module', async () => {
    const { docket } = await createTestDocket(db, { handlers: [EchoThreadHandler] });
    dockets.push(docket);
    const starting = docket.startServer({ ...FAST_SERVER });
    await expect(starting).rejects.toThrow(InvalidOptionsError);
    await expect(starting).rejects.toMatchObject({
      option: 'isolation.bootstrap',
      message: expect.stringContaining('EchoThreadHandler (thread)'),
    });
    await expect(
      docket.startServer({ isolation: { bootstrap: `${ISOLATION_BOOTSTRAP}.missing` } }),
    ).rejects.toMatchObject({ option: 'isolation.bootstrap' });
    expect(await docket.listServers()).toEqual([]);
  });

  it.each([
    ['thread', EchoJob],
    ['process', EchoProcessJob],
  ] as const)(
    'a %s handler reports progress and log lines, and returns its result',
    async (kind, jobClass) => {
      const { docket, scheduler } = await startDocket();
      const id = await scheduler.enqueue(Object.assign(new jobClass(), { n: 21 }));
      const job = await settled(docket, id, 'succeeded');
      const result = job.result as EchoResult;
      expect(result).toMatchObject({
        doubled: 42,
        at: new Date(0),
        // transaction and artefacts.put.
        refused: Array(2).fill('ISOLATION_UNSUPPORTED'),
        // As an inline handler's: the parts made when first used are the context's getters.
        contextKeys: JOB_CONTEXT_KEYS,
      });
      if (kind === 'thread') expect(result.threadId).not.toBe(threadId);
      else expect(result.pid).not.toBe(process.pid);
      expect(job.progress).toMatchObject({ percent: 50, message: 'half way' });
      const { lines } = await docket.getJobLogs(id);
      expect(lines).toEqual([
        expect.objectContaining({ level: 'info', message: 'hello from the worker', attempt: 1 }),
      ]);
      expect(JSON.parse(lines[0]!.meta!)).toEqual({ n: 21 });
    },
  );

  it.each([
    ['thread', 'awaits a promise that never settles', HangThreadJob, EchoJob],
    ['process', 'spins its event loop for good', SpinProcessJob, EchoProcessJob],
  ] as const)(
    'a %s handler that %s is terminated after its timeout and grace, and its slot comes back',
    async (_kind, _what, stubbornClass, nextClass) => {
      // A handler overruns when it still runs once its failure is stored: with a grace of
      // 200 ms, a store slower than that on a loaded machine saw the worker terminated first.
      const { docket, scheduler } = await startDocket({
        concurrency: 1,
        isolation: { ...ISOLATION, terminateGraceMs: 3_000 },
      });
      const order: string[] = [];
      docket.on('job.overrunning', (e) => order.push(`overrunning ${e.reason}`));
      docket.on('job.overrunEnded', () => order.push('overrun ended'));
      docket.on('job.started', (e) => order.push(`started ${e.jobType}`));
      const stubborn = await scheduler.enqueue(new stubbornClass());
      const next = await scheduler.enqueue(Object.assign(new nextClass(), { n: 1 }));

      const failed = await settled(docket, stubborn, 'failed');
      expect(failed.error?.name).toBe(new JobTimeoutError(1).name);
      await settled(docket, next, 'succeeded');
      // One slot: the next job started only once the stubborn worker was gone.
      expect(order).toEqual([
        `started ${failed.type}`,
        'overrunning timeout',
        'overrun ended',
        `started ${(await docket.getJob(next))!.type}`,
      ]);
    },
  );

  it('a process handler checkpoints and snoozes through the server: it resumes from its checkpoint, its snooze limit holds', async () => {
    const { docket, scheduler } = await startDocket();
    const id = await scheduler.enqueue(new ResumeProcessJob());
    const job = await settled(docket, id, 'succeeded');
    expect(job.result as ResumeResult).toEqual({
      // Saved in the first run, refusals included: what a checkpoint cannot hold is refused
      // in the worker, what is too large by the server, and the checkpoint read back after
      // a save is the one saved.
      resumedFrom: {
        step: 2,
        seen: { step: 1 },
        refused: ['NON_SERIALIZABLE_CHECKPOINT', 'CHECKPOINT_TOO_LARGE'],
      },
      // The snooze spent no attempt; the second one met maxSnoozes (1).
      attempt: 1,
      pid: expect.any(Number),
      secondSnooze: 'SNOOZE_LIMIT',
    });
    expect((job.result as ResumeResult).pid).not.toBe(process.pid);
    expect(job).toMatchObject({
      attempt: 1,
      snoozeCount: 1,
      snoozes: [expect.objectContaining({ attempt: 1, reason: 'waiting for the partner' })],
    });
  });

  it('process.exit() in a process handler fails that attempt only: it is retried, and other jobs run', async () => {
    const { docket, scheduler } = await startDocket({ concurrency: 2 });
    const retried = nextEvent<DocketEvents['job.retried']>(
      (l) => docket.on('job.retried', l),
      () => true,
      WORKER_START_MS,
    );
    const id = await scheduler.enqueue(new ExitProcessJob());
    const other = await scheduler.enqueue(Object.assign(new EchoJob(), { n: 2 }));
    const { error } = await retried;
    expect(error).toMatchObject({
      name: 'IsolatedWorkerExitedError',
      message: expect.stringMatching(
        /^The child process running job \S+ \(iso.exit-process\) exited \(code 3\)/,
      ),
    });
    const job = await settled(docket, id, 'succeeded');
    expect(job).toMatchObject({ attempt: 2, result: 'survived' });
    await settled(docket, other, 'succeeded');
  });

  it('a thread handler out of memory fails its job with a typed error, and the server runs on', async () => {
    const { docket, scheduler } = await startDocket({
      concurrency: 1,
      isolation: { ...ISOLATION, resourceLimits: { maxOldGenerationSizeMb: 160 } },
    });
    const id = await scheduler.enqueue(new OomThreadJob());
    const job = await settled(docket, id, 'failed');
    expect(job.error).toMatchObject({
      name: new IsolatedWorkerExitedError({ isolation: 'thread', reason: 'outOfMemory' }).name,
      message: expect.stringContaining('ran out of memory'),
    });
    const next = await scheduler.enqueue(Object.assign(new EchoJob(), { n: 3 }));
    expect((await settled(docket, next, 'succeeded')).result).toMatchObject({ doubled: 6 });
  });

  it('a thread handler spinning past its lease keeps the lease: no takeover, and its outcome is recorded under its fence', async () => {
    // A lease well past a loaded machine's stalls (the spinning thread takes one of its two
    // cores), and a spin well past the lease.
    const lease = { leaseMs: 3_000, heartbeatIntervalMs: 100, recoveryIntervalMs: 50 };
    const { docket, scheduler } = await startDocket({ ...lease, concurrency: 1 });
    // A second server sweeps for expired leases too (it could not run the job itself).
    const { docket: other } = await startDocket(lease, [ExitProcessHandler]);
    const lost: unknown[] = [];
    for (const d of [docket, other]) d.on('job.leaseLost', (event) => lost.push(event));
    const id = await scheduler.enqueue(Object.assign(new SpinThreadJob(), { ms: 7_500 }));
    const { fence } = await waitFor(
      async () => {
        const job = await docket.getJob(id);
        return job?.state === 'processing' ? job : undefined;
      },
      { what: 'the claim' },
    );
    const job = await finished(docket, id);
    expect({ lost, job }).toMatchObject({
      lost: [],
      job: { state: 'succeeded', attempt: 1, fence, recordedFence: fence, result: 'spun' },
    });
    expect(job.history.filter((entry) => entry.state === 'processing')).toHaveLength(1);
  });
});
