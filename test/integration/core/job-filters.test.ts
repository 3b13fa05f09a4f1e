import { IsString } from 'class-validator';
import { injectable } from 'tsyringe';
import {
  DOCKET_FILTER,
  EnqueueRefusedError,
  InvalidOptionsError,
  Job,
  JobFilterError,
  JobHandler,
  type Docket,
  type DocketFilter,
  type ExecutionFilterContext,
  type IJob,
  type IJobHandler,
  type JobStateChange,
} from '../../../src';
import { DocketClient } from '../../../src/client';
import { startDashboard } from '../../../src/dashboard';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

@Job('filters-it.greet')
class GreetJob implements IJob {
  @IsString() name!: string;
}

@Job('filters-it.other')
class OtherJob implements IJob {
  @IsString() name!: string;
}

/** What the handlers do next, and what they saw. */
const handlers = {
  greet: async (job: GreetJob): Promise<string> => `hello ${job.name}`,
  calls: [] as string[],
};

@JobHandler(GreetJob, { retries: 1, backoff: { baseMs: 0 } })
class GreetHandler implements IJobHandler<GreetJob, string> {
  handle(job: GreetJob): Promise<string> {
    handlers.calls.push(`handle ${job.name}`);
    return handlers.greet(job);
  }
}

@JobHandler(OtherJob, { retries: 0 })
class OtherHandler implements IJobHandler<OtherJob> {
  async handle(): Promise<void> {
    handlers.calls.push('handle other');
  }
}

const greet = (name: string) => Object.assign(new GreetJob(), { name });

/** A filter that writes each hook it runs into `log`, tagged with its name. */
function recording(name: string, log: string[], extra: Partial<DocketFilter> = {}): DocketFilter {
  return {
    name,
    onEnqueue(context) {
      log.push(`${name} onEnqueue ${context.source}`);
      context.metadata[`seen-by-${name}`] = String(Object.keys(context.metadata).length);
    },
    beforeExecution: () => void log.push(`${name} before`),
    async onExecute(_context: ExecutionFilterContext, next) {
      log.push(`${name} enter`);
      const result = await next();
      log.push(`${name} leave`);
      return result;
    },
    afterExecution: (_context, result) => void log.push(`${name} after ${String(result)}`),
    onExecutionError: (_context, error) => void log.push(`${name} error ${String(error)}`),
    ...extra,
  };
}

/** A filter the container constructs and registers under DOCKET_FILTER. */
@injectable()
class ContainerFilter implements DocketFilter {
  static log: string[] = [];
  readonly name = 'container';
  onEnqueue(): void {
    ContainerFilter.log.push('container onEnqueue');
  }
  beforeExecution(): void {
    ContainerFilter.log.push('container before');
  }
}

/**
 * Job filters: hooks around enqueue (metadata, refusals), around each attempt (in order,
 * nested, on the types they name), and on state changes; a failing hook fails its enqueue or
 * attempt and never the server.
 */
