import { IsInt } from 'class-validator';
import { MongoClient, MongoServerError } from 'mongodb';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  StorageError,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import type { AttemptOutcome, ClaimRequest, JobLease } from '../../../src/storage/job-store';
import { MongoJobStore } from '../../../src/storage/mongo/mongo-job-store';
import { MongoSlotStore } from '../../../src/storage/mongo/mongo-slot-store';
import { newJobRecord } from '../../../src/storage/new-job-record';
import { RETENTION_DEFAULTS } from '../../../src/storage/retention';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { FailPoint } from '../../helpers/fail-point';
import { openOwnStandIn, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

/**
 * Storage faults injected with the `failCommand` fail point of a stand-in of this file's own
 * (the server has one such setting: on the shared test server, test files running in
 * parallel would reconfigure it under each other). Transient failures of outcome writes are
 * retried, and every failure that reaches a caller is a `StorageError`.
 */

@Job('storage-faults.work')
class FaultJob implements IJob {
  @IsInt() n!: number;
}

/** Per-test behaviour of the handler; `runs` counts starts by job id. */
let behaviour: (ctx: JobContext) => Promise<void> = async () => undefined;
const runs = new Map<string, number>();

@JobHandler(FaultJob, { retries: 3 })
class FaultHandler implements IJobHandler<FaultJob> {
  handle(_job: FaultJob, ctx: JobContext): Promise<void> {
    runs.set(ctx.jobId, (runs.get(ctx.jobId) ?? 0) + 1);
    return behaviour(ctx);
  }
}

/** The same work, dead-lettered when it fails for good. */
@Job('storage-faults.dead-letter')
class DeadLetterFaultJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(DeadLetterFaultJob, { retries: 0, onAttemptsExhausted: 'deadLetter' })
class DeadLetterFaultHandler implements IJobHandler<DeadLetterFaultJob> {
  handle(_job: DeadLetterFaultJob, ctx: JobContext): Promise<void> {
    runs.set(ctx.jobId, (runs.get(ctx.jobId) ?? 0) + 1);
    return behaviour(ctx);
  }
}

const fault = (n: number) => Object.assign(new FaultJob(), { n });
const leaseOf = (job: JobRecord): JobLease => ({ jobId: job._id, fence: job.fence });
const succeeded: AttemptOutcome = { state: 'succeeded', durationMs: 1 };

describe('storage faults', () => {
  let db: TestDatabase;
  let store: MongoJobStore;
  let failPoint: FailPoint;
  /** A client whose commands the tests count. */
  let monitored: MongoClient;
  const dockets: Docket[] = [];

  const request = (queue: string, serverId: string): ClaimRequest => ({
    queues: [queue],
    jobTypes: ['storage-faults.work'],
    serverId,
    leaseMs: 60_000,
    now: new Date(),
  });

  async function insertJobs(queue: string, count: number): Promise<string[]> {
    const records = Array.from({ length: count }, (_, n) =>
      newJobRecord({
        type: 'storage-faults.work',
        queue,
        priority: 0,
        payload: { n },
        state: 'enqueued',
        dueAt: new Date(),
        now: new Date(),
        maxAttempts: null,
        timeoutMs: null,
      }),
    );
    await store.insertMany(records);
    return records.map((record) => record._id);
  }

  /** A Docket on the monitored client; collects its 'error' events. */
  async function faultyDocket(): Promise<{
    docket: Docket;
    scheduler: IJobScheduler;
    errors: string[];
  }> {
    const { docket, container } = await createTestDocket(db, {
      mongo: { client: monitored, dbName: db.dbName },
      handlers: [FaultHandler, DeadLetterFaultHandler],
    });
    dockets.push(docket);
    const errors: string[] = [];
    docket.on('error', ({ context, error }) => errors.push(`${context}: ${error.message}`));
    return { docket, scheduler: container.resolve(JOB_SCHEDULER), errors };
  }

  beforeAll(async () => {
    db = await openOwnStandIn('storage_faults', 'replica-set');
    store = new MongoJobStore(db.client.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
    failPoint = new FailPoint(db);
  });

  /** Updates of the jobs collection the fail point client sent in this test. */
  let jobUpdates = 0;

  beforeEach(async () => {
    monitored = await new MongoClient(db.uri, { monitorCommands: true }).connect();
    jobUpdates = 0;
    monitored.on('commandStarted', (event) => {
      if (event.commandName === 'update' && event.command.update === 'docket.jobs') jobUpdates++;
    });
  });

  afterEach(async () => {
    await Promise.all(dockets.splice(0).map((d) => d.close()));
    await failPoint.off();
    await monitored.close();
    await store.collection.deleteMany({});
    behaviour = async () => undefined;
    runs.clear();
  });

  afterAll(() => db.cleanup());

  describe('outcome writes', () => {
    it('dead-letters a job whose last outcome write failed, once its lease lapses', async () => {
      const { docket, scheduler, errors } = await faultyDocket();
      behaviour = async () => {
        // Every write of the jobs fails from here on, the outcome's and its retries included.
        await failPoint.failCommand('docket.jobs', 'alwaysOn', {
          failCommands: ['findAndModify', 'update'],
          errorCode: 11600,
        });
        throw new Error('broken for good');
      };
      await docket.startServer({ ...FAST_SERVER, concurrency: 1 });
      const id = await scheduler.enqueue(Object.assign(new DeadLetterFaultJob(), { n: 1 }));
      await waitFor(() => errors.some((e) => e.includes("recording 'failed' failed")), {
        what: 'the outcome write to fail',
      });
      await failPoint.off();
      // The lease lapses; the job is claimed again past its attempts, and the handler's
      // onAttemptsExhausted holds for it as for an outcome the worker could write.
      const record = await waitFor(async () => {
        const job = await docket.getJob(id);
        return job?.state === 'failed' ? job : null;
      });
      expect(runs.get(id)).toBe(1);
      expect(record.deadLetteredAt).toBeInstanceOf(Date);
      expect(record.expireAt).toBeNull();
      expect(record.history.at(-1)?.reason).toBe(
        'attempts exhausted: the last worker stopped renewing its lease; moved to the dead-letter queue',
      );
    });

    it('retries an outcome write that lost its connection: the job succeeds in its first attempt', async () => {
      const { docket, scheduler, errors } = await faultyDocket();
      behaviour = async (ctx) => {
        // On the first run, the next findAndModify (this job's outcome) loses its connection.
        if (ctx.attempt > 1) return;
        await failPoint.failCommand(
          'docket.jobs',
          { times: 1 },
          { failCommands: ['findAndModify'], closeConnection: true },
        );
      };
      await docket.startServer({ ...FAST_SERVER, concurrency: 1 });
      const id = await scheduler.enqueue(fault(1));
      const record = await waitFor(async () => {
        const job = await docket.getJob(id);
        return job?.state === 'succeeded' ? job : null;
      });
      expect(record.attempt).toBe(1);
      expect(runs.get(id)).toBe(1);
      // A lost connection clears the pool and may fail other calls (a sweep): not the outcome.
      expect(errors.filter((e) => e.includes('recording'))).toEqual([]);
    });

    it('retries a batched outcome write that lost its connection', async () => {
      const { docket, scheduler, errors } = await faultyDocket();
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      behaviour = () => gate;
      // Long lease, heartbeat and sweep: no other update of the jobs meets the fail point.
      await docket.startServer({
        ...FAST_SERVER,
        concurrency: 10,
        leaseMs: 60_000,
        heartbeatIntervalMs: 30_000,
        recoveryIntervalMs: 60_000,
      });
      const ids = await scheduler.enqueueMany([fault(1), fault(2), fault(3), fault(4)]);
      await waitFor(() => ids.every((id) => runs.get(id) === 1), { what: 'all four to start' });
      await failPoint.failCommand(
        'docket.jobs',
        { times: 1 },
        { failCommands: ['update'], closeConnection: true },
      );
      const updatesBefore = jobUpdates;
      open(); // the four outcomes are recorded together, in one bulkWrite
      await waitFor(
        async () =>
          (await store.collection.countDocuments({ _id: { $in: ids }, state: 'succeeded' })) === 4,
        { what: 'the four outcomes' },
      );
      expect(jobUpdates - updatesBefore).toBe(2); // the failed bulkWrite and its retry
      for (const id of ids) expect(await store.findById(id)).toMatchObject({ attempt: 1 });
      // A lost connection clears the pool and may fail other calls (a sweep): not the outcome.
      expect(errors.filter((e) => e.includes('recording'))).toEqual([]);
    });

    it('reports a batched outcome as recorded even when the job changed before the check', async () => {
      const ids = await insertJobs('verify', 2);
      const worker = new MongoJobStore(monitored.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
      const { jobs: batch } = await worker.claimBatch(request('verify', 'worker'), 10);
      expect(batch.map((job) => job._id).sort()).toEqual([...ids].sort());
      // Between the bulkWrite and anything that follows, a retry due at once is claimed again
      // by another server: any read that follows is held until that claim is done.
      let thief: Promise<JobRecord | null> | undefined;
      monitored.on('commandSucceeded', (event) => {
        if (event.commandName === 'update') thief ??= store.claim(request('verify', 'thief'));
      });
      await failPoint.failCommand(
        'docket.jobs',
        { times: 1 },
        { failCommands: ['find'], blockConnection: true, blockTimeMS: 1_000 },
      );
      const [retried, done] = batch;
      const now = new Date();
      const results = await worker.finishMany([
        {
          lease: leaseOf(retried),
          outcome: {
            state: 'scheduled',
            durationMs: 1,
            error: { name: 'Error', message: 'again' },
            reason: 'attempt 1 failed: again',
            dueAt: new Date(0),
          },
          serverId: 'worker',
          now,
        },
        { lease: leaseOf(done), outcome: succeeded, serverId: 'worker', now },
      ]);
      expect(await thief).toMatchObject({ _id: retried._id, leaseOwner: 'thief', attempt: 2 });
      expect(results).toEqual([{ hasContinuations: false }, { hasContinuations: false }]);
    });

    it('reports an outcome recorded by an earlier try of the same write as recorded', async () => {
      await insertJobs('again', 3);
      const {
        jobs: [single, ...pair],
      } = await store.claimBatch(request('again', 'worker'), 10);
      const now = new Date();
      // The first try took effect but its reply was lost; the retry finds the job finished.
      expect(await store.finish(leaseOf(single), succeeded, 'worker', now)).toEqual({
        hasContinuations: false,
      });
      expect(await store.finish(leaseOf(single), succeeded, 'worker', now)).toEqual({
        hasContinuations: false,
      });
      const entries = pair.map((job) => ({
        lease: leaseOf(job),
        outcome: succeeded,
        serverId: 'worker',
        now,
      }));
      expect(await store.finishMany(entries)).toEqual([
        { hasContinuations: false },
        { hasContinuations: false },
      ]);
      expect(await store.finishMany(entries)).toEqual([
        { hasContinuations: false },
        { hasContinuations: false },
      ]);
      // A lease that was really lost is still reported lost.
      expect(
        await store.finish({ jobId: single._id, fence: single.fence - 1 }, succeeded, 'old', now),
      ).toBeNull();
    });

    it('does not retry an outcome write the server refused for good', async () => {
      const { docket, scheduler, errors } = await faultyDocket();
      behaviour = () =>
        failPoint.failCommand(
          'docket.jobs',
          { times: 1 },
          { failCommands: ['findAndModify'], errorCode: 2 },
        );
      // Long lease, heartbeat and sweep: a stall of the machine past a 1 s lease would end
      // the attempt before its outcome is written, and nothing would meet the fail point.
      await docket.startServer({
        ...FAST_SERVER,
        concurrency: 1,
        leaseMs: 60_000,
        heartbeatIntervalMs: 30_000,
        recoveryIntervalMs: 60_000,
      });
      const id = await scheduler.enqueue(fault(1));
      // Other reports (a slow sweep on a loaded machine) may come first: wait for this one.
      await waitFor(() => errors.some((e) => /recording 'succeeded' failed/.test(e)), {
        what: 'the failed outcome write to be reported',
      });
      expect(await store.findById(id)).toMatchObject({ state: 'processing', attempt: 1 });
    });
  });

  describe('expiry', () => {
    it('expires a job again after its failed outcome write was lost: its handler never runs', async () => {
      const { docket, scheduler, errors } = await faultyDocket();
      // Due a minute ago, with 1 s to start: every claim of it is too late.
      const id = await scheduler.schedule(
        fault(1),
        { at: new Date(Date.now() - 60_000) },
        { startWithinMs: 1_000 },
      );
      // The claim passes; the expired outcome's write after it is refused.
      await failPoint.failCommand(
        'docket.jobs',
        { skip: 1 },
        { failCommands: ['findAndModify'], errorCode: 2 },
      );
      await docket.startServer({ ...FAST_SERVER, concurrency: 1 });
      await waitFor(() => errors.some((e) => /recording 'failed' failed/.test(e)), {
        what: 'the failed outcome write to be reported',
      });
      expect(await store.findById(id)).toMatchObject({ state: 'processing', attempt: 1 });
      await failPoint.off();
      // The lease lapses, the job is recovered and claimed again, and expires again.
      const record = await waitFor(
        async () => {
          const job = await store.findById(id);
          return job?.state === 'failed' ? job : null;
        },
        { what: 'the job to fail as expired' },
      );
      expect(record).toMatchObject({ attempt: 2, error: { name: 'JobExpiredError' } });
      expect(runs.get(id)).toBeUndefined();
    });
  });

  describe('checkpoint writes', () => {
    it('a checkpoint write MongoDB refuses rejects with a StorageError and keeps the checkpoint before', async () => {
      const { docket, scheduler } = await faultyDocket();
      let refused: unknown;
      let readAfter: unknown;
      behaviour = async (ctx) => {
        await ctx.saveCheckpoint({ done: 1 });
        await failPoint.failCommand(
          'docket.jobs',
          { times: 1 },
          { failCommands: ['update'], errorCode: 2 },
        );
        refused = await ctx.saveCheckpoint({ done: 2 }).catch((error: unknown) => error);
        readAfter = ctx.checkpoint;
      };
      // Long lease, heartbeat and sweep: no other update of the jobs meets the fail point.
      await docket.startServer({
        ...FAST_SERVER,
        leaseMs: 60_000,
        heartbeatIntervalMs: 30_000,
        recoveryIntervalMs: 60_000,
      });
      const id = await scheduler.enqueue(fault(1));
      const record = await waitFor(async () => {
        const job = await docket.getJob(id);
        return job?.state === 'succeeded' ? job : null;
      });
      expect(refused).toBeInstanceOf(StorageError);
      expect(((refused as StorageError).cause as MongoServerError).code).toBe(2);
      expect(readAfter).toEqual({ done: 1 });
      expect(record.checkpoint).toMatchObject({ data: { done: 1 }, attempt: 1 });
    });
  });

  describe('edits and outcomes callers write to waiting jobs', () => {
    /** Runs `call` while MongoDB refuses the jobs' next findAndModify; the job stays as it was. */
    async function refusedWrite(id: string, call: () => Promise<unknown>): Promise<void> {
      const before = await store.findById(id);
      await failPoint.failCommand(
        'docket.jobs',
        { times: 1 },
        { failCommands: ['findAndModify'], errorCode: 2 },
      );
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StorageError);
      expect(((error as StorageError).cause as MongoServerError).code).toBe(2);
      expect(await store.findById(id)).toEqual(before);
    }

    it('a replaced payload, a new due time and a priority whose write fails leave the job unchanged', async () => {
      const { scheduler } = await faultyDocket();
      const id = await scheduler.schedule(fault(1), { delayMs: 3_600_000 });
      await refusedWrite(id, () => scheduler.replacePayload(id, fault(2)));
      await refusedWrite(id, () => scheduler.runNow(id));
      await refusedWrite(id, () => scheduler.changePriority(id, 5));
      await expect(scheduler.replacePayload(id, fault(2))).resolves.toBe(true);
    });

    it('an upsert whose replacement fails leaves the holder unchanged', async () => {
      const { scheduler } = await faultyDocket();
      const options = { uniqueKey: 'fault:upsert', onDuplicateKey: 'replace' } as const;
      const id = await scheduler.enqueue(fault(1), options);
      await refusedWrite(id, () => scheduler.enqueue(fault(2), options));
      expect(await store.collection.countDocuments({})).toBe(1);
    });

    it('a mark whose write fails leaves the job waiting, and nothing follows', async () => {
      const { docket, scheduler } = await faultyDocket();
      const events: string[] = [];
      docket.on('job.failed', ({ jobId }) => events.push(jobId));
      const id = await scheduler.schedule(fault(1), { delayMs: 3_600_000 });
      await refusedWrite(id, () => scheduler.markFailed(id, { message: 'declined' }));
      await refusedWrite(id, () => scheduler.markSucceeded(id));
      expect(events).toEqual([]);
    });
  });

  describe('every storage call fails with a StorageError that keeps the driver error', () => {
    const expectStorageError = async (call: Promise<unknown>, action: RegExp) => {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).message).toMatch(action);
      expect((error as StorageError).cause).toBeInstanceOf(MongoServerError);
      expect(((error as StorageError).cause as MongoServerError).code).toBe(2);
    };

    it('taking a global concurrency slot', async () => {
      const slots = new MongoSlotStore(monitored.db(db.dbName), 'docket.');
      await failPoint.failCommand(
        'docket.slots',
        { times: 1 },
        { failCommands: ['update'], errorCode: 2 },
      );
      await expectStorageError(
        slots.acquire('type:x', 1, { jobId: 'a', fence: 1, serverId: 's' }, 60_000),
        /concurrency slot/,
      );
    });

    it('reading the job that holds a uniqueKey while requeueing', async () => {
      const fields = {
        type: 'storage-faults.work',
        queue: 'default',
        priority: 0,
        payload: { n: 1 },
        dueAt: new Date(),
        now: new Date(),
        maxAttempts: null,
        timeoutMs: null,
        uniqueKey: 'report-1',
      };
      // A finished job keeps its uniqueKey for display; an unfinished one holds it.
      const finished = newJobRecord({ ...fields, state: 'succeeded' });
      delete finished.activeUniqueKey;
      const holder = newJobRecord({ ...fields, state: 'enqueued' });
      await store.insertMany([finished, holder]);
      const worker = new MongoJobStore(monitored.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
      // The first find reads the job; the one after the duplicate key error fails.
      await failPoint.failCommand(
        'docket.jobs',
        { skip: 1 },
        { failCommands: ['find'], errorCode: 2 },
      );
      await expectStorageError(worker.requeue(finished._id, new Date()), /uniqueKey/);
    });
  });
});
