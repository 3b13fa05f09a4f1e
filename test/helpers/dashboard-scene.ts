import { IsInt, IsString, MaxLength, Min } from 'class-validator';
import {
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type JobContext,
  type JobServer,
} from '../../src';
import { FAST_SERVER } from './docket';
import { waitFor } from './wait-for';

/*
 * A Docket with one of everything the dashboard's pages show: succeeded, failed, scheduled
 * and running jobs, a job that succeeded after a failed attempt, jobs of a type no server
 * handles, recurring jobs (one paused), a paused queue and a served queue with nothing in it,
 * a batch that succeeded and one still going (in the queue `imports`).
 * The browser tests and the screenshot script (test/screenshots) open the pages on it.
 */

@Job('billing.send-invoice')
export class SendInvoiceJob implements IJob {
  @IsString() @MaxLength(100) customer!: string;
  @IsInt() @Min(0) amountCents!: number;
}

@Job('reports.monthly')
export class MonthlyReportJob implements IJob {
  @IsInt() @Min(1) month!: number;
  @IsString() @MaxLength(200) note!: string;
}

@Job('media.transcode')
export class TranscodeJob implements IJob {
  @IsString() @MaxLength(200) file!: string;
}

/** No handler anywhere: its jobs wait, and the overview lists the type as unhandled. */
@Job('archive.compact')
export class CompactArchiveJob implements IJob {
  @IsString() @MaxLength(100) bucket!: string;
}

/** Raised by the monthly report: the error the failed pages show. */
export class WarehouseUnavailableError extends Error {
  override get name(): string {
    return 'WarehouseUnavailableError';
  }
}

@JobHandler(SendInvoiceJob)
export class SendInvoiceHandler implements IJobHandler<SendInvoiceJob> {
  async handle(job: SendInvoiceJob, ctx: JobContext): Promise<void> {
    await ctx.progress(100, `sent to ${job.customer}`);
  }
}

/**
 * Fails every attempt for the note 'warehouse offline'; fails only the first for 'flaky'.
 * Logs as it goes; a report that succeeds stores its CSV and returns its totals.
 */
@JobHandler(MonthlyReportJob, { retries: 1, backoff: { baseMs: 0 } })
export class MonthlyReportHandler implements IJobHandler<MonthlyReportJob, { rows: number }> {
  async handle(job: MonthlyReportJob, ctx: JobContext): Promise<{ rows: number }> {
    ctx.logger.info(`rendering the report of month ${job.month}`, { note: job.note });
    if (job.note === 'warehouse offline' || (job.note === 'flaky' && ctx.attempt === 1)) {
      ctx.logger.warn('the warehouse did not answer');
      throw new WarehouseUnavailableError(
        `the warehouse did not answer for month ${job.month} (attempt ${ctx.attempt})`,
      );
    }
    await ctx.artefacts.put(`report-${job.month}.csv`, 'customer,amount\nAda Lovelace,12.50\n', {
      contentType: 'text/csv',
    });
    await ctx.progress(100, 'rendered');
    return { rows: 1 };
  }
}

/** Runs until its server stops: the job the processing page shows. */
@JobHandler(TranscodeJob, { retries: 0, timeoutMs: 600_000 })
export class TranscodeHandler implements IJobHandler<TranscodeJob> {
  async handle(_job: TranscodeJob, ctx: JobContext): Promise<void> {
    await ctx.progress(35, 'transcoding');
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
  }
}

/** Every handler of the scene, for `Docket.create({ handlers })`. */
export const SCENE_HANDLERS = [SendInvoiceHandler, MonthlyReportHandler, TranscodeHandler];

/** Ids of the scene's notable jobs. */
export interface SceneJobs {
  /** Failed for good (both attempts). */
  readonly failed: string;
  /** Failed its first attempt, succeeded on the second. */
  readonly retried: string;
  /** Running until the server stops. */
  readonly processing: string;
  /** Due in an hour. */
  readonly scheduled: string;
}

/** Ids of the scene's batches and of the job of one that failed. */
export interface SceneBatches {
  /** Started: a nested batch and three jobs succeeded, one job failed, one is due in an hour. */
  readonly running: string;
  /** Its nested batch, succeeded. */
  readonly nested: string;
  /** One job, succeeded. */
  readonly succeeded: string;
  /** The job of `running` that failed for good. */
  readonly failedJob: string;
}

/** A page of the dashboard: a short name (for test names and file names) and its path. */
export interface ScenePage {
  readonly name: string;
  readonly path: string;
}

/** The running scene: its server, notable jobs and every page worth opening. */
export interface Scene {
  readonly server: JobServer;
  readonly jobs: SceneJobs;
  readonly batches: SceneBatches;
  readonly pages: readonly ScenePage[];
}

const make = <T extends object>(type: new () => T, fields: T): T =>
  Object.assign(new type(), fields);

/**
 * Fills `docket` (whose handlers must include {@link SCENE_HANDLERS}) and starts its server;
 * resolves once every job has reached the state the pages show. Stop `scene.server` before
 * closing the Docket.
 */
