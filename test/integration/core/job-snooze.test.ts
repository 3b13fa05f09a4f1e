/**
 * `JobContext.snooze`: the job runs again at the time asked for, under the same attempt
 * number, its snoozes counted and kept; past the handler's `maxSnoozes` it fails for good.
 */
import { JobSnoozedError, SnoozeLimitError, type Docket, type JobRecord } from '../../../src';
import { ManualClock } from '../../../src/testing';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { recordingJobType } from '../fixtures/recording-handler';

/**
 * What the poll handler does in each test (`poll.does`); `runs`: the attempt numbers its runs
 * were given, and what they read as their checkpoint.
 */
const poll = recordingJobType('job-snooze.poll', {
  retries: 3,
  maxSnoozes: 2,
  backoff: { baseMs: 0 },
});
const runs = poll.runs;

describe('snoozing from inside the handler', () => {
  let db: TestDatabase;
  let docket: Docket;
  const clock = new ManualClock({ startAt: new Date('2026-03-01T12:00:00Z') });

  beforeAll(async () => {
    db = await openTestDatabase('job_snooze');
    ({ docket } = await createTestDocket(db, { handlers: [poll.handler], clock }));
    docket.on('error', () => undefined);
    await docket.startServer(FAST_SERVER);
  });

  afterEach(() => {
    runs.length = 0;
  });

  afterAll(async () => {
    await docket?.close();
    await db?.cleanup();
  });

  const jobs = () => db.client.db(db.dbName).collection<JobRecord>('docket.jobs');

  it('runs again at the snoozed time, keeping its attempt number and its checkpoint', async () => {
    poll.does = async (ctx) => {
      if (ctx.checkpoint !== undefined) return;
      await ctx.saveCheckpoint({ operation: 'op-7' });
      await ctx.snooze({ delayMs: 60_000, reason: 'the partner answered 429' });
      throw new Error('never reached: snooze rejects');
    };
    const snoozed = new Promise<unknown>((resolve) => docket.on('job.snoozed', resolve));
    const snoozedAt = clock.now();
    const id = await docket.scheduler.enqueue(poll.job(1));
    expect(await snoozed).toMatchObject({
      jobId: id,
      attempt: 1,
      until: new Date(snoozedAt.getTime() + 60_000),
      reason: 'the partner answered 429',
    });
    const waiting = await waitFor(
      async () => {
        const job = await jobs().findOne({ _id: id });
        return job?.state === 'scheduled' ? job : null;
      },
      { what: 'the snoozed job to be scheduled' },
    );
    // The claim counted an attempt, the snooze gave it back; nothing counts as an error.
    expect(waiting).toMatchObject({
      attempt: 0,
      dueAt: new Date(snoozedAt.getTime() + 60_000),
      snoozeCount: 1,
      snoozes: [
        {
          at: snoozedAt,
          until: new Date(snoozedAt.getTime() + 60_000),
          attempt: 1,
          reason: 'the partner answered 429',
        },
      ],
      error: null,
      checkpoint: { data: { operation: 'op-7' }, attempt: 1 },
    });
    expect(waiting.history.at(-1)).toMatchObject({
      state: 'scheduled',
      reason: expect.stringContaining('snoozed until') as unknown,
    });
    // Not due by the server's clock until it reaches the snooze's end.
    expect(runs).toHaveLength(1);
    clock.advance(60_000);
    await docket.scheduler.waitForJob(id, { timeoutMs: 20_000 });
    const done = await jobs().findOne({ _id: id });
    expect(done).toMatchObject({ state: 'succeeded', attempt: 1, snoozeCount: 1 });
    expect(runs).toEqual([
      { attempt: 1, checkpoint: undefined },
      { attempt: 1, checkpoint: { operation: 'op-7' } },
    ]);
  });

  it('a snooze stands whatever the handler does after it, and fires the signal', async () => {
    let reason: unknown;
    poll.does = async (ctx) => {
      if (ctx.attempt > 1 || runs.length > 1) return;
      await ctx.snooze({ until: clock.now() }).catch((snoozed: unknown) => {
        reason = ctx.signal.reason;
        expect(snoozed).toBe(reason);
        throw new Error('a handler that turns the snooze into a failure');
      });
    };
    const id = await docket.scheduler.enqueue(poll.job(2));
    await docket.scheduler.waitForJob(id, { timeoutMs: 20_000 });
    expect(reason).toBeInstanceOf(JobSnoozedError);
    const done = await jobs().findOne({ _id: id });
    expect(done).toMatchObject({ state: 'succeeded', attempt: 1, snoozeCount: 1, error: null });
    expect(runs.map((run) => run.attempt)).toEqual([1, 1]);
  });

  it('past maxSnoozes, snooze rejects with SnoozeLimitError and the job fails for good', async () => {
    let refused: unknown;
    poll.does = async (ctx) => {
      try {
        await ctx.snooze({ delayMs: 0 });
      } catch (error) {
        if (!(error instanceof SnoozeLimitError)) throw error;
        refused = error;
        throw error;
      }
    };
    const id = await docket.scheduler.enqueue(poll.job(3));
    await docket.scheduler.waitForJob(id, { timeoutMs: 20_000 }).catch(() => undefined);
    const failed = await waitFor(
      async () => {
        const job = await jobs().findOne({ _id: id });
        return job?.state === 'failed' ? job : null;
      },
      { what: 'the job to fail' },
    );
    expect(refused).toMatchObject({ limit: 2, jobId: id });
    // Two snoozes, then the third run's refusal: one attempt in all, not retried.
    expect(runs.map((run) => run.attempt)).toEqual([1, 1, 1]);
    expect(failed).toMatchObject({
      attempt: 1,
      snoozeCount: 2,
      error: { name: 'SnoozeLimitError' },
    });
  });
});
