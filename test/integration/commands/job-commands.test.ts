import { IsEmail } from 'class-validator';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import {
  CommandBus,
  DeleteJobCommand,
  EnqueueJobCommand,
  InvalidOptionsError,
  Job,
  JobHandler,
  JobValidationError,
  ScheduleJobCommand,
  type Docket,
  type IJob,
  type IJobHandler,
  type JobRecord,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

@Job('job-commands-it.email')
class EmailJob implements IJob {
  @IsEmail() to!: string;
}

const sent: string[] = [];

@JobHandler(EmailJob)
class EmailHandler implements IJobHandler<EmailJob> {
  async handle(job: EmailJob): Promise<void> {
    sent.push(job.to);
  }
}

const email = (to: string) => Object.assign(new EmailJob(), { to });

describe('job commands through Docket’s command bus', () => {
  let db: TestDatabase;
  let docket: Docket;
  let container: DependencyContainer;
  let bus: CommandBus;

  beforeAll(async () => {
    db = await openTestDatabase('job_commands');
    // The bus first, Docket second, on one container: JOB_SCHEDULER is resolved lazily.
    container = rootContainer.createChildContainer();
    bus = CommandBus.register(container, { handlers: [] });
    ({ docket } = await createTestDocket(db, { container, handlers: [EmailHandler] }));
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  const jobs = () => db.client.db(db.dbName).collection<JobRecord>('docket.jobs');

  it('EnqueueJobCommand stores the job with its options and resolves with its id', async () => {
    const jobId: string = await bus.execute(
      new EnqueueJobCommand(email('ada@example.com'), { queue: 'emails', priority: 5 }),
    );
    const stored = await jobs().findOne({ _id: jobId });
    expect(stored).toMatchObject({
      type: 'job-commands-it.email',
      queue: 'emails',
      priority: 5,
      state: 'enqueued',
      payload: { to: 'ada@example.com' },
    });
  });

  it('ScheduleJobCommand stores a scheduled job, due after the delay or at the date', async () => {
    const before = Date.now();
    const delayedId = await bus.execute(
      new ScheduleJobCommand(email('later@example.com'), { delayMs: 60_000 }),
    );
    const at = new Date(Date.now() + 3_600_000);
    const datedId = await bus.execute(new ScheduleJobCommand(email('dated@example.com'), { at }));
    const delayed = await jobs().findOne({ _id: delayedId });
    expect(delayed?.state).toBe('scheduled');
    expect(delayed!.dueAt.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect((await jobs().findOne({ _id: datedId }))?.dueAt).toEqual(at);
  });

  it('DeleteJobCommand deletes a waiting job and resolves with whether it did', async () => {
    const jobId = await bus.execute(
      new ScheduleJobCommand(email('x@example.com'), { delayMs: 60_000 }),
    );
    const deleted: boolean = await bus.execute(new DeleteJobCommand(jobId));
    expect(deleted).toBe(true);
    expect((await jobs().findOne({ _id: jobId }))?.state).toBe('deleted');
    expect(await bus.execute(new DeleteJobCommand(jobId))).toBe(false);
    expect(await bus.execute(new DeleteJobCommand('000000000000000000000000'))).toBe(false);
  });

  it('jobs enqueued through the bus run on the server', async () => {
    const server = await docket.startServer({ ...FAST_SERVER, queues: ['default'] });
    try {
      const jobId = await bus.execute(new EnqueueJobCommand(email('run@example.com')));
      await waitFor(async () => (await jobs().findOne({ _id: jobId }))?.state === 'succeeded', {
        what: 'the job to succeed',
      });
      expect(sent).toContain('run@example.com');
    } finally {
      await server.stop();
    }
  });

  it('passes uniqueKey through: a second command with the same key returns the waiting job', async () => {
    const options = { uniqueKey: 'job-commands-it:welcome:ada' };
    const first = await bus.execute(
      new ScheduleJobCommand(email('ada@example.com'), { delayMs: 60_000 }, options),
    );
    const second = await bus.execute(
      new ScheduleJobCommand(email('ada@example.com'), { delayMs: 60_000 }, options),
    );
    expect(second).toBe(first);
    expect(await jobs().countDocuments({ uniqueKey: options.uniqueKey })).toBe(1);
  });

  it('rejects with the scheduler’s typed errors, and writes nothing', async () => {
    const before = await jobs().countDocuments();
    await expect(bus.execute(new EnqueueJobCommand(email('not-an-email')))).rejects.toThrow(
      JobValidationError,
    );
    await expect(
      bus.execute(new EnqueueJobCommand(email('a@example.com'), { queue: 'no spaces' })),
    ).rejects.toThrow(InvalidOptionsError);
    await expect(
      bus.execute(new ScheduleJobCommand(email('a@example.com'), { delayMs: -1 })),
    ).rejects.toThrow(InvalidOptionsError);
    expect(await jobs().countDocuments()).toBe(before);
  });
});
