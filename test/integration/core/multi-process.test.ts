import { JOB_SCHEDULER, type Docket, type IJobScheduler } from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import {
  FAST_WORKER_SERVER,
  startWorkerProcess,
  type WorkerProcess,
} from '../../helpers/worker-processes';
import { effect, slow } from '../fixtures/multi-process-jobs';

const FAST = { ...FAST_WORKER_SERVER, concurrency: 20 };
/**
 * The drain's servers hold leases no stall of a loaded shared server outlasts: with 1.5 s,
 * heartbeats that waited over 300 ms for an answer lost leases in a fresh-clone run, the
 * jobs ran again, their effects' unique index failed them, and the drain never ended. The
 * drain is about sharing the work exactly once, not about expiry (the kill test's is).
 */
const DRAIN = { ...FAST, leaseMs: 30_000, heartbeatIntervalMs: 1_000, recoveryIntervalMs: 1_000 };

describe('several worker processes on one database', () => {
  let db: TestDatabase;
  let producer: Docket;
  let scheduler: IJobScheduler;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('multi_process');
    // The producer enqueues only: it runs no server, as a web process would.
    const created = await createTestDocket(db, { handlers: [] });
    producer = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
    await db.client.db(db.dbName).collection('effects').createIndex({ jobId: 1 }, { unique: true });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await producer.close();
    await db.cleanup();
  });

  const jobs = () => db.client.db(db.dbName).collection('docket.jobs');
  const effects = () => db.client.db(db.dbName).collection('effects');

  /**
   * The jobs by state and lease owner, whether the claim index and a scan agree on the
   * claimable ones, the registered servers, and each worker's warnings: what a wait that timed
   * out needs to be understood (they showed the lost leases behind {@link DRAIN}).
   */
  async function whereJobsAre(): Promise<string> {
    const byState = await jobs()
      .aggregate([{ $group: { _id: { state: '$state', owner: '$leaseOwner' }, n: { $sum: 1 } } }])
      .toArray();
    const claimable = { state: { $in: ['enqueued', 'scheduled'] }, dueAt: { $lte: new Date() } };
    const [byIndex, byScan] = await Promise.all(
      ['claim', { $natural: 1 }].map((hint) =>
        jobs()
          .find(claimable, { hint, projection: { _id: 1 } })
          .toArray()
          .then((found) => found.length),
      ),
    );
    const servers = await db.client
      .db(db.dbName)
      .collection('docket.servers')
      .find({}, { projection: { _id: 1, heartbeatAt: 1, queues: 1 } })
      .toArray();
    const outputs = workers.map((worker) => `--- ${worker.id} stderr:\n${worker.output()}`);
    return [
      JSON.stringify({ byState, claimable: { byIndex, byScan }, servers, now: new Date() }),
      ...outputs,
    ].join('\n');
  }

  /** Rejects as `waiting` does, with where the jobs are added to the message. */
  const explained = <T>(waiting: Promise<T>): Promise<T> =>
    waiting.catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await whereJobsAre()}`);
    });

  it('3 processes drain 3,000 jobs, each side effect exactly once', async () => {
    const started = await Promise.all(
      ['drain-a', 'drain-b', 'drain-c'].map((id) =>
        startWorkerProcess(id, { uri: db.uri, dbName: db.dbName, server: DRAIN }),
      ),
    );
    workers.push(...started);
    const ids: string[] = [];
    for (let batch = 0; batch < 30; batch++) {
      ids.push(
        ...(await Promise.all(
          Array.from({ length: 100 }, (_, i) => scheduler.enqueue(effect(batch * 100 + i))),
        )),
      );
    }
    await explained(
      waitFor(
        async () =>
          (await jobs().countDocuments({ type: 'mp.effect', state: 'succeeded' })) === 3_000,
        {
          timeoutMs: 120_000,
          intervalMs: 200,
          what: '3,000 jobs to succeed',
        },
      ),
    );
    expect(await effects().countDocuments()).toBe(3_000);
    expect(new Set((await effects().find().toArray()).map((e) => e.jobId))).toEqual(new Set(ids));
    // No job needed a second attempt: nothing ran twice, nothing failed.
    expect(await jobs().countDocuments({ type: 'mp.effect', attempt: { $ne: 1 } })).toBe(0);
    const perWorker = await effects()
      .aggregate([{ $group: { _id: '$worker', n: { $sum: 1 } } }])
      .toArray();
    expect(perWorker.length).toBeGreaterThanOrEqual(2);
    process.stdout.write(`drain split across workers: ${JSON.stringify(perWorker)}\n`);
    const codes = await Promise.all(started.map((w) => w.stop('SIGTERM')));
    expect(codes).toEqual([0, 0, 0]);
  }, 180_000);

  it('a worker killed with SIGKILL mid-job: the job completes elsewhere on attempt 2, nothing lost or doubled', async () => {
    const victim = await startWorkerProcess('victim', {
      uri: db.uri,
      dbName: db.dbName,
      server: FAST,
    });
    workers.push(victim);
    const slowId = await scheduler.enqueue(slow(1));
    const starts = db.client.db(db.dbName).collection('starts');
    await waitFor(() => starts.findOne({ jobId: slowId, attempt: 1 }), {
      what: 'the victim to start the slow job',
      timeoutMs: 30_000,
    });
    // Its log lines are written within the flush interval (500 ms by default).
    await waitFor(async () => (await producer.getJobLogs(slowId)).lines.length === 2 || null, {
      what: "the victim's log lines to be stored",
      timeoutMs: 10_000,
    });
    expect(await victim.stop('SIGKILL')).toBe('SIGKILL');
    // Work that arrives while no worker runs waits for the next one.
    const quickIds = await Promise.all(
      Array.from({ length: 50 }, (_, i) => scheduler.enqueue(effect(10_000 + i))),
    );

    const survivor = await startWorkerProcess('survivor', {
      uri: db.uri,
      dbName: db.dbName,
      server: FAST,
    });
    workers.push(survivor);
    const record = await explained(
      waitFor(
        async () => {
          const job = await jobs().findOne({ _id: slowId as never });
          return job?.state === 'succeeded' ? job : null;
        },
        { timeoutMs: 30_000, what: 'the slow job to succeed on the survivor' },
      ),
    );
    expect(record.attempt).toBe(2);
    expect(record.history.map((h: { reason?: string }) => h.reason).filter(Boolean)).toContain(
      'lease expired: its worker stopped renewing it',
    );
    const attempts = await starts.find({ jobId: slowId }).sort({ attempt: 1 }).toArray();
    expect(attempts.map((a) => [a.attempt, a.worker])).toEqual([
      [1, 'victim'],
      [2, 'survivor'],
    ]);
    // The lines logged before the SIGKILL are kept; the next attempt's follow, apart.
    const log = await producer.getJobLogs(slowId);
    expect(log.lines.map((line) => [line.seq, line.attempt, line.level, line.message])).toEqual([
      [0, 1, 'info', 'attempt 1 started'],
      [1, 1, 'warn', 'attempt 1 now waits for its signal'],
      [2, 2, 'info', 'attempt 2 started'],
    ]);
    expect(JSON.parse(log.lines[2]!.meta!)).toEqual({ worker: 'survivor' });
    await waitFor(
      async () =>
        (await jobs().countDocuments({ _id: { $in: quickIds as never[] }, state: 'succeeded' })) ===
        50,
      { timeoutMs: 30_000, what: 'the quick jobs' },
    );
    expect(await effects().countDocuments({ jobId: { $in: quickIds } })).toBe(50);
    expect(await survivor.stop('SIGTERM')).toBe(0);
  }, 120_000);
});
