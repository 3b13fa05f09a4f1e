import { IsString } from 'class-validator';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
} from '../../../src';
import { DocketClosedError } from '../../../src/errors';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

@Job('closed.note')
class NoteJob implements IJob {
  @IsString() text!: string;
}

let release: (() => void) | undefined;
let started = false;
let followUp: Promise<string> | undefined;

@JobHandler(NoteJob)
class NoteHandler implements IJobHandler<NoteJob> {
  async handle(job: NoteJob): Promise<void> {
    if (job.text !== 'slow') return;
    started = true;
    await new Promise<void>((resolve) => (release = resolve));
    followUp = scheduler.enqueue(note('follow-up'));
    await followUp;
  }
}

const note = (text: string) => Object.assign(new NoteJob(), { text });
let scheduler: IJobScheduler;

describe('a closed Docket', () => {
  let db: TestDatabase;
  let docket: Docket;

  const jobCount = () => db.client.db(db.dbName).collection('docket.jobs').countDocuments();

  beforeAll(async () => {
    db = await openTestDatabase('closed');
  });

  beforeEach(async () => {
    const created = await createTestDocket(db, { handlers: [NoteHandler] });
    docket = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
  });

  afterEach(async () => {
    await docket.close();
    await db.client.db(db.dbName).dropDatabase();
  });

  afterAll(async () => {
    await db.cleanup();
  });

  // The test's client stays open after close(): a verb that reached storage would succeed.
  const verbs: Array<[string, () => Promise<unknown>]> = [
    ['enqueue', () => scheduler.enqueue(note('x'))],
    ['enqueueMany', () => scheduler.enqueueMany([note('x')])],
    ['schedule', () => scheduler.schedule(note('x'), { delayMs: 10 })],
    ['continueWith', () => scheduler.continueWith('parent', note('x'))],
    ['delete', () => scheduler.delete('some-id')],
    ['requeue', () => scheduler.requeue('some-id')],
    ['runNow', () => scheduler.runNow('some-id')],
    ['reschedule', () => scheduler.reschedule('some-id', { delayMs: 10 })],
    ['changePriority', () => scheduler.changePriority('some-id', 1)],
    ['replacePayload', () => scheduler.replacePayload('some-id', note('x'))],
    ['markSucceeded', () => scheduler.markSucceeded('some-id')],
    ['markFailed', () => scheduler.markFailed('some-id', { message: 'x' })],
    ['addOrUpdateRecurring', () => scheduler.addOrUpdateRecurring('r', note('x'), '* * * * *')],
    ['removeRecurring', () => scheduler.removeRecurring('r')],
    ['triggerRecurring', () => scheduler.triggerRecurring('r')],
    ['pauseRecurring', () => scheduler.pauseRecurring('r')],
    ['resumeRecurring', () => scheduler.resumeRecurring('r')],
    ['listRecurring', () => scheduler.listRecurring()],
    ['waitForJob', () => scheduler.waitForJob('some-id')],
    ['findJobs', () => scheduler.findJobs({ state: 'failed' })],
    ['countJobs', () => scheduler.countJobs({ state: 'failed' })],
    ['retryJobs', () => scheduler.retryJobs({ filter: { state: 'failed' } })],
    ['requeueJobs', () => scheduler.requeueJobs({ ids: ['some-id'] })],
    ['deleteJobs', () => scheduler.deleteJobs({ filter: { queue: 'default' } })],
    ['redriveJobs', () => scheduler.redriveJobs({ filter: { queue: 'default' } })],
    ['purgeJobs', () => scheduler.purgeJobs({ filter: { queue: 'default' } })],
    ['drainQueue', () => scheduler.drainQueue('default')],
    ['getRecurring', () => scheduler.getRecurring('r')],
    ['createBatch', () => scheduler.createBatch({ jobs: [note('x')] })],
    ['continueBatchWith', () => scheduler.continueBatchWith('some-batch', note('x'))],
    ['cancelBatch', () => scheduler.cancelBatch('some-batch')],
    ['getBatch', () => scheduler.getBatch('some-batch')],
    ['listBatches', () => docket.listBatches()],
  ];

  it('lists every verb of the scheduler', () => {
    const listed = verbs.map(([verb]) => verb).sort();
    const declared = Object.getOwnPropertyNames(Object.getPrototypeOf(scheduler))
      .filter((name) => name !== 'constructor')
      .sort();
    expect(listed).toEqual(declared);
  });

  it.each(verbs)(
    'refuses scheduler.%s with DocketClosedError, writing nothing',
    async (verb, call) => {
      await docket.close();
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DocketClosedError);
      expect(error).toMatchObject({ code: 'DOCKET_CLOSED', operation: verb });
      expect((error as Error).message).toBe(
        `Docket is closed: ${verb} was called after close(). Create a new instance with Docket.create to keep working`,
      );
      expect(await jobCount()).toBe(0);
    },
  );

  it('refuses startServer, pauseQueue and resumeQueue with DocketClosedError', async () => {
    await docket.close();
    await expect(docket.startServer(FAST_SERVER)).rejects.toMatchObject({
      name: 'DocketClosedError',
      operation: 'startServer',
    });
    await expect(docket.pauseQueue('default', { allowUnknown: true })).rejects.toMatchObject({
      operation: 'pauseQueue',
    });
    await expect(docket.resumeQueue('default')).rejects.toBeInstanceOf(DocketClosedError);
    expect(await db.client.db(db.dbName).collection('docket.queues').countDocuments()).toBe(0);
  });

  it('refuses startServer as soon as close() is called', async () => {
    const closing = docket.close();
    await expect(docket.startServer(FAST_SERVER)).rejects.toBeInstanceOf(DocketClosedError);
    await closing;
  });

  it('lets jobs that run while it closes still enqueue', async () => {
    started = false;
    followUp = undefined;
    await docket.startServer({ ...FAST_SERVER, shutdownGraceMs: 5_000 });
    await scheduler.enqueue(note('slow'));
    await waitFor(() => started, { what: 'the slow job to start' });
    const closing = docket.close();
    release?.();
    await closing;
    await expect(followUp).resolves.toEqual(expect.any(String));
    await expect(scheduler.enqueue(note('late'))).rejects.toBeInstanceOf(DocketClosedError);
  });
});
