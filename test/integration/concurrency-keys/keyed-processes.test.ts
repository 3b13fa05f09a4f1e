import { Docket, type JobRecord } from '../../../src';
import { quietLogger } from '../../helpers/logger';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import {
  FAST_WORKER_SERVER,
  startWorkerProcess,
  WORKER_FIXTURES,
  type WorkerProcess,
} from '../../helpers/worker-processes';
import {
  FifoStep,
  FifoStepHandler,
  KeyedStep,
  KeyedStepHandler,
  type KeyedRun,
} from '../fixtures/keyed-jobs';
import { container } from 'tsyringe';

/*
 * Concurrency keys across processes: three worker processes, each running a server, share
 * 1,000 jobs over 50 keys of limit 1 (their handlers' keys), half of the keys FIFO. No two runs of one key overlap,
 * whichever processes run them, and the FIFO keys' jobs run in enqueue order. A process killed
 * while it runs a key's job gives the key up once its lease expires.
 */

const KEYS = 50;
const JOBS = 1_000;

describe('concurrency keys across 3 processes', () => {
  let db: TestDatabase;
  let docket: Docket;
  const processes: WorkerProcess[] = [];

  async function startWorkers(ids: readonly string[]): Promise<void> {
    // One by one: three ts-node processes compiling at once starve a loaded machine.
    for (const id of ids) {
      processes.push(
        await startWorkerProcess(
          id,
          { uri: db.uri, dbName: db.dbName, server: { ...FAST_WORKER_SERVER, concurrency: 20 } },
          { fixture: WORKER_FIXTURES.keyed, readyTimeoutMs: 90_000 },
        ),
      );
    }
  }

  beforeEach(async () => {
    db = await openTestDatabase('keyed_processes');
    // The enqueuing side, where the handlers compute the keys (it runs no server).
    docket = await Docket.create({
      mongo: { client: db.client, dbName: db.dbName },
      container: container.createChildContainer(),
      handlers: [KeyedStepHandler, FifoStepHandler],
      logger: quietLogger(),
    });
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    await docket.close();
    await db.cleanup();
  });

  it('3 processes sharing 1,000 jobs over 50 keys of limit 1: no two runs of a key overlap, FIFO keys run in enqueue order', async () => {
    const database = db.client.db(db.dbName);
    const runs = database.collection<KeyedRun>('runs');
    const jobs = database.collection<JobRecord>('docket.jobs');
    // Enqueued once all three run (each takes seconds to start), in one insert, so that they
    // meet the whole backlog at once; the keys interleave, as an application's orders do.
    await startWorkers(['keyed-a', 'keyed-b', 'keyed-c']);
    const steps: KeyedStep[] = [];
    for (let n = 0; n < JOBS / KEYS; n++) {
      for (let k = 0; k < KEYS; k++) {
        const step = k % 2 === 0 ? new FifoStep() : new KeyedStep();
        steps.push(Object.assign(step, { key: `order:${k}`, n }));
      }
    }
    await docket.scheduler.enqueueMany(steps);
    await waitFor(async () => (await jobs.countDocuments({ state: 'succeeded' })) === JOBS, {
      timeoutMs: 150_000,
      intervalMs: 250,
      what: `${JOBS} jobs to succeed`,
    });

    const all = await runs.find({}, { sort: { startedAt: 1, _id: 1 } }).toArray();
    // At least once: under load a lease may be lost and its job run again (told to stop first).
    expect(new Set(all.map((run) => run.jobId)).size).toBe(JOBS);
    expect(new Set(all.map((run) => run.worker)).size).toBe(3);
    for (let k = 0; k < KEYS; k++) {
      const ofKey = all.filter((run) => run.key === `order:${k}`);
      ofKey.sort((a, b) => a.startedAt - b.startedAt || a.endedAt! - b.endedAt!);
      // Each run starts once the one before it ended (the key is given back after the end
      // is recorded, and one machine's clock stamps them all).
      for (let i = 1; i < ofKey.length; i++) {
        expect(ofKey[i].startedAt).toBeGreaterThanOrEqual(ofKey[i - 1].endedAt!);
      }
      if (k % 2 === 0) {
        const order = ofKey.map((run) => run.n);
        expect(order).toEqual([...order].sort((a, b) => a - b));
        expect(new Set(order).size).toBe(JOBS / KEYS);
      }
    }
    // Nothing of the 50 keys is left once their jobs are done.
    expect(await database.collection('docket.keys').countDocuments({ _id: /^key:/ } as never)).toBe(
      0,
    );
  }, 300_000);

  it("a killed process's key is taken over once its lease expires", async () => {
    const database = db.client.db(db.dbName);
    const runs = database.collection<KeyedRun>('runs');
    const jobs = database.collection<JobRecord>('docket.jobs');
    await startWorkers(['keyed-a', 'keyed-b']);
    const [first, second] = await docket.scheduler.enqueueMany([
      Object.assign(new FifoStep(), { key: 'order:kill', n: 0, firstAttemptMs: 600_000 }),
      Object.assign(new FifoStep(), { key: 'order:kill', n: 1 }),
    ]);
    const running = await waitFor(() => runs.findOne({ jobId: first }), {
      timeoutMs: 30_000,
      what: 'the first job to run',
    });
    const holder = processes.find((p) => p.id === running.worker)!;
    // The holder may have claimed the second job with the first, and gives it back uncounted
    // on finding its key held. Killed before that give-back, it would leave the claim to lease
    // recovery, which counts the attempt: kill it once the second job waits again.
    await waitFor(async () => (await jobs.findOne({ _id: second }))?.state === 'enqueued', {
      timeoutMs: 30_000,
      what: 'the second job to wait behind the first',
    });
    await holder.stop('SIGKILL');
    // The other process takes the first job again (attempt 2) once its lease and key expire,
    // then runs the second: in order, one at a time.
    await waitFor(
      async () =>
        (await jobs.countDocuments({ _id: { $in: [first, second] }, state: 'succeeded' })) === 2,
      { timeoutMs: 30_000, intervalMs: 100, what: 'both jobs to succeed' },
    );
    const after = await runs.find({ endedAt: { $ne: null } }, { sort: { startedAt: 1 } }).toArray();
    expect(after.map((run) => [run.n, run.attempt])).toEqual([
      [0, 2],
      [1, 1],
    ]);
    expect(after.every((run) => run.worker !== holder.id)).toBe(true);
    expect(await database.collection('docket.keys').countDocuments({ _id: /^key:/ } as never)).toBe(
      0,
    );
  }, 120_000);
});