export async function startScene(docket: Docket): Promise<Scene> {
  const server = await docket.startServer({
    ...FAST_SERVER,
    // The processing job must stay processing for a whole browser suite: a stall past a 1 s
    // lease on a loaded machine would abort it, and the pages would no longer show it.
    leaseMs: 30_000,
    heartbeatIntervalMs: 1_000,
    queues: ['default', 'reports', 'media', 'idle', 'imports'],
  });
  const { scheduler } = docket;
  const customers = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra'];
  const invoices = await Promise.all(
    customers.map((customer, i) =>
      scheduler.enqueue(make(SendInvoiceJob, { customer, amountCents: 1_250 * (i + 1) })),
    ),
  );
  const failed = await scheduler.enqueue(
    make(MonthlyReportJob, { month: 11, note: 'warehouse offline' }),
    { queue: 'reports' },
  );
  const retried = await scheduler.enqueue(make(MonthlyReportJob, { month: 10, note: 'flaky' }), {
    queue: 'reports',
  });
  const processing = await scheduler.enqueue(
    make(TranscodeJob, { file: 'videos/2026/launch-keynote.mov' }),
    { queue: 'media' },
  );
  const scheduled = await scheduler.schedule(
    make(SendInvoiceJob, { customer: 'Barbara Liskov', amountCents: 9_900 }),
    { delayMs: 3_600_000 },
  );
  for (const bucket of ['cold-storage', 'audit-2025']) {
    await scheduler.enqueue(make(CompactArchiveJob, { bucket }));
  }
  await scheduler.addOrUpdateRecurring(
    'monthly-report',
    make(MonthlyReportJob, { month: 1, note: 'recurring' }),
    '0 9 1 * *',
    { queue: 'reports' },
  );
  await scheduler.addOrUpdateRecurring(
    'nightly-invoices',
    make(SendInvoiceJob, { customer: 'everyone', amountCents: 0 }),
    '30 2 * * *',
  );
  await scheduler.pauseRecurring('nightly-invoices');
  await docket.pauseQueue('exports', { allowUnknown: true });
  const invoice = (customer: string) => make(SendInvoiceJob, { customer, amountCents: 4_200 });
  const succeededBatch = await scheduler.createBatch({
    description: 'Welcome invoices',
    jobs: [invoice('Margaret Hamilton')],
    options: { queue: 'imports' },
  });
  const runningBatch = await scheduler.createBatch({
    description: 'Quarter-end invoicing',
    jobs: [
      ...['Katherine Johnson', 'Dorothy Vaughan', 'Mary Jackson'].map(invoice),
      make(MonthlyReportJob, { month: 12, note: 'warehouse offline' }),
      { job: invoice('Annie Easley'), options: { delayMs: 3_600_000 } },
    ],
    batches: [{ description: 'Regional invoices', jobs: [invoice('Evelyn Boyd Granville')] }],
    continuations: [{ job: invoice('the finance team') }],
    options: { queue: 'imports' },
  });

  const stateOf = async (id: string) => (await docket.getJob(id))?.state;
  await waitFor(
    async () => {
      const states = await Promise.all([...invoices, failed, retried, processing].map(stateOf));
      return (
        states.join(',') ===
        [...invoices.map(() => 'succeeded'), 'failed', 'succeeded', 'processing'].join(',')
      );
    },
    { what: 'the scene to settle', timeoutMs: 20_000 },
  );
  const counts = async (id: string) => {
    const batch = await scheduler.getBatch(id);
    return batch && [batch.state, batch.succeeded, batch.failed, batch.pending].join(',');
  };
  await waitFor(
    async () =>
      (await counts(runningBatch)) === 'started,4,1,1' &&
      (await counts(succeededBatch)) === 'succeeded,1,0,0',
    { what: "the scene's batches to settle", timeoutMs: 20_000 },
  );
  const [nested] = (await docket.listBatches({ parentBatchId: runningBatch })).batches;
  const [failedJob] = (await scheduler.findJobs({ batchId: runningBatch, state: 'failed' })).jobs;
  const batches = {
    running: runningBatch,
    nested: nested.id,
    succeeded: succeededBatch,
    failedJob: failedJob._id,
  };

  const pages: ScenePage[] = [
    { name: 'overview', path: '' },
    { name: 'charts', path: 'charts' },
    ...['enqueued', 'scheduled', 'processing', 'succeeded', 'failed', 'deleted', 'awaiting'].map(
      (state) => ({ name: `jobs-${state}`, path: `jobs/${state}` }),
    ),
    {
      name: 'jobs-all-filtered',
      path: 'jobs/all?typePrefix=reports.&errorContains=warehouse&payload.month=11',
    },
    { name: 'job-failed', path: `job/${failed}` },
    { name: 'job-retried', path: `job/${retried}` },
    { name: 'recurring', path: 'recurring' },
    { name: 'recurring-new', path: 'recurring/new' },
    { name: 'recurring-edit', path: 'recurring/edit/monthly-report' },
    { name: 'enqueue', path: 'enqueue?type=billing.send-invoice' },
    { name: 'batches', path: 'batches' },
    { name: 'batch', path: `batches/${runningBatch}` },
    { name: 'jobs-batch', path: `jobs/all?batch=${runningBatch}` },
    { name: 'job-in-batch', path: `job/${failedJob._id}` },
    { name: 'servers', path: 'servers' },
    { name: 'queues', path: 'queues' },
    { name: 'not-found', path: 'no/such/page' },
  ];
  return { server, jobs: { failed, retried, processing, scheduled }, batches, pages };
}
