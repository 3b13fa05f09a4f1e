/**
 * Job results: what `handle()` resolves with is stored with the job, within a size limit,
 * replaced by a later success, and given to continuations as their parent's result.
 */
import { IsInt } from 'class-validator';
import {
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type JobContext,
  type JobRecord,
  type JobResultOf,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';

@Job('job-results.report')
class ReportJob implements IJob {
  @IsInt() n!: number;
}

interface Report {
  total: number;
  at: Date;
  lines: string[];
}

/** What the report handler resolves with in each test. */
let report: (job: ReportJob, ctx: JobContext) => Promise<unknown>;

@JobHandler(ReportJob, { retries: 0 })
class ReportHandler implements IJobHandler<ReportJob, Report> {
  handle(job: ReportJob, ctx: JobContext): Promise<Report> {
    return report(job, ctx) as Promise<Report>;
  }
}

@Job('job-results.mail')
class MailJob implements IJob {
  @IsInt() n!: number;
}

/** The parent results the mail handler was given. */
const given: unknown[] = [];

@JobHandler(MailJob)
class MailHandler implements IJobHandler<MailJob> {
  async handle(_job: MailJob, ctx: JobContext): Promise<void> {
    given.push(ctx.parentResult);
  }
}

const reportJob = (n: number) => Object.assign(new ReportJob(), { n });
const mailJob = (n: number) => Object.assign(new MailJob(), { n });

describe('job results', () => {
  let db: TestDatabase;
  let docket: Docket;

  beforeAll(async () => {
    db = await openTestDatabase('job_results');
    ({ docket } = await createTestDocket(db, {
      handlers: [ReportHandler, MailHandler],
      maxResultBytes: 4_096,
    }));
    docket.on('error', () => undefined);
    await docket.startServer(FAST_SERVER);
  });

  afterAll(async () => {
    await docket?.close();
    await db?.cleanup();
  });

  /** Waits until the job finished, and reads it. */
  async function finished(jobId: string): Promise<JobRecord<Report>> {
    await docket.scheduler.waitForJob(jobId, { timeoutMs: 20_000 });
    return (await docket.getJob<JobResultOf<ReportHandler>>(jobId))!;
  }

  it('stores what handle() resolved with, typed by the handler', async () => {
    const at = new Date('2026-12-01T10:00:00Z');
    report = async (job) => ({ total: job.n * 2, at, lines: ['a', 'b'] });
    const job = await finished(await docket.scheduler.enqueue(reportJob(21)));
    expect(job.state).toBe('succeeded');
    const result: Report = job.result!;
    expect(result).toEqual({ total: 42, at, lines: ['a', 'b'] });
    expect(result.at).toBeInstanceOf(Date);
  });

  it("gives a continuation its parent's result, and nothing when the parent returned nothing", async () => {
    report = async (job) =>
      job.n === 0 ? undefined : { total: job.n, at: new Date(0), lines: [] };
    given.length = 0;
    const withResult = await docket.scheduler.enqueue(reportJob(5));
    const mailed = await docket.scheduler.continueWith(withResult, mailJob(1));
    await finished(mailed);
    const withoutResult = await docket.scheduler.enqueue(reportJob(0));
    expect((await finished(withoutResult)).result).toBeUndefined();
    await finished(await docket.scheduler.continueWith(withoutResult, mailJob(2)));
    expect(given).toEqual([{ total: 5, at: new Date(0), lines: [] }, undefined]);
  });

  it('fails the attempt with ResultTooLargeError past maxResultBytes', async () => {
    report = async () => ({ total: 1, at: new Date(), lines: Array(100).fill('x'.repeat(100)) });
    const failed = nextEvent<{ jobId: string; error: { name: string; message: string } }>((l) =>
      docket.on('job.failed', l),
    );
    const job = await finished(await docket.scheduler.enqueue(reportJob(1)));
    expect(job.state).toBe('failed');
    expect(job.error!.name).toBe('ResultTooLargeError');
    expect(job.error!.message).toMatch(/over the limit of 4096 bytes/);
    expect((await failed).error.name).toBe('ResultTooLargeError');
    expect(job.result).toBeUndefined();
  });

  it('fails the attempt with NonSerializableResultError naming the path', async () => {
    report = async () => ({ total: 1, lines: [], at: new Date(), format: () => 'x' });
    const job = await finished(await docket.scheduler.enqueue(reportJob(2)));
    expect(job.state).toBe('failed');
    expect(job.error!.name).toBe('NonSerializableResultError');
    expect(job.error!.message).toMatch(/at result\.format: functions cannot be stored/);
  });

  it("keeps the last success's result only: a requeued run that returns nothing clears it", async () => {
    let runs = 0;
    report = async () => (++runs === 1 ? { total: 1, at: new Date(0), lines: [] } : undefined);
    const jobId = await docket.scheduler.enqueue(reportJob(3));
    expect((await finished(jobId)).result).toEqual({ total: 1, at: new Date(0), lines: [] });
    expect(await docket.scheduler.requeue(jobId)).toBe(true);
    const succeeded = async () =>
      (await docket.getJob(jobId))!.history.filter((entry) => entry.state === 'succeeded').length;
    await waitFor(async () => (await succeeded()) === 2 || null);
    const again = await finished(jobId);
    expect(again.state).toBe('succeeded');
    expect(again.result).toBeUndefined();
  });

  it('stores the result of a handler whose transaction committed its success', async () => {
    const payments = db.client.db(db.dbName).collection('payments');
    report = async (job, ctx) => {
      await ctx.transaction((session) => payments.insertOne({ n: job.n }, { session }));
      return { total: job.n, at: new Date(0), lines: ['paid'] };
    };
    const job = await finished(await docket.scheduler.enqueue(reportJob(4)));
    expect(job.state).toBe('succeeded');
    await waitFor(async () => (await docket.getJob(job._id))!.result !== undefined || null);
    expect((await docket.getJob(job._id))!.result).toEqual({
      total: 4,
      at: new Date(0),
      lines: ['paid'],
    });
  });
});
