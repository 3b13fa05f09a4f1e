/**
 * A worker process killed with SIGKILL after it saved a checkpoint: another process runs the
 * next attempt, which receives the checkpoint, and the steps before it are not redone.
 */
import { JOB_SCHEDULER, type Docket, type IJobScheduler, type JobRecord } from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import {
  FAST_WORKER_SERVER,
  startWorkerProcess,
  WORKER_FIXTURES,
  type WorkerProcess,
} from '../../helpers/worker-processes';
import { checkpointedSteps } from '../fixtures/checkpoint-jobs';

const FAST = { ...FAST_WORKER_SERVER, concurrency: 4 };

describe('a checkpointed job whose worker process is killed', () => {
  let db: TestDatabase;
  let producer: Docket;
  let scheduler: IJobScheduler;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('checkpoint_crash');
    const created = await createTestDocket(db, { handlers: [] });
    producer = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
    // A step run twice in the same attempt would fail loudly.
    await db.client
      .db(db.dbName)
      .collection('steps')
      .createIndex({ jobId: 1, step: 1, attempt: 1 }, { unique: true });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await producer.close();
    await db.cleanup();
  });

  const start = async (id: string) => {
    const worker = await startWorkerProcess(
      id,
      { uri: db.uri, dbName: db.dbName, server: FAST },
      { fixture: WORKER_FIXTURES.checkpoints },
    );
    workers.push(worker);
    return worker;
  };

  it('resumes on another server from the checkpoint, without redoing the steps before it', async () => {
    const jobs = db.client.db(db.dbName).collection<JobRecord>('docket.jobs');
    const steps = db.client.db(db.dbName).collection('steps');
    const victim = await start('ckpt-victim');
    const id = await scheduler.enqueue(checkpointedSteps(5, 3));
    await waitFor(
      async () => {
        const job = await jobs.findOne({ _id: id });
        return (job?.checkpoint?.data as { done?: number } | undefined)?.done === 3;
      },
      { what: 'the victim to checkpoint step 3', timeoutMs: 30_000 },
    );
    expect(await victim.stop('SIGKILL')).toBe('SIGKILL');

    const survivor = await start('ckpt-survivor');
    const done = await waitFor(
      async () => {
        const job = await jobs.findOne({ _id: id });
        return job?.state === 'succeeded' ? job : null;
      },
      { what: 'the job to succeed on the survivor', timeoutMs: 30_000 },
    );
    expect(done).toMatchObject({ attempt: 2, checkpoint: { data: { done: 5 }, attempt: 2 } });
    const runs = await steps.find({ jobId: id }).sort({ step: 1 }).toArray();
    expect(runs.map((run) => [run.step, run.attempt, run.worker, run.resumedFrom])).toEqual([
      [1, 1, 'ckpt-victim', 0],
      [2, 1, 'ckpt-victim', 0],
      [3, 1, 'ckpt-victim', 0],
      [4, 2, 'ckpt-survivor', 3],
      [5, 2, 'ckpt-survivor', 3],
    ]);
    expect(await survivor.stop('SIGTERM')).toBe(0);
  }, 90_000);
});
