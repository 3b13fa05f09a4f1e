/**
 * Per-job logs: what handlers log through `ctx.logger` is kept with their job, per attempt,
 * in batches, within limits, under the attempt's fence, and removed once the job is gone.
 */
import { IsInt } from 'class-validator';
import { MongoClient } from 'mongodb';
import {
  InvalidOptionsError,
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import { MongoJobLogs } from '../../../src/storage/mongo/mongo-job-logs';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { MatchedCommands } from '../../helpers/matched-commands';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';

@Job('job-logs.work')
class WorkJob implements IJob {
  @IsInt() n!: number;
}

/** What the handler does in each test. */
let behaviour: (ctx: JobContext) => Promise<void>;

@JobHandler(WorkJob, { retries: 1, backoff: { baseMs: 10, maxMs: 10 } })
class WorkHandler implements IJobHandler<WorkJob> {
  handle(_job: WorkJob, ctx: JobContext): Promise<void> {
    return behaviour(ctx);
  }
}

const work = (n: number) => Object.assign(new WorkJob(), { n });

describe('job logs', () => {
  let db: TestDatabase;
  let monitored: MongoClient;
  let docket: Docket;
  const jobs = () => monitored.db(db.dbName).collection<JobRecord>('docket.jobs');

  beforeAll(async () => {
    db = await openTestDatabase('job_logs');
    monitored = await new MongoClient(db.uri, { monitorCommands: true }).connect();
    ({ docket } = await createTestDocket(
      { ...db, client: monitored },
      { handlers: [WorkHandler], jobLogs: { maxLinesPerJob: 250, flushIntervalMs: 20 } },
    ));
    docket.on('error', () => undefined);
    await docket.startServer(FAST_SERVER);
  });

  afterAll(async () => {
    await docket?.close();
    await monitored?.close();
    await db?.cleanup();
  });

  /** Enqueues a job and resolves with it once it finished. */
  async function run(n: number): Promise<JobRecord> {
    const jobId = await docket.scheduler.enqueue(work(n));
    await docket.scheduler.waitForJob(jobId, { timeoutMs: 20_000 });
    return (await jobs().findOne({ _id: jobId }))!;
  }

  it('keeps the lines at info and above, with their fields, in order, and pages through them', async () => {
    behaviour = async (ctx) => {
      ctx.logger.debug('not kept at the default level');
      ctx.logger.info('charging the card', { orderId: 7, amount: 12.5 });
      ctx.logger.child({ step: 'mail' }).warn('mail server slow');
      ctx.logger.error('<script>alert(1)</script>', { error: new Error('boom') });
    };
    const job = await run(1);
    const all = await docket.getJobLogs(job._id);
    expect(all.next).toBeNull();
    expect(all.lines.map((l) => [l.seq, l.attempt, l.level, l.message])).toEqual([
      [0, 1, 'info', 'charging the card'],
      [1, 1, 'warn', 'mail server slow'],
      [2, 1, 'error', '<script>alert(1)</script>'],
    ]);
    expect(JSON.parse(all.lines[0]!.meta!)).toEqual({ orderId: 7, amount: 12.5 });
    expect(JSON.parse(all.lines[1]!.meta!)).toEqual({ step: 'mail' });
    expect(JSON.parse(all.lines[2]!.meta!).error).toMatchObject({ name: 'Error', message: 'boom' });
    expect(all.lines[0]!.at).toBeInstanceOf(Date);
    // The job's own fields are said once, by the job: not repeated on each line.
    expect(all.lines[0]!.meta).not.toMatch(/jobId|serverId/);

    const first = await docket.getJobLogs(job._id, { limit: 2 });
    expect(first.lines.map((l) => l.seq)).toEqual([0, 1]);
    expect(first.next).toBe(2);
    const rest = await docket.getJobLogs(job._id, { after: first.next!, limit: 2 });
    expect(rest.lines.map((l) => l.seq)).toEqual([2]);
    expect(rest.next).toBeNull();
    expect(job.logLines).toBe(3);
  });

  it('writes a burst of lines in batches: 2 commands per 100 lines', async () => {
    const counted = new MatchedCommands(
      monitored,
      (command) =>
        command.insert === 'docket.logs' ||
        (command.findAndModify === 'docket.jobs' && command.update?.$inc?.logLines !== undefined),
    );

    const inserts = new MatchedCommands(monitored, (command) => command.insert === 'docket.logs');
    try {
      behaviour = async (ctx) => {
        for (let i = 0; i < 200; i++) ctx.logger.info(`line ${i}`);
      };
      const job = await run(2);
      const log = await docket.getJobLogs(job._id, { limit: 1_000 });
      expect(log.lines).toHaveLength(200);
      expect(log.lines[199]!.message).toBe('line 199');
      expect(inserts.succeeded).toBe(2);
      // Each batch: its count on the job, and its insert.
      expect(counted.succeeded).toBe(4);
    } finally {
      counted.close();
      inserts.close();
    }
  });

  it('keeps each attempt apart, and stops at the job limit with a line that says so', async () => {
    behaviour = async (ctx) => {
      for (let i = 0; i < 200; i++) ctx.logger.info(`attempt ${ctx.attempt} line ${i}`);
      if (ctx.attempt === 1) throw new Error('first attempt fails');
    };
    const job = await run(3);
    expect(job.state).toBe('succeeded');
    const log = await docket.getJobLogs(job._id, { limit: 1_000 });
    // 250 lines per job: 200 of attempt 1, 50 of attempt 2, then the marker.
    expect(log.lines).toHaveLength(251);
    expect(log.lines.filter((l) => l.attempt === 1)).toHaveLength(200);
    expect(log.lines[249]!.message).toBe('attempt 2 line 49');
    expect(log.lines[250]).toMatchObject({ seq: 250, attempt: 2, level: 'warn', truncated: true });
    expect(log.lines[250]!.message).toMatch(/reached its limit \(250 lines/);
  });

  it('refuses the lines of an attempt that no longer holds its job', async () => {
    behaviour = async (ctx) => {
      if (ctx.attempt > 1) return;
      ctx.logger.info('before the takeover');
      await waitFor(async () => (await docket.getJobLogs(ctx.jobId)).lines.length === 1 || null);
      // Another worker takes the job over, as after a lease expiry.
      await jobs().updateOne({ _id: ctx.jobId }, { $inc: { fence: 1 } });
      ctx.logger.info('after the takeover');
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
    };
    const lost = nextEvent<{ jobId: string }>((l) => docket.on('job.leaseLost', l));
    const jobId = await docket.scheduler.enqueue(work(4));
    expect((await lost).jobId).toBe(jobId);
    // The attempt wrote its last batch when it ended: refused, nothing past the takeover.
    const log = await docket.getJobLogs(jobId);
    expect(log.lines.map((l) => l.message)).toEqual(['before the takeover']);
  });

  it('deletes the logs of jobs that are gone, and only theirs', async () => {
    behaviour = async (ctx) => {
      ctx.logger.info(`job ${ctx.jobId}`);
    };
    const gone = await run(5);
    const kept = await run(6);
    // As retention's TTL monitor would.
    await jobs().deleteOne({ _id: gone._id });
    const sweeper = new MongoJobLogs(db.client.db(db.dbName), 'docket.');
    expect(await sweeper.sweep()).toBeGreaterThanOrEqual(1);
    expect((await docket.getJobLogs(gone._id)).lines).toEqual([]);
    expect((await docket.getJobLogs(kept._id)).lines).toHaveLength(1);
  });

  it('refuses invalid options and pages with a typed error', async () => {
    await expect(
      createTestDocket(db, { jobLogs: { level: 'loud' as never } }),
    ).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(createTestDocket(db, { jobLogs: { maxLinesPerJob: 0 } })).rejects.toThrow(
      /jobLogs.maxLinesPerJob/,
    );
    await expect(docket.getJobLogs('x', { limit: 0 })).rejects.toThrow(/page.limit/);
    await expect(docket.getJobLogs({ $ne: null } as never)).rejects.toBeInstanceOf(
      InvalidOptionsError,
    );
  });
});
