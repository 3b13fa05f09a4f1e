import { IsInt, IsString, Min } from 'class-validator';
import { inject, injectable, Lifecycle, scoped } from 'tsyringe';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  JobDeletedError,
  JobTimeoutError,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';

/** Behaviour a test asks of the handler, keyed by the job's `mode`. */
const behaviours = new Map<string, (ctx: JobContext, job: LifecycleJob) => unknown>();
const seenSignals: AbortSignal[] = [];
const scopedIds: number[] = [];

@injectable()
@scoped(Lifecycle.ContainerScoped)
class PerExecutionState {
  private static next = 0;
  readonly id = ++PerExecutionState.next;
}

@Job('lifecycle.job')
class LifecycleJob implements IJob {
  @IsString() mode!: string;
  @IsInt() @Min(0) value!: number;
}

@JobHandler(LifecycleJob, { retries: 2, timeoutMs: 5_000, backoff: { baseMs: 20, maxMs: 50 } })
class LifecycleHandler implements IJobHandler<LifecycleJob> {
  constructor(
    @inject(PerExecutionState) private readonly a: PerExecutionState,
    @inject(PerExecutionState) private readonly b: PerExecutionState,
  ) {}

  handle(job: LifecycleJob, ctx: JobContext): Promise<void> {
    if (this.a !== this.b) throw new Error('container-scoped dependency resolved twice');
    scopedIds.push(this.a.id);
    seenSignals.push(ctx.signal);
    const behaviour = behaviours.get(job.mode);
    if (!behaviour) return Promise.resolve();
    return behaviour(ctx, job) as Promise<void>;
  }
}

@Job('lifecycle.limited')
class LimitedJob implements IJob {
  @IsInt() n!: number;
}

let limitedRunning = 0;
let limitedPeak = 0;
const limitedGate: Array<() => void> = [];

@JobHandler(LimitedJob, { concurrency: 2 })
class LimitedHandler implements IJobHandler<LimitedJob> {
  async handle(): Promise<void> {
    limitedRunning++;
    limitedPeak = Math.max(limitedPeak, limitedRunning);
    await new Promise<void>((resolve) => limitedGate.push(resolve));
    limitedRunning--;
  }
}

function job(mode: string, value = 0): LifecycleJob {
  return Object.assign(new LifecycleJob(), { mode, value });
}

