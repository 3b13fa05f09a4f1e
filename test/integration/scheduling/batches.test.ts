import { IsBoolean, IsInt } from 'class-validator';
import type { CommandStartedEvent } from 'mongodb';
import type { DependencyContainer } from 'tsyringe';
import {
  BatchNotFoundError,
  CommandBus,
  CreateBatchCommand,
  InvalidOptionsError,
  Job,
  JobHandler,
  JobValidationError,
  StorageError,
  type Docket,
  type DocketEvents,
  type IJob,
  type IJobHandler,
  type JobContext,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { FailPoint } from '../../helpers/fail-point';
import { openOwnStandIn, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';

@Job('batches-it.step')
class StepJob implements IJob {
  @IsInt() n = 0;
  @IsBoolean() fail = false;
  /** Waits for the test's gate (or its signal). */
  @IsBoolean() hold = false;
}

/** Records what ran; fails jobs marked so, holds jobs marked so until the gate opens. */
const runs = {
  started: [] as number[],
  gate: { open: () => undefined as void, opened: Promise.resolve() },
  closeGate(): void {
    this.gate.opened = new Promise<void>((resolve) => (this.gate.open = resolve));
  },
};

@JobHandler(StepJob, { retries: 0 })
class StepHandler implements IJobHandler<StepJob> {
  async handle(job: StepJob, ctx: JobContext): Promise<void> {
    runs.started.push(job.n);
    if (job.hold) {
      await Promise.race([
        runs.gate.opened,
        new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        ),
      ]);
    }
    if (job.fail) throw new Error(`step ${job.n} failed`);
  }
}

const step = (n: number, extra: Partial<StepJob> = {}) =>
  Object.assign(new StepJob(), { n, ...extra });

/**
 * Batches on a replica-set stand-in of this file's own (its fail points are server-wide):
 * atomic creation, counts, continuations on success or on any end, nesting, cancellation,
 * and the recovery of a count lost on the way.
 */
describe('batches', () => {
  let db: TestDatabase;
  let docket: Docket;
  let container: DependencyContainer;
  let failPoint: FailPoint;
  let errors: Array<DocketEvents['error']>;

  const collection = (name: string) => db.client.db(db.dbName).collection(`docket.${name}`);
  const ended = (batchId: string) =>
    nextEvent<DocketEvents['batch.ended']>(
      (listener) => docket.on('batch.ended', listener),
      (event) => event.batchId === batchId,
      20_000,
    );

  beforeAll(async () => {
    db = await openOwnStandIn('batches', 'replica-set');
    failPoint = new FailPoint(db);
    ({ docket, container } = await createTestDocket(db, {
      mongo: { uri: db.uri, dbName: db.dbName, clientOptions: { monitorCommands: true } },
      handlers: [StepHandler],
    }));
    await docket.startServer({ ...FAST_SERVER, concurrency: 8 });
  });

  beforeEach(() => {
    runs.started = [];
    runs.gate.open();
    errors = [];
    docket.on('error', (event) => void errors.push(event));
  });

  afterEach(async () => {
    await failPoint.off();
    runs.gate.open();
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  it('runs the "finished" continuation and not the "succeeded" one when a job fails', async () => {
    const batchId = await docket.scheduler.createBatch({
      description: 'one of three fails',
      jobs: [step(1), step(2, { fail: true }), step(3)],
      continuations: [
        { job: step(100), on: 'succeeded' },
        { job: step(200), on: 'finished' },
      ],
    });
    const end = await ended(batchId);
    expect(end.state).toBe('finished');
    expect(await docket.scheduler.getBatch(batchId)).toMatchObject({
      state: 'finished',
      description: 'one of three fails',
      total: 3,
      succeeded: 2,
      failed: 1,
      deleted: 0,
      pending: 0,
      continuations: 2,
    });
    const continuations = await collection('jobs')
      .find({ awaitsBatch: batchId })
      .sort({ 'payload.n': 1 })
      .toArray();
    expect(continuations.map((job) => [job.payload.n, job.state])).toEqual([
      [100, 'deleted'],
      [200, expect.stringMatching(/^(enqueued|processing|succeeded)$/)],
    ]);
    await waitFor(() => runs.started.includes(200), { what: 'the finished continuation' });
    expect(runs.started).not.toContain(100);
  });

  it('runs both continuations when every job succeeds, with at most one count write per job', async () => {
    const commands: string[] = [];
    const listener = (event: CommandStartedEvent) => {
      if (event.command[event.commandName] === 'docket.batches') commands.push(event.commandName);
    };
    docket.database.client.on('commandStarted', listener);
    try {
      const batchId = await docket.scheduler.createBatch({
        jobs: Array.from({ length: 20 }, (_, n) => step(n)),
        continuations: [{ job: step(100) }, { job: step(200), on: 'finished' }],
      });
      const before = commands.length;
      expect((await ended(batchId)).state).toBe('succeeded');
      expect(await docket.scheduler.getBatch(batchId)).toMatchObject({
        total: 20,
        succeeded: 20,
        pending: 0,
      });
      // The end writes its state, marks its continuations resolved and claims the telling of
      // its end (its event, its count in a parent). (Reads are the end's check and the
      // recovery sweep's.)
      const writes = commands
        .slice(before)
        .filter((name) => name !== 'find' && name !== 'aggregate');
      // At most one count per job: finishes that come while a count is on its way share the next.
      const counts = writes.filter((name) => name === 'findAndModify').length;
      expect(counts).toBeGreaterThanOrEqual(1);
      expect(counts).toBeLessThanOrEqual(20);
      expect(writes.filter((name) => name !== 'findAndModify')).toEqual([
        'update',
        'update',
        'update',
      ]);
      await waitFor(() => runs.started.includes(100) && runs.started.includes(200), {
        what: 'both continuations',
      });
    } finally {
      docket.database.client.off('commandStarted', listener);
    }
  });

  it('ends a nested batch first, counting it as one item of the outer one', async () => {
    const outerId = await docket.scheduler.createBatch({
      jobs: [step(1)],
      batches: [{ description: 'inner', jobs: [step(2), step(3)] }],
      continuations: [{ job: step(100) }],
    });
    const outer = ended(outerId);
    const { batches } = await docket.listBatches({ parentBatchId: outerId });
    expect(batches).toHaveLength(1);
    const innerId = batches[0].id;
    expect((await outer).state).toBe('succeeded');
    const inner = (await docket.scheduler.getBatch(innerId))!;
    expect(inner).toMatchObject({ state: 'succeeded', parentBatchId: outerId, total: 2 });
    expect(await docket.scheduler.getBatch(outerId)).toMatchObject({ total: 2, succeeded: 2 });
    expect(inner.finishedAt!.getTime()).toBeLessThanOrEqual(
      (await docket.scheduler.getBatch(outerId))!.finishedAt!.getTime(),
    );
    await waitFor(() => runs.started.includes(100), { what: 'the outer continuation' });
  });

  it('a nested batch that did not succeed makes the outer one finished', async () => {
    const outerId = await docket.scheduler.createBatch({
      jobs: [step(1)],
      batches: [{ jobs: [step(2, { fail: true })] }],
      continuations: [{ job: step(100) }],
    });
    expect((await ended(outerId)).state).toBe('finished');
    expect(await docket.scheduler.getBatch(outerId)).toMatchObject({ succeeded: 1, failed: 1 });
    expect((await collection('jobs').findOne({ awaitsBatch: outerId }))?.state).toBe('deleted');
  });

  it('leaves no job and no batch when the creation fails midway', async () => {
    // 2,500 jobs are written in three inserts; the second fails.
    await failPoint.failCommand(
      'docket.jobs',
      { skip: 1 },
      {
        failCommands: ['insert'],
        errorCode: 2,
      },
    );
    const spec = {
      jobs: Array.from({ length: 2_500 }, (_, n) => step(n)),
      continuations: [{ job: step(100) }],
    };
    const error = await docket.scheduler.createBatch(spec).catch((e: unknown) => e);
    await failPoint.off();
    expect(error).toBeInstanceOf(StorageError);
    expect(await collection('jobs').countDocuments({ batchPending: { $exists: true } })).toBe(0);
    expect(await collection('jobs').countDocuments({ 'payload.n': 2_499 })).toBe(0);
    expect(await collection('batches').countDocuments({ state: 'creating' })).toBe(0);
    expect(runs.started).toEqual([]);
  });

  it('keeps the jobs of a batch being created from running until it starts', async () => {
    // The start (one update of the batch) answers late: the jobs are stored meanwhile.
    await failPoint.failCommand(
      'docket.batches',
      { times: 1 },
      {
        failCommands: ['update'],
        blockConnection: true,
        blockTimeMS: 600,
      },
    );
    const creating = docket.scheduler.createBatch({ jobs: [step(1), step(2)] });
    await waitFor(
      async () =>
        (await collection('jobs').countDocuments({ batchPending: { $exists: true } })) === 2,
      { what: 'the pending jobs' },
    );
    const pending = await collection('jobs')
      .find({ batchPending: { $exists: true } })
      .toArray();
    expect(pending.map((job) => job.state)).toEqual(['awaiting', 'awaiting']);
    expect(runs.started).toEqual([]);
    const batchId = await creating;
    expect((await ended(batchId)).state).toBe('succeeded');
    expect(runs.started.sort()).toEqual([1, 2]);
  });

  it('in the caller’s transaction, exists only if it commits', async () => {
    const session = docket.database.client.startSession();
    try {
      const aborted = await session
        .withTransaction(async () => {
          await docket.scheduler.createBatch({ jobs: [step(5_001)] }, { session });
          throw new Error('the order was refused');
        })
        .catch((e: unknown) => e);
      expect(aborted).toEqual(new Error('the order was refused'));
      expect(await collection('jobs').countDocuments({ 'payload.n': 5_001 })).toBe(0);
      let batchId = '';
      await session.withTransaction(async () => {
        batchId = await docket.scheduler.createBatch(
          { jobs: [step(7)], continuations: [{ job: step(8) }] },
          { session },
        );
      });
      expect((await ended(batchId)).state).toBe('succeeded');
      await waitFor(() => runs.started.includes(8), { what: 'the continuation' });
    } finally {
      await session.endSession();
    }
  });

  it('cancels a batch: unfinished jobs deleted (the running one aborted), continuations deleted', async () => {
    runs.closeGate();
    const batchId = await docket.scheduler.createBatch({
      jobs: [step(901, { hold: true }), step(902, { hold: true })],
      batches: [{ jobs: [step(903, { hold: true })] }],
      continuations: [{ job: step(100), on: 'finished' }],
    });
    await waitFor(() => runs.started.length === 3, { what: 'the held jobs to start' });
    const end = ended(batchId);
    expect(await docket.scheduler.cancelBatch(batchId)).toBe(true);
    expect((await end).state).toBe('cancelled');
    const held = { 'payload.n': { $in: [901, 902, 903] } };
    expect(await collection('jobs').countDocuments(held)).toBe(3);
    expect(await collection('jobs').countDocuments({ ...held, state: { $ne: 'deleted' } })).toBe(0);
    expect((await collection('jobs').findOne({ awaitsBatch: batchId }))?.state).toBe('deleted');
    const { batches } = await docket.listBatches({ parentBatchId: batchId });
    expect(batches.map((batch) => batch.state)).toEqual(['cancelled']);
    expect(await docket.scheduler.cancelBatch(batchId)).toBe(false);
    expect(runs.started).not.toContain(100);
  });

  it('counts a job deleted before it finished as deleted: the batch ends finished', async () => {
    const batchId = await docket.scheduler.createBatch({
      jobs: [step(950), step(951)],
      options: { delayMs: 3_600_000 },
    });
    const { jobs } = await docket.scheduler.findJobs({ batchId });
    expect(jobs.map((job) => job.state)).toEqual(['scheduled', 'scheduled']);
    const end = ended(batchId);
    for (const job of jobs) expect(await docket.scheduler.delete(job._id)).toBe(true);
    expect((await end).state).toBe('finished');
    expect(await docket.scheduler.getBatch(batchId)).toMatchObject({ deleted: 2, pending: 0 });
  });

  it('adds a continuation to a batch that ended: it runs at once', async () => {
    const batchId = await docket.scheduler.createBatch({ jobs: [step(1)] });
    await ended(batchId);
    const jobId = await docket.scheduler.continueBatchWith(batchId, step(300), { on: 'finished' });
    expect((await docket.scheduler.waitForJob(jobId, { timeoutMs: 10_000 })).state).toBe(
      'succeeded',
    );
    expect((await docket.scheduler.getBatch(batchId))?.continuations).toBe(1);
  });

  it('refuses a continuation of an unknown batch, writing nothing', async () => {
    const before = await collection('jobs').countDocuments();
    await expect(docket.scheduler.continueBatchWith('no-such-batch', step(1))).rejects.toThrow(
      BatchNotFoundError,
    );
    expect(await collection('jobs').countDocuments()).toBe(before);
  });

  it('refuses an invalid spec whole, naming the part, writing nothing', async () => {
    const jobsBefore = await collection('jobs').countDocuments();
    const batchesBefore = await collection('batches').countDocuments();
    const cases: Array<[unknown, RegExp, (new (...args: never[]) => Error)?]> = [
      [{}, /holds no job and no batch/],
      [{ jobs: 'x' }, /spec\.jobs must be an array/],
      [
        {
          jobs: [step(1)],
          batches: [{ jobs: [step(2), { job: step(3), options: { queue: '' } }] }],
        },
        /spec\.batches\[0\]\.jobs\[1\]\.options/,
      ],
      [{ jobs: [step(1)], options: { delayMs: -1 } }, /spec\.options\.delayMs/],
      [
        { jobs: [step(1)], continuations: [{ job: step(2), on: 'always' }] },
        /spec\.continuations\[0\]\.on/,
      ],
      [{ jobs: [step(1)], extra: true }, /extra/],
      [{ jobs: [step(1), Object.assign(new StepJob(), { n: 'two' })] }, /./, JobValidationError],
    ];
    for (const [spec, message, type] of cases) {
      const error = await docket.scheduler.createBatch(spec as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type ?? InvalidOptionsError);
      expect((error as Error).message).toMatch(message);
    }
    expect(await collection('jobs').countDocuments()).toBe(jobsBefore);
    expect(await collection('batches').countDocuments()).toBe(batchesBefore);
  });

  it('ends a batch whose count was lost on the way: the recovery sweep checks idle batches', async () => {
    // The count of the one job fails: the batch's counts never reach its total by themselves.
    await failPoint.failCommand(
      'docket.batches',
      { times: 1 },
      {
        failCommands: ['findAndModify'],
        errorCode: 2,
      },
    );
    const batchId = await docket.scheduler.createBatch({ jobs: [step(1)] });
    expect((await ended(batchId)).state).toBe('succeeded');
    expect(errors.map((e) => e.context)).toContainEqual(
      expect.stringContaining('counting the job in its batch failed'),
    );
    expect(await docket.scheduler.getBatch(batchId)).toMatchObject({ succeeded: 1, pending: 0 });
  });

  it('tells the end of a nested batch once, when the sweep finds it before its ender resolved it', async () => {
    runs.closeGate();
    const outerId = await docket.scheduler.createBatch({
      jobs: [step(1, { hold: true })],
      batches: [{ jobs: [step(2)] }],
    });
    const { batches } = await docket.listBatches({ parentBatchId: outerId });
    const innerId = batches[0].id;
    await ended(innerId);
    await waitFor(async () => (await docket.scheduler.getBatch(outerId))?.succeeded === 1, {
      what: 'the nested batch to be counted in the outer one',
    });
    // As the recovery sweep finds it while its ender is between its end and the resolution of
    // its continuations: not resolved yet.
    const told: string[] = [];
    const off = docket.on('batch.ended', (event) => void told.push(event.batchId));
    await collection('batches').updateOne(
      { _id: innerId as never },
      { $set: { continuationsResolved: false } },
    );
    await waitFor(
      async () =>
        (await collection('batches').findOne({ _id: innerId as never }))?.continuationsResolved,
      { what: 'the sweep to resolve the nested batch' },
    );
    off();
    expect(told).toEqual([]);
    expect(await docket.scheduler.getBatch(outerId)).toMatchObject({
      state: 'started',
      succeeded: 1,
      pending: 1,
    });
    runs.gate.open();
    expect((await ended(outerId)).state).toBe('succeeded');
  });

  it('is created by a saga’s CreateBatchCommand', async () => {
    const bus = CommandBus.register(container, { handlers: [] });
    const batchId = await bus.execute(new CreateBatchCommand({ jobs: [step(1), step(2)] }));
    expect((await ended(batchId)).state).toBe('succeeded');
  });
});
