import { IsInt } from 'class-validator';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  JobTimeoutError,
  type Docket,
  type DocketEvents,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
  type JobServerOptions,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';

/**
 * Handlers that ignore their signal: each invocation runs until the test opens its gate.
 * `running` counts invocations (not attempts) across every server of the test.
 */
const gates: Array<() => void> = [];
let running = 0;
let peak = 0;

async function stubborn(ctx: JobContext): Promise<void> {
  running++;
  peak = Math.max(peak, running);
  try {
    // The second attempt finishes at once; the first ignores its timeout until released.
    if (ctx.attempt === 1) await new Promise<void>((resolve) => gates.push(resolve));
  } finally {
    running--;
  }
}

const RETRY_AT_ONCE = { retries: 4, timeoutMs: 100, backoff: { baseMs: 0, maxMs: 0 } } as const;

@Job('overrun.plain')
class PlainJob implements IJob {
  @IsInt() n!: number;
}
@JobHandler(PlainJob, RETRY_AT_ONCE)
class PlainHandler implements IJobHandler<PlainJob> {
  handle(_job: PlainJob, ctx: JobContext): Promise<void> {
    return stubborn(ctx);
  }
}

@Job('overrun.per-type')
class PerTypeJob implements IJob {
  @IsInt() n!: number;
}
@JobHandler(PerTypeJob, { ...RETRY_AT_ONCE, concurrency: 1 })
class PerTypeHandler implements IJobHandler<PerTypeJob> {
  handle(_job: PerTypeJob, ctx: JobContext): Promise<void> {
    return stubborn(ctx);
  }
}

@Job('overrun.global')
class GlobalJob implements IJob {
  @IsInt() n!: number;
}
@JobHandler(GlobalJob, { ...RETRY_AT_ONCE, globalConcurrency: 1 })
class GlobalHandler implements IJobHandler<GlobalJob> {
  handle(_job: GlobalJob, ctx: JobContext): Promise<void> {
    return stubborn(ctx);
  }
}

@Job('overrun.keyed')
class KeyedJob implements IJob {
  @IsInt() n!: number;
}
@JobHandler(KeyedJob, { ...RETRY_AT_ONCE, concurrencyKey: { key: () => 'account:1' } })
class KeyedHandler implements IJobHandler<KeyedJob> {
  handle(_job: KeyedJob, ctx: JobContext): Promise<void> {
    return stubborn(ctx);
  }
}

const HANDLERS = [PlainHandler, PerTypeHandler, GlobalHandler, KeyedHandler];

describe('limits bound running invocations when a handler overruns its timeout (docs/design.md, guarantee 7)', () => {
  let db: TestDatabase;
  const dockets: Docket[] = [];

  async function startDocket(
    server: JobServerOptions,
  ): Promise<{ docket: Docket; scheduler: IJobScheduler }> {
    const { docket, container } = await createTestDocket(db, { handlers: HANDLERS });
    dockets.push(docket);
    await docket.startServer({ ...FAST_SERVER, ...server });
    return { docket, scheduler: container.resolve(JOB_SCHEDULER) };
  }

  beforeAll(async () => {
    db = await openTestDatabase('overrun_limits');
  });

  afterEach(async () => {
    gates.splice(0).forEach((open) => open());
    await Promise.all(dockets.splice(0).map((d) => d.close()));
    await db.client.db(db.dbName).dropDatabase();
    running = 0;
    peak = 0;
  });

  afterAll(() => db.cleanup());

  it.each([
    ['the server', PlainJob, { concurrency: 1 }],
    ['the job type', PerTypeJob, { concurrency: 5 }],
    ['the queue', PlainJob, { concurrency: 5, queueConcurrency: { default: 1 } }],
  ] as const)(
    'a limit of 1 on %s: the retry waits until the overrunning invocation settles',
    async (_what, jobClass, server) => {
      const { docket, scheduler } = await startDocket(server);
      const overrunning = nextEvent<DocketEvents['job.overrunning']>((l) =>
        docket.on('job.overrunning', l),
      );
      const id = await scheduler.enqueue(Object.assign(new jobClass(), { n: 1 }));
      // The attempt fails with its timeout at once and is due again at once; the invocation
      // still runs. Wait until the server shows it as overrunning in its registry entry (a
      // heartbeat later: the claim loop had many chances to claim the retry by then).
      await waitFor(
        async () => peak > 1 || (await docket.listServers()).some((s) => s.overrunning === 1),
        { what: 'a second invocation, or the registry showing the overrunning one' },
      );
      expect(peak).toBe(1);
      expect(await docket.listServers()).toMatchObject([{ running: 1, overrunning: 1 }]);
      expect(await overrunning).toMatchObject({ jobId: id, attempt: 1, reason: 'timeout' });
      const record = await docket.getJob(id);
      expect(record).toMatchObject({ state: 'scheduled', attempt: 1 });
      expect(record?.error?.name).toBe(new JobTimeoutError(1).name);

      const ended = nextEvent<DocketEvents['job.overrunEnded']>((l) =>
        docket.on('job.overrunEnded', l),
      );
      gates.shift()!();
      expect(await ended).toMatchObject({ jobId: id, attempt: 1 });
      await waitFor(async () => (await docket.getJob(id))?.state === 'succeeded', {
        what: 'the retry to succeed once the slot came free',
      });
      expect((await docket.getJob(id))?.attempt).toBe(2);
      expect(peak).toBe(1);
    },
  );

  it('a global limit of 1 across two servers: the overrunning invocation keeps its global slot', async () => {
    const a = await startDocket({ concurrency: 5 });
    await startDocket({ concurrency: 5 });
    const id = await a.scheduler.enqueue(Object.assign(new GlobalJob(), { n: 1 }));
    await waitFor(
      async () =>
        peak > 1 ||
        (await a.docket.getJob(id))?.history.some((h) =>
          h.reason?.startsWith('global concurrency limit of type:overrun.global reached'),
        ),
      { what: 'a second invocation, or a server finding the global limit reached' },
    );
    expect(peak).toBe(1);
    gates.shift()!();
    await waitFor(async () => (await a.docket.getJob(id))?.state === 'succeeded', {
      what: 'the retry to succeed once the global slot came free',
    });
    expect(peak).toBe(1);
  });

  it('a concurrency key of limit 1 across two servers: the overrunning invocation keeps its key', async () => {
    const a = await startDocket({ concurrency: 5 });
    await startDocket({ concurrency: 5 });
    const id = await a.scheduler.enqueue(Object.assign(new KeyedJob(), { n: 1 }));
    await waitFor(
      async () =>
        peak > 1 ||
        (await a.docket.getJob(id))?.history.some(
          (h) => h.reason === 'concurrency key account:1 at its limit',
        ),
      { what: 'a second invocation, or a server finding the key at its limit' },
    );
    expect(peak).toBe(1);
    gates.shift()!();
    await waitFor(async () => (await a.docket.getJob(id))?.state === 'succeeded', {
      what: 'the retry to succeed once the key came free',
    });
    expect(peak).toBe(1);
  });
});
