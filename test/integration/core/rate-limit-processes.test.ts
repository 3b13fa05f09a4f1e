import { JOB_SCHEDULER, type Docket, type IJobScheduler } from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { maxStartsInAnyWindow } from '../../helpers/rate-windows';
import { waitFor } from '../../helpers/wait-for';
import {
  startWorkerProcess,
  WORKER_FIXTURES,
  type WorkerProcess,
} from '../../helpers/worker-processes';
import { RATED_LIMIT, RatedJob } from '../fixtures/rate-limited-worker';

const SERVER = {
  concurrency: 10,
  pollIntervalMs: 200,
  minPollIntervalMs: 5,
  leaseMs: 2_000,
  heartbeatIntervalMs: 400,
  shutdownGraceMs: 2_000,
};
const JOBS = 40;

describe('a rate limit shared by 3 worker processes', () => {
  let db: TestDatabase;
  let producer: Docket;
  let scheduler: IJobScheduler;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('rate_limit_processes');
    const created = await createTestDocket(db, { handlers: [] });
    producer = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await producer.close();
    await db.cleanup();
  });

  it('no window of intervalMs holds more than max starts, and no attempt is burnt', async () => {
    const ids = await Promise.all(
      Array.from({ length: JOBS }, (_, n) =>
        scheduler.enqueue(Object.assign(new RatedJob(), { n })),
      ),
    );
    workers.push(
      ...(await Promise.all(
        ['rated-a', 'rated-b', 'rated-c'].map((id) =>
          startWorkerProcess(
            id,
            { uri: db.uri, dbName: db.dbName, server: { ...SERVER, serverId: id } },
            { fixture: WORKER_FIXTURES.rateLimited },
          ),
        ),
      )),
    );
    const jobs = db.client.db(db.dbName).collection('docket.jobs');
    await waitFor(async () => (await jobs.countDocuments({ state: 'succeeded' })) === JOBS, {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: `${JOBS} rate-limited jobs to succeed`,
    });
    const done = await jobs.find({ _id: { $in: ids as never[] } }).toArray();
    // Starts are the workers' clocks, which are the database's here (one machine): each start
    // falls between its reservation and its settlement, both stamped with the database's clock.
    const starts = done.map((job) => job.startedAt as Date);
    expect(maxStartsInAnyWindow(starts, RATED_LIMIT.intervalMs)).toBeLessThanOrEqual(
      RATED_LIMIT.max,
    );
    // Jobs over the limit waited unclaimed: every job ran on its first attempt, claimed once.
    expect(done.map((job) => job.attempt)).toEqual(done.map(() => 1));
    for (const job of done) {
      expect(job.history.filter((h: { state: string }) => h.state === 'processing')).toHaveLength(
        1,
      );
    }
    const servers = new Set(
      done.map(
        (job) => job.history.find((h: { state: string }) => h.state === 'processing').serverId,
      ),
    );
    process.stdout.write(`rate-limited starts by server: ${[...servers].join(', ')}\n`);
    expect(await Promise.all(workers.map((w) => w.stop('SIGTERM')))).toEqual([0, 0, 0]);
  }, 120_000);
});
