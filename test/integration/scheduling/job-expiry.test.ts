import { IsString } from 'class-validator';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import type { Clock } from '../../../src/server/clock';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

/*
 * Jobs that did not start within `startWithinMs` of their due time fail as expired without
 * their handler running. An outage is a manual clock moved forward while no server runs.
 */

const calls: string[] = [];
/** Jobs whose handler waits for its signal (a job in flight when its server stops). */
const blocking = new Set<string>();

@Job('expiry.plain')
class PlainJob implements IJob {
  @IsString() label!: string;
}

@JobHandler(PlainJob)
class PlainHandler implements IJobHandler<PlainJob> {
  async handle(job: PlainJob, ctx: JobContext): Promise<void> {
    calls.push(job.label);
    if (!blocking.has(job.label)) return;
    await new Promise<void>((_, reject) =>
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)),
    );
  }
}

@Job('expiry.typed')
class TypedJob implements IJob {
  @IsString() label!: string;
}

@JobHandler(TypedJob, { startWithinMs: 10_000 })
class TypedHandler implements IJobHandler<TypedJob> {
  handle(job: TypedJob): Promise<void> {
    calls.push(job.label);
    return Promise.resolve();
  }
}

function plain(label: string): PlainJob {
  return Object.assign(new PlainJob(), { label });
}

function typed(label: string): TypedJob {
  return Object.assign(new TypedJob(), { label });
}

describe('expiry of jobs that did not start in time', () => {
  let db: TestDatabase;
  let docket: Docket;
  let scheduler: IJobScheduler;
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

  const jobCount = () => db.client.db(db.dbName).collection('docket.jobs').countDocuments();

  const finished = (id: string): Promise<JobRecord> =>
    waitFor(
      async () => {
        const record = await docket.getJob(id);
        return record && ['succeeded', 'failed', 'deleted'].includes(record.state) ? record : null;
      },
      { what: `job ${id} to finish` },
    );

  /** Runs a server until `ids` finished, then stops it; returns the jobs. */
  async function runUntilFinished(ids: string[]): Promise<JobRecord[]> {
    const server = await docket.startServer({ ...FAST_SERVER });
    try {
      return await Promise.all(ids.map(finished));
    } finally {
      await server.stop();
    }
  }

  beforeAll(async () => {
    db = await openTestDatabase('job_expiry');
    const created = await createTestDocket(db, { handlers: [PlainHandler, TypedHandler], clock });
    docket = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  beforeEach(() => {
    calls.length = 0;
    blocking.clear();
  });

  it('fails a job taken after its startWithinMs without calling its handler', async () => {
    const late = await scheduler.enqueue(plain('late'), { startWithinMs: 5_000 });
    const unbounded = await scheduler.enqueue(plain('unbounded'));
    offsetMs += 60_000; // no server for a minute
    const [expired, ran] = await runUntilFinished([late, unbounded]);

    expect(calls).toEqual(['unbounded']);
    expect(ran.state).toBe('succeeded');
    expect(expired).toMatchObject({ state: 'failed', attempt: 1, startWithinMs: 5_000 });
    expect(expired.error).toMatchObject({ name: 'JobExpiredError' });
    expect(expired.error?.message).toContain('not started within 5000 ms of its due time');
    expect(expired.history.at(-1)).toMatchObject({
      state: 'failed',
      reason: 'expired: not started within 5000 ms of its due time',
    });
  });

  it('runs a job taken within its startWithinMs', async () => {
    const id = await scheduler.enqueue(plain('in time'), { startWithinMs: 120_000 });
    offsetMs += 60_000;
    const [record] = await runUntilFinished([id]);
    expect(record.state).toBe('succeeded');
    expect(calls).toEqual(['in time']);
  });

  it("takes the handler's startWithinMs by default, and the job's own over it", async () => {
    const byType = await scheduler.enqueue(typed('by type'));
    const ownLonger = await scheduler.enqueue(typed('own longer'), { startWithinMs: 120_000 });
    offsetMs += 60_000;
    const [expired, ran] = await runUntilFinished([byType, ownLonger]);
    expect(expired.state).toBe('failed');
    expect(expired.error?.name).toBe('JobExpiredError');
    expect(ran.state).toBe('succeeded');
    expect(calls).toEqual(['own longer']);
  });

  it('counts from the due time of a scheduled job, not from its enqueue', async () => {
    const id = await scheduler.schedule(
      plain('scheduled'),
      { delayMs: 50_000 },
      { startWithinMs: 20_000 },
    );
    offsetMs += 60_000; // due 10 s ago: still within its 20 s
    const [record] = await runUntilFinished([id]);
    expect(record.state).toBe('succeeded');
  });

  it('expires a job its stopped server gave back once the servers come back too late', async () => {
    blocking.add('in flight');
    const id = await scheduler.enqueue(plain('in flight'), { startWithinMs: 5_000 });
    const server = await docket.startServer({ ...FAST_SERVER });
    await waitFor(() => calls.includes('in flight'), { what: 'the handler to start' });
    await server.stop(); // aborts the handler and releases the job, keeping its due time
    expect((await docket.getJob(id))?.state).toBe('enqueued');

    offsetMs += 60_000; // the servers come back a minute later
    blocking.clear();
    const [record] = await runUntilFinished([id]);
    expect(record.state).toBe('failed');
    expect(record.error?.name).toBe('JobExpiredError');
    expect(calls).toEqual(['in flight']); // the first attempt only
  });

  it('refuses an invalid startWithinMs at the call and writes nothing', async () => {
    const before = await jobCount();
    for (const startWithinMs of [0, -1, 1.5, '5000', 2_147_483_648]) {
      await expect(
        scheduler.enqueue(plain('bad'), { startWithinMs } as never),
      ).rejects.toMatchObject({ name: 'InvalidOptionsError', option: 'startWithinMs' });
    }
    expect(await jobCount()).toBe(before);
  });
});
