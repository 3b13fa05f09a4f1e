import type { JobRecord } from '../../../src';
import { occurrenceJobId, type RecurringRecord } from '../../../src/recurring';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import {
  startWorkerProcess,
  WORKER_FIXTURES,
  type WorkerProcess,
} from '../../helpers/worker-processes';
import { LongRunJob, RUN_MS, type RunRecord } from '../fixtures/overlap-jobs';
import { occurrenceJobsOf, openRecurring } from '../fixtures/recurring-setup';

/*
 * The `skip` overlap policy across processes: three worker processes, each running a server
 * and its recurring ticker, share one recurring job every second whose runs last 2.5 s. No
 * two runs may overlap, whichever processes enqueue and run them; every occurrence is either
 * a job or a counted skip; and when the process running a job is killed, the job's lease
 * recovery ends the wait: later occurrences run again.
 */

const RECURRING_ID = 'overlap.every-second';
const INTERVAL_MS = 1_000;
const SERVER = {
  pollIntervalMs: 50,
  leaseMs: 3_000,
  heartbeatIntervalMs: 500,
  recoveryIntervalMs: 200,
  recurringPollIntervalMs: 200,
  shutdownGraceMs: 500,
};

describe('recurring overlap policy skip, 3 processes', () => {
  let db: TestDatabase;
  const processes: WorkerProcess[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('recurring_overlap');
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await db.cleanup();
  });

  it('runs that outlast the interval never overlap; skips are counted; a killed run does not block the schedule', async () => {
    const database = db.client.db(db.dbName);
    const runs = database.collection<RunRecord>('runs');
    const definitions = database.collection<RecurringRecord>('docket.recurring');
    const jobs = database.collection<JobRecord>('docket.jobs');
    // Started one by one (three ts-node processes compiling at once starve a loaded machine);
    // each is kept as soon as it runs, so that a failure still stops it.
    for (const id of ['overlap-a', 'overlap-b', 'overlap-c']) {
      processes.push(
        await startWorkerProcess(
          id,
          { uri: db.uri, dbName: db.dbName, server: SERVER },
          { fixture: WORKER_FIXTURES.overlap, readyTimeoutMs: 90_000 },
        ),
      );
    }
    const { recurring } = await openRecurring(db.client, db.dbName);
    await recurring.addOrUpdate(
      RECURRING_ID,
      new LongRunJob(),
      { everyMs: INTERVAL_MS },
      {
        overlap: 'skip',
      },
    );

    const ended = () => runs.countDocuments({ endedAt: { $ne: null } });
    await waitFor(async () => (await ended()) >= 3, {
      timeoutMs: 40_000,
      intervalMs: 100,
      what: '3 finished runs',
    });

    // Kill the process in the middle of a run: its job holds the schedule until its lease
    // expires and recovery hands it to another process.
    const running = await waitFor(() => runs.findOne({ endedAt: null }), {
      timeoutMs: 10_000,
      intervalMs: 20,
      what: 'a run in progress',
    });
    const victim = processes.find((p) => p.id === running.worker)!;
    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    // Two runs of later occurrences finish: the schedule went on.
    await waitFor(
      async () =>
        (await runs.countDocuments({
          endedAt: { $ne: null },
          jobId: { $gt: running.jobId },
        })) >= 2,
      { timeoutMs: 40_000, intervalMs: 100, what: 'two later occurrences to run' },
    );
    await recurring.pause(RECURRING_ID);
    const survivors = processes.filter((p) => p !== victim);
    expect(await Promise.all(survivors.map((p) => p.stop('SIGTERM')))).toEqual([0, 0]);

    // No two runs overlap (the killed run ended when its process died).
    const all = (await runs.find().toArray()).sort((a, b) => a.startedAt - b.startedAt);
    for (let i = 1; i < all.length; i++) {
      const previousEnd = all[i - 1].endedAt ?? killedAt;
      expect({ run: all[i], startedAfterPreviousEnded: all[i].startedAt >= previousEnd }).toEqual({
        run: all[i],
        startedAfterPreviousEnded: true,
      });
    }
    // The killed job ran again, as its second attempt, on another process.
    expect(all.filter((run) => run.jobId === running.jobId).map((run) => run.attempt)).toEqual([
      running.attempt,
      running.attempt + 1,
    ]);

    // Every occurrence from the first to the last decided one is a job or a counted skip.
    const record = (await definitions.findOne({ _id: RECURRING_ID }))!;
    const occurrenceJobs = (await jobs.find(occurrenceJobsOf(RECURRING_ID)).toArray())
      .map((job) => Date.parse(job._id.slice(RECURRING_ID.length + 1)))
      .sort((a, b) => a - b);
    const first = occurrenceJobs[0];
    const lastDecided = record.nextRunAt!.getTime() - INTERVAL_MS;
    const occurrences = (lastDecided - first) / INTERVAL_MS + 1;
    expect(record.runCount).toBe(occurrenceJobs.length);
    expect(record.skippedCount).toBeGreaterThan(0);
    expect(record.runCount! + record.skippedCount!).toBe(occurrences);
    expect(occurrenceJobs.at(-1)!).toBeLessThanOrEqual(lastDecided);
    expect(occurrenceJobId(RECURRING_ID, new Date(first))).toBe(all[0].jobId);
    process.stdout.write(
      `overlap skip: ${all.length} runs of ${RUN_MS} ms every ${INTERVAL_MS} ms over ${occurrences} occurrences, ` +
        `${record.skippedCount} skipped, 0 overlaps (3 processes, one killed mid-run)\n`,
    );
  }, 300_000);
});
