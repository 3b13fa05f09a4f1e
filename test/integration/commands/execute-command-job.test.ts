import { IsString } from 'class-validator';
import {
  BaseCommand,
  Command,
  ExecuteCommandJob,
  JOB_SCHEDULER,
  JobValidationError,
  NonSerializablePayloadError,
  UnknownCommandTypeError,
  type Docket,
  type IJobScheduler,
  type JobRecord,
} from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { alwaysFails, EFFECTS_COLLECTION, recordEffect } from '../fixtures/commands-shared';
import {
  startWorkerProcess,
  WORKER_FIXTURES,
  type WorkerProcess,
} from '../../helpers/worker-processes';

/** Known to this (producer) process only: the worker has no class for it. */
@Command('commands-it.producer-only')
class ProducerOnly extends BaseCommand {
  @IsString() note!: string;
}

const WORKER_SERVER = {
  pollIntervalMs: 50,
  minPollIntervalMs: 5,
  leaseMs: 2_000,
  heartbeatIntervalMs: 500,
  shutdownGraceMs: 1_000,
};

describe('ExecuteCommandJob across a process boundary', () => {
  let db: TestDatabase;
  let producer: Docket;
  let scheduler: IJobScheduler;
  let worker: WorkerProcess;

  beforeAll(async () => {
    db = await openTestDatabase('execute_command');
    // The producer enqueues only, as a web process would: it runs no server.
    const created = await createTestDocket(db, { handlers: [] });
    producer = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
    worker = await startWorkerProcess(
      'commands-worker',
      { uri: db.uri, dbName: db.dbName, server: WORKER_SERVER },
      { fixture: WORKER_FIXTURES.commands },
    );
  }, 60_000);

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await producer?.close();
    await db?.cleanup();
  });

  const jobs = () => db.client.db(db.dbName).collection<JobRecord>('docket.jobs');
  const effects = () => db.client.db(db.dbName).collection(EFFECTS_COLLECTION);
  const finished = (jobId: string) =>
    waitFor(
      async () => {
        const job = await jobs().findOne({ _id: jobId });
        return job?.state === 'succeeded' || job?.state === 'failed' ? job : null;
      },
      { timeoutMs: 20_000, what: `job ${jobId} to finish` },
    );

  it('stores the command under its stable name and runs it on the worker through the bus', async () => {
    const jobId = await scheduler.enqueue(new ExecuteCommandJob(recordEffect('cross-process', 7)));
    const stored = await jobs().findOne({ _id: jobId });
    expect(stored?.type).toBe('docket.execute-command');
    expect(stored?.payload).toEqual({
      commandType: 'commands-it.record-effect',
      command: { label: 'cross-process', n: 7 },
    });

    const job = await finished(jobId);
    expect(job.state).toBe('succeeded');
    expect(job.attempt).toBe(1);
    const effect = await effects().findOne({ label: 'cross-process' });
    expect(effect).toMatchObject({ n: 7, worker: 'commands-worker' });
    expect(effect?.pid).not.toBe(process.pid);
  });

  it('runs a scheduled command when it is due', async () => {
    const before = Date.now();
    const jobId = await scheduler.schedule(new ExecuteCommandJob(recordEffect('scheduled', 1)), {
      delayMs: 300,
    });
    expect((await jobs().findOne({ _id: jobId }))?.state).toBe('scheduled');
    const job = await finished(jobId);
    expect(job.state).toBe('succeeded');
    expect(job.startedAt!.getTime()).toBeGreaterThanOrEqual(before + 300);
    expect(await effects().countDocuments({ label: 'scheduled' })).toBe(1);
  });

  it('fails a command type the worker does not know at once, with UnknownCommandTypeError', async () => {
    const command = Object.assign(new ProducerOnly(), { note: 'the worker has no class for me' });
    const jobId = await scheduler.enqueue(new ExecuteCommandJob(command), { maxAttempts: 5 });
    const job = await finished(jobId);
    expect(job.state).toBe('failed');
    // Deterministic in that process: no retry was spent on it.
    expect(job.attempt).toBe(1);
    expect(job.error?.name).toBe('UnknownCommandTypeError');
    expect(job.error?.message).toMatch(
      /Command type 'commands-it.producer-only' is not known to this process/,
    );
    // The worker is still alive and serving.
    const next = await scheduler.enqueue(new ExecuteCommandJob(recordEffect('after-unknown', 2)));
    expect((await finished(next)).state).toBe('succeeded');
  });

  it('retries a command whose handler throws, then fails it with the handler’s error', async () => {
    const jobId = await scheduler.enqueue(new ExecuteCommandJob(alwaysFails('not today')), {
      maxAttempts: 2,
    });
    // Backoff between attempts is the handler's default (about a second).
    const job = await finished(jobId);
    expect(job.state).toBe('failed');
    expect(job.attempt).toBe(2);
    expect(job.error).toMatchObject({ name: 'FlakyCommandError', message: 'not today' });
  });

  it('refuses a command that breaks its rules at enqueue, and writes nothing', async () => {
    const before = await jobs().countDocuments();
    const error = await scheduler
      .enqueue(new ExecuteCommandJob(recordEffect('x'.repeat(60), -1)))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobValidationError);
    expect((error as JobValidationError).issues.map((issue) => issue.path)).toEqual([
      'command.label',
      'command.n',
    ]);
    const scheduled = await scheduler
      .schedule(new ExecuteCommandJob(recordEffect('ok', Number.NaN)), { delayMs: 10 })
      .catch((e: unknown) => e);
    expect(scheduled).toBeInstanceOf(JobValidationError);
    expect(await jobs().countDocuments()).toBe(before);
  });

  it('refuses a command that cannot be stored, and one without a stable name', async () => {
    const before = await jobs().countDocuments();
    const unstorable = Object.assign(new ProducerOnly(), { note: 'ok', callback: () => 1 });
    await expect(scheduler.enqueue(new ExecuteCommandJob(unstorable))).rejects.toThrow(
      NonSerializablePayloadError,
    );
    class Unnamed extends BaseCommand {}
    expect(() => new ExecuteCommandJob(new Unnamed())).toThrow(UnknownCommandTypeError);
    expect(await jobs().countDocuments()).toBe(before);
  });

  it('stops gracefully', async () => {
    expect(await worker.stop('SIGTERM')).toBe(0);
  });
});