describe('job lifecycle', () => {
  let db: TestDatabase;
  let docket: Docket;
  let scheduler: IJobScheduler;

  const finished = (id: string): Promise<JobRecord> =>
    waitFor(
      async () => {
        const record = await docket.getJob(id);
        return record && ['succeeded', 'failed', 'deleted'].includes(record.state) ? record : null;
      },
      { what: `job ${id} to finish` },
    );

  beforeAll(async () => {
    db = await openTestDatabase('lifecycle');
    const created = await createTestDocket(db, { handlers: [LifecycleHandler, LimitedHandler] });
    docket = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
    await docket.startServer({ ...FAST_SERVER, concurrency: 8, pollIntervalMs: 2_000 });
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  afterEach(() => behaviours.clear());

  it('runs an enqueued job once and records success, duration and history', async () => {
    const id = await scheduler.enqueue(job('ok'));
    const record = await finished(id);
    expect(record).toMatchObject({
      state: 'succeeded',
      attempt: 1,
      type: 'lifecycle.job',
      queue: 'default',
    });
    expect(record.durationMs).toEqual(expect.any(Number));
    expect(record.history.map((h) => h.state)).toEqual(['enqueued', 'processing', 'succeeded']);
    expect(record.leaseOwner).toBeNull();
  });

  it('starts a job enqueued in the same process without waiting for a poll', async () => {
    // The server polls every 2 s when idle; a local enqueue must wake it at once.
    const idle = await scheduler.enqueue(job('ok'));
    await finished(idle);
    await new Promise<void>((resolve) => setImmediate(resolve));
    const started = nextEvent<{ jobId: string }>((l) => docket.on('job.started', l));
    const id = await scheduler.enqueue(job('ok'));
    const event = await Promise.race([
      started,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('waited for a poll')), 1_500),
      ),
    ]);
    expect(event.jobId).toBe(id);
  });

  it('resolves the handler from a child container per execution (scoped dependencies)', async () => {
    const before = scopedIds.length;
    const ids = await Promise.all([scheduler.enqueue(job('ok')), scheduler.enqueue(job('ok'))]);
    await Promise.all(ids.map(finished));
    const fresh = scopedIds.slice(before);
    expect(fresh).toHaveLength(2);
    expect(new Set(fresh).size).toBe(2);
  });

  it('rebuilds the payload into a class instance before the handler sees it', async () => {
    let seen: unknown;
    behaviours.set('instance', (_ctx, received) => {
      seen = received;
      return Promise.resolve();
    });
    await finished(await scheduler.enqueue(job('instance', 7)));
    expect(seen).toBeInstanceOf(LifecycleJob);
    expect(seen).toEqual(job('instance', 7));
  });

  it('runs a delayed job when due and a past date at once', async () => {
    const start = Date.now();
    const delayed = await scheduler.schedule(job('ok'), { delayMs: 300 });
    const past = await scheduler.schedule(job('ok'), { at: new Date(Date.now() - 60_000) });
    expect((await docket.getJob(delayed))?.state).toBe('scheduled');
    const [d, p] = await Promise.all([finished(delayed), finished(past)]);
    expect(p.history[0].state).toBe('enqueued');
    expect(d.history[0].state).toBe('scheduled');
    expect(d.state).toBe('succeeded');
    expect(p.state).toBe('succeeded');
    expect(d.startedAt!.getTime()).toBeGreaterThanOrEqual(start + 300);
  });

  it('retries with backoff and then succeeds', async () => {
    behaviours.set('flaky', (ctx) =>
      ctx.attempt < 3 ? Promise.reject(new Error(`flaky ${ctx.attempt}`)) : Promise.resolve(),
    );
    const id = await scheduler.enqueue(job('flaky'));
    const record = await finished(id);
    expect(record).toMatchObject({ state: 'succeeded', attempt: 3 });
    const states = record.history.map((h) => h.state);
    expect(states).toEqual([
      'enqueued',
      'processing',
      'scheduled',
      'processing',
      'scheduled',
      'processing',
      'succeeded',
    ]);
    expect(record.error).toMatchObject({ message: 'flaky 2' });
  });

  it('fails for good after its attempts with the error name, message and stack', async () => {
    class QuotaError extends Error {
      override name = 'QuotaError';
    }
    behaviours.set('broken', () => Promise.reject(new QuotaError('quota exceeded')));
    const record = await finished(await scheduler.enqueue(job('broken')));
    expect(record).toMatchObject({ state: 'failed', attempt: 3 });
    expect(record.error).toMatchObject({ name: 'QuotaError', message: 'quota exceeded' });
    expect(record.error?.stack).toContain('quota exceeded');
  });

  it('honours maxAttempts given at enqueue over the handler default', async () => {
    behaviours.set('broken', () => Promise.reject(new Error('no')));
    const record = await finished(await scheduler.enqueue(job('broken'), { maxAttempts: 1 }));
    expect(record).toMatchObject({ state: 'failed', attempt: 1 });
  });

  it.each([
    ['a thrown string', () => Promise.reject('just a string'), 'NonErrorThrown'],
    ['a thrown object', () => Promise.reject({ code: 42 }), 'NonErrorThrown'],
    [
      'a synchronous throw',
      () => {
        throw new RangeError('sync');
      },
      'RangeError',
    ],
    ['a non-promise return', () => 'garbage', 'TypeError'],
  ])('counts %s as a failed attempt', async (_label, behaviour, errorName) => {
    behaviours.set('bad', behaviour);
    const record = await finished(await scheduler.enqueue(job('bad'), { maxAttempts: 1 }));
    expect(record.state).toBe('failed');
    expect(record.error?.name).toBe(errorName);
  });

  it('times out a handler that never settles: signal aborted, attempt failed, process fine', async () => {
    behaviours.set('hang', () => new Promise(() => undefined));
    const id = await scheduler.enqueue(job('hang'), { timeoutMs: 100, maxAttempts: 2 });
    const record = await finished(id);
    expect(record).toMatchObject({ state: 'failed', attempt: 2 });
    expect(record.error?.name).toBe('JobTimeoutError');
    const signal = seenSignals[seenSignals.length - 1];
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(JobTimeoutError);
  });

  it('survives a handler that rejects after its timeout', async () => {
    let rejected = false;
    behaviours.set(
      'late',
      () =>
        new Promise((_, reject) =>
          setTimeout(() => {
            rejected = true;
            reject(new Error('late'));
          }, 200),
        ),
    );
    const record = await finished(
      await scheduler.enqueue(job('late'), { timeoutMs: 50, maxAttempts: 1 }),
    );
    expect(record.error?.name).toBe('JobTimeoutError');
    // The late rejection lands after the outcome was recorded; it must not crash the process.
    await waitFor(() => rejected, { what: 'the late rejection' });
    const after = await finished(await scheduler.enqueue(job('ok')));
    expect(after.state).toBe('succeeded');
  });

  it('records progress', async () => {
    behaviours.set('progress', async (ctx) => {
      await ctx.progress(10, 'starting');
      await ctx.progress(60, 'halfway');
    });
    const record = await finished(await scheduler.enqueue(job('progress')));
    expect(record.progress).toMatchObject({ percent: 60, message: 'halfway' });
  });

  it('deletes a waiting job so that it never runs', async () => {
    const id = await scheduler.schedule(job('ok'), { delayMs: 60_000 });
    await expect(scheduler.delete(id)).resolves.toBe(true);
    const record = await docket.getJob(id);
    expect(record).toMatchObject({ state: 'deleted', attempt: 0 });
    await expect(scheduler.delete(id)).resolves.toBe(false);
    await expect(scheduler.delete('no-such-job')).resolves.toBe(false);
  });

  it('deletes a running job: its signal fires and it ends as deleted', async () => {
    let running!: () => void;
    const isRunning = new Promise<void>((resolve) => (running = resolve));
    let reason: unknown;
    behaviours.set('long', (ctx) => {
      running();
      return new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => {
          reason = ctx.signal.reason;
          reject(ctx.signal.reason);
        }),
      );
    });
    const id = await scheduler.enqueue(job('long'));
    await isRunning;
    await expect(scheduler.delete(id)).resolves.toBe(true);
    await waitFor(() => reason, { what: 'the abort' });
    expect(reason).toBeInstanceOf(JobDeletedError);
    const record = await finished(id);
    expect(record.state).toBe('deleted');
    expect(record.history.map((h) => h.state)).toEqual(['enqueued', 'processing', 'deleted']);
  });

  it('runs higher priority first among due jobs', async () => {
    const order: number[] = [];
    behaviours.set('order', (_ctx, received) => {
      order.push(received.value);
      return Promise.resolve();
    });
    // Due in the past, inserted together: only priority decides.
    const at = new Date(Date.now() + 200);
    const ids = [];
    for (const [value, priority] of [
      [1, 0],
      [2, 10],
      [3, -5],
      [4, 10],
    ] as const) {
      ids.push(await scheduler.schedule(job('order', value), { at }, { priority }));
    }
    await Promise.all(ids.map(finished));
    expect(order.slice(0, 2).sort()).toEqual([2, 4]);
    expect(order[3]).toBe(3);
  });

  it('limits concurrency per job type', async () => {
    limitedPeak = 0;
    const ids = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => scheduler.enqueue(Object.assign(new LimitedJob(), { n }))),
    );
    for (let released = 0; released < ids.length; released++) {
      // Both slots fill before one is freed: the peak then says what the limit allows.
      const expected = Math.min(2, ids.length - released);
      await waitFor(() => limitedGate.length >= expected, {
        what: `${expected} limited jobs to run`,
      });
      expect(limitedRunning).toBeLessThanOrEqual(2);
      limitedGate.shift()!();
    }
    await Promise.all(ids.map(finished));
    expect(limitedPeak).toBe(2);
  });
});
