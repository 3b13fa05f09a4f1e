/**
 * `JobContext.saveCheckpoint`: progress data kept with the job, which the next attempt reads
 * as `checkpoint`; validated at the call, and written only while the attempt holds the lease.
 */
import {
  AttemptCommittedError,
  CheckpointTooLargeError,
  LeaseLostError,
  NonSerializableCheckpointError,
  type Docket,
  type JobRecord,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { recordingJobType } from '../fixtures/recording-handler';

/**
 * What the handler does in each test (`steps.does`); `read`: what each attempt read as its
 * checkpoint.
 */
const steps = recordingJobType('job-checkpoints.steps', {
  retries: 2,
  backoff: { baseMs: 0 },
  maxCheckpointBytes: 2_048,
});
const read = steps.runs;

describe('checkpoints', () => {
  let db: TestDatabase;
  let docket: Docket;

  beforeAll(async () => {
    db = await openTestDatabase('job_checkpoints');
    ({ docket } = await createTestDocket(db, { handlers: [steps.handler] }));
    docket.on('error', () => undefined);
    await docket.startServer(FAST_SERVER);
  });

  afterEach(() => {
    read.length = 0;
  });

  afterAll(async () => {
    await docket?.close();
    await db?.cleanup();
  });

  const jobs = () => db.client.db(db.dbName).collection<JobRecord>('docket.jobs');

  async function settled(id: string): Promise<JobRecord> {
    return waitFor(
      async () => {
        const job = await jobs().findOne({ _id: id });
        return job && ['succeeded', 'failed'].includes(job.state) ? job : null;
      },
      { what: `job ${id} to finish`, timeoutMs: 20_000 },
    );
  }

  it('the next attempt reads the last checkpoint its predecessor saved', async () => {
    steps.does = async (ctx) => {
      const done = (ctx.checkpoint as { done: number } | undefined)?.done ?? 0;
      for (let step = done + 1; step <= 3; step++) {
        await ctx.saveCheckpoint({ done: step, at: new Date(Date.UTC(2026, 0, step)) });
        expect(ctx.checkpoint).toEqual({ done: step, at: new Date(Date.UTC(2026, 0, step)) });
        if (ctx.attempt === 1 && step === 2) throw new Error('crashed after step 2');
      }
    };
    const id = await docket.scheduler.enqueue(steps.job(1));
    const job = await settled(id);
    expect(job).toMatchObject({
      state: 'succeeded',
      attempt: 2,
      checkpoint: { data: { done: 3 }, attempt: 2 },
    });
    expect(read).toEqual([
      { attempt: 1, checkpoint: undefined },
      { attempt: 2, checkpoint: { done: 2, at: new Date(Date.UTC(2026, 0, 2)) } },
    ]);
  });

  it('a requeue of the finished job starts afresh, without its checkpoint', async () => {
    steps.does = async (ctx) => {
      if (ctx.checkpoint === undefined) await ctx.saveCheckpoint({ done: 3 });
    };
    const id = await docket.scheduler.enqueue(steps.job(5));
    expect((await settled(id)).checkpoint).toMatchObject({ data: { done: 3 } });
    await docket.scheduler.requeue(id);
    await waitFor(
      async () => (await jobs().findOne({ _id: id }))?.attempt === 1 && read.length === 2,
      {
        what: 'the requeued job to run',
      },
    );
    expect(read).toEqual([
      { attempt: 1, checkpoint: undefined },
      { attempt: 1, checkpoint: undefined },
    ]);
  });

  it('saving undefined removes the checkpoint', async () => {
    steps.does = async (ctx) => {
      await ctx.saveCheckpoint('half way');
      await ctx.saveCheckpoint(undefined);
      expect(ctx.checkpoint).toBeUndefined();
    };
    const id = await docket.scheduler.enqueue(steps.job(2));
    const job = await settled(id);
    expect(job.state).toBe('succeeded');
    expect(job).not.toHaveProperty('checkpoint');
  });

  it('refuses data that cannot be stored, or is too large, at the call, keeping the one before', async () => {
    const refusals: unknown[] = [];
    steps.does = async (ctx) => {
      await ctx.saveCheckpoint({ done: 1 });
      const tries: unknown[] = [
        { done: 2, callback: () => undefined },
        { done: 2, blob: 'x'.repeat(4_096) },
      ];
      for (const data of tries) {
        await ctx.saveCheckpoint(data).then(
          () => refusals.push('stored'),
          (error: unknown) => refusals.push(error),
        );
      }
      expect(ctx.checkpoint).toEqual({ done: 1 });
    };
    const id = await docket.scheduler.enqueue(steps.job(3));
    const job = await settled(id);
    expect(job).toMatchObject({ state: 'succeeded', checkpoint: { data: { done: 1 } } });
    expect(refusals[0]).toBeInstanceOf(NonSerializableCheckpointError);
    expect(refusals[0]).toMatchObject({ path: 'checkpoint.callback', jobId: id });
    expect(refusals[1]).toBeInstanceOf(CheckpointTooLargeError);
    expect(refusals[1]).toMatchObject({ limitBytes: 2_048, jobId: id });
  });

  it('inside the attempt’s transaction, saveCheckpoint and snooze are refused: it decides the outcome', async () => {
    const refusals: unknown[] = [];
    steps.does = async (ctx) => {
      await ctx.saveCheckpoint({ done: 1 });
      await ctx.transaction(async () => {
        refusals.push(await ctx.saveCheckpoint({ done: 2 }).catch((error: unknown) => error));
        refusals.push(await ctx.snooze({ delayMs: 1_000 }).catch((error: unknown) => error));
      });
      refusals.push(await ctx.saveCheckpoint({ done: 3 }).catch((error: unknown) => error));
    };
    const id = await docket.scheduler.enqueue(steps.job(6));
    const job = await settled(id);
    expect(job).toMatchObject({ state: 'succeeded', checkpoint: { data: { done: 1 } } });
    expect(job).not.toHaveProperty('snoozeCount');
    expect(refusals.map((error) => error instanceof AttemptCommittedError)).toEqual([
      true,
      true,
      true,
    ]);
    expect(refusals.map((error) => (error as AttemptCommittedError).committed)).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('a checkpoint written by an attempt that lost its lease is refused and not stored', async () => {
    let refused: unknown;
    steps.does = async (ctx) => {
      if (ctx.attempt > 1) return;
      await ctx.saveCheckpoint({ done: 1 });
      // Another server's claim (after this lease expired) moves the fencing token on.
      await jobs().updateOne({ _id: ctx.jobId }, { $inc: { fence: 1 } });
      refused = await ctx.saveCheckpoint({ done: 2 }).catch((error: unknown) => error);
    };
    const id = await docket.scheduler.enqueue(steps.job(4));
    await waitFor(() => refused, { what: 'the fenced save to settle' });
    expect(refused).toBeInstanceOf(LeaseLostError);
    const job = await jobs().findOne({ _id: id });
    expect(job?.checkpoint).toMatchObject({ data: { done: 1 }, attempt: 1 });
  });
});