describe('job filters', () => {
  let db: TestDatabase;
  const dockets: Docket[] = [];

  /** A Docket with these filters (and ContainerFilter in its container), its server started. */
  async function open(filters: DocketFilter[], options: { server?: boolean } = {}) {
    const { docket, container } = await createTestDocket(db, {
      handlers: [GreetHandler, OtherHandler],
      filters,
      collectionPrefix: `f${dockets.length}.`,
    });
    container.register(DOCKET_FILTER, { useClass: ContainerFilter });
    dockets.push(docket);
    // Long leases: a lease lost to a loaded machine would run an attempt twice, and these
    // tests count hook calls.
    if (options.server !== false) {
      await docket.startServer({ ...FAST_SERVER, leaseMs: 10_000, heartbeatIntervalMs: 1_000 });
    }
    return docket;
  }

  beforeAll(async () => {
    db = await openTestDatabase('job_filters');
  });

  beforeEach(() => {
    handlers.greet = async (job) => `hello ${job.name}`;
    handlers.calls = [];
    ContainerFilter.log = [];
  });

  afterAll(async () => {
    for (const docket of dockets) await docket.close();
    await db.cleanup();
  });

  it('runs in order on both sides: metadata from onEnqueue reaches every attempt', async () => {
    const log: string[] = [];
    let metadataSeen: unknown;
    let waited: number | undefined;
    const docket = await open([
      recording('late', log, { order: 10 }),
      recording('outer', log, {
        beforeExecution: (context) => {
          metadataSeen = context.metadata;
          waited = context.startedAt.getTime() - context.dueAt.getTime();
          log.push('outer before');
        },
      }),
      recording('inner', log),
    ]);
    const id = await docket.scheduler.enqueue(greet('Ada'));
    const finished = await docket.scheduler.waitForJob(id, { timeoutMs: 10_000 });
    expect(finished.state).toBe('succeeded');

    const expectedMetadata = { 'seen-by-outer': '0', 'seen-by-inner': '1', 'seen-by-late': '2' };
    expect((await docket.getJob(id))?.metadata).toEqual(expectedMetadata);
    expect(metadataSeen).toEqual(expectedMetadata);
    const stored = await docket.getJob(id);
    expect(waited).toBe(stored!.startedAt!.getTime() - stored!.dueAt.getTime());
    expect(log).toEqual([
      // By order (0 before 10), then as registered; the container's filter after the options'.
      'outer onEnqueue enqueue',
      'inner onEnqueue enqueue',
      'late onEnqueue enqueue',
      'outer before',
      'outer enter',
      'inner before',
      'inner enter',
      'late before',
      'late enter',
      'late leave',
      'late after hello Ada',
      'inner leave',
      'inner after hello Ada',
      'outer leave',
      'outer after hello Ada',
    ]);
    expect(ContainerFilter.log).toEqual(['container onEnqueue', 'container before']);
    expect(handlers.calls).toEqual(['handle Ada']);
  });

  it('applies a filter only to the job types it names', async () => {
    const log: string[] = [];
    const docket = await open([recording('greet-only', log, { jobTypes: ['filters-it.greet'] })]);
    const other = await docket.scheduler.enqueue(Object.assign(new OtherJob(), { name: 'x' }));
    expect((await docket.scheduler.waitForJob(other, { timeoutMs: 10_000 })).state).toBe(
      'succeeded',
    );
    expect(log).toEqual([]);
    expect((await docket.getJob(other))?.metadata).toBeUndefined();
  });

  it('refuses an enqueue from onEnqueue before anything is written', async () => {
    class QuotaExceededError extends EnqueueRefusedError {}
    const docket = await open(
      [
        {
          name: 'quota',
          onEnqueue: (context) => {
            if (context.payload.name === 'over') throw new QuotaExceededError('tenant over quota');
            if (context.payload.name === 'broken') throw new TypeError('quota service down');
            if (context.payload.name === 'bad key') context.metadata['not a key'] = 'x';
            if (context.payload.name === 'too long') context.metadata.note = 'x'.repeat(1_025);
          },
        },
      ],
      { server: false },
    );
    const jobs = docket.database.collection(`${docket.collectionPrefix}jobs`);
    await expect(docket.scheduler.enqueue(greet('over'))).rejects.toBeInstanceOf(
      QuotaExceededError,
    );
    const broken = docket.scheduler.schedule(greet('broken'), { delayMs: 60_000 });
    await expect(broken).rejects.toThrow(
      "Job filter 'quota' failed in onEnqueue (job type 'filters-it.greet'): quota service down",
    );
    await expect(broken).rejects.toMatchObject({
      code: 'JOB_FILTER',
      filter: 'quota',
      hook: 'onEnqueue',
      cause: expect.any(TypeError),
    });
    await expect(docket.scheduler.enqueue(greet('bad key'))).rejects.toThrow(
      /metadata key 'not a key' is not 1 to 64 letters/,
    );
    await expect(docket.scheduler.enqueue(greet('too long'))).rejects.toThrow(
      /metadata 'note' has 1025 characters, at most 1024/,
    );
    expect(await jobs.countDocuments()).toBe(0);
  });

  it('fails the attempt, never the server, when an execution hook throws', async () => {
    const docket = await open([
      {
        name: 'gate',
        jobTypes: ['filters-it.greet'],
        beforeExecution: (context) => {
          if (context.attempt === 1) throw new Error('gate closed');
        },
      },
    ]);
    const events: string[] = [];
    docket.on('job.retried', (event) => void events.push(`retried: ${event.error.message}`));
    const id = await docket.scheduler.enqueue(greet('Grace'));
    const finished = await docket.scheduler.waitForJob(id, { timeoutMs: 10_000 });
    expect(finished.state).toBe('succeeded');
    expect(events).toEqual([
      "retried: Job filter 'gate' failed in beforeExecution (job type 'filters-it.greet'): gate closed",
    ]);
    // The handler ran on the second attempt only.
    expect(handlers.calls).toEqual(['handle Grace']);
    expect((await docket.getJob(id))?.result).toBe('hello Grace');

    // Other jobs ran all along on the same server.
    const other = await docket.scheduler.enqueue(Object.assign(new OtherJob(), { name: 'y' }));
    expect((await docket.scheduler.waitForJob(other, { timeoutMs: 10_000 })).state).toBe(
      'succeeded',
    );
  });

  it('lets onExecute wrap the handler, and tells onExecutionError of its error', async () => {
    const seen: unknown[] = [];
    handlers.greet = async (job) => {
      if (job.name === 'bad') throw new RangeError('no such person');
      return `hello ${job.name}`;
    };
    const docket = await open([
      {
        name: 'shout',
        onExecute: async (_context, next) => String(await next()).toUpperCase(),
        onExecutionError: (_context, error) => void seen.push(error),
      },
    ]);
    const id = await docket.scheduler.enqueue(greet('Alan'));
    await docket.scheduler.waitForJob(id, { timeoutMs: 10_000 });
    expect((await docket.getJob(id))?.result).toBe('HELLO ALAN');

    const bad = await docket.scheduler.enqueue(greet('bad'), { maxAttempts: 1 });
    const failed = await docket.scheduler.waitForJob(bad, { timeoutMs: 10_000 });
    // The handler's own error passes through the filter as it is.
    expect(failed.error).toMatchObject({ name: 'RangeError', message: 'no such person' });
    expect(seen).toEqual([expect.any(RangeError)]);
  });

  it('tells onStateChanged of each state, and reports its errors without harm', async () => {
    const changes: JobStateChange[] = [];
    const docket = await open([
      {
        name: 'audit',
        onStateChanged: (change) => {
          changes.push(change);
          if (change.state === 'processing') throw new Error('audit log full');
        },
      },
    ]);
    const errors: string[] = [];
    docket.on('error', (event) => void errors.push(event.error.message));
    const id = await docket.scheduler.enqueue(greet('Edsger'));
    await docket.scheduler.waitForJob(id, { timeoutMs: 10_000 });
    await waitFor(async () => changes.some((c) => c.state === 'succeeded'), {
      what: 'the success to be told',
    });
    expect(changes.filter((c) => c.jobId === id).map((c) => c.state)).toEqual([
      'enqueued',
      'processing',
      'succeeded',
    ]);
    expect(errors).toEqual([
      "Job filter 'audit' failed in onStateChanged (job type 'filters-it.greet'): audit log full",
    ]);
  });

  it('runs onEnqueue for a recurring job triggered now', async () => {
    const sources: string[] = [];
    const docket = await open(
      [
        {
          name: 'source',
          onEnqueue: (context) => {
            sources.push(`${context.source} ${context.recurringId ?? ''}`);
            context.metadata.source = context.source;
          },
        },
      ],
      { server: false },
    );
    await docket.scheduler.addOrUpdateRecurring('daily-greeting', greet('team'), '0 9 * * *');
    const id = await docket.scheduler.triggerRecurring('daily-greeting');
    expect(sources).toEqual(['recurring daily-greeting']);
    expect((await docket.getJob(id))?.metadata).toEqual({ source: 'recurring' });

    // The REST API shows it with the job.
    const dashboard = await startDashboard(docket);
    try {
      const detail = await new DocketClient({ baseUrl: dashboard.url }).getJob(id);
      expect(detail.metadata).toEqual({ source: 'recurring' });
    } finally {
      await dashboard.close();
    }
  });

  it('refuses malformed filters in the options', async () => {
    const create = (filters: unknown) =>
      createTestDocket(db, { filters: filters as DocketFilter[] });
    await expect(create({})).rejects.toThrow('filters must be an array');
    await expect(create([{ name: 'x' }])).rejects.toThrow('filters[0] has none of the hooks');
    await expect(create([{ onEnqueue: 'no' }])).rejects.toMatchObject({
      option: 'filters[0].onEnqueue',
    });
    await expect(create([{ onEnqueue() {}, order: Number.NaN }])).rejects.toBeInstanceOf(
      InvalidOptionsError,
    );
    await expect(create([null])).rejects.toThrow('filters[0] must be a filter object');
  });

  it('names the filter and the hook in JobFilterError', () => {
    const error = new JobFilterError('audit', 'afterExecution', 'disk full', { jobType: 't' });
    expect(error.message).toBe(
      "Job filter 'audit' failed in afterExecution (job type 't'): disk full",
    );
    expect(error.code).toBe('JOB_FILTER');
  });
});
