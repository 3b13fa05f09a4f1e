import { IsString } from 'class-validator';
import {
  Job,
  JobHandler,
  StorageError,
  type Docket,
  type DocketEvents,
  type IJob,
  type IJobHandler,
  type JobContext,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { FailPoint } from '../../helpers/fail-point';
import { openOwnStandIn, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';

const attempts: number[] = [];

@Job('key-faults.step')
class StepJob implements IJob {
  @IsString() account!: string;
}

@JobHandler(StepJob, { concurrencyKey: { key: (job) => `account:${job.account}` } })
class StepHandler implements IJobHandler<StepJob> {
  handle(_job: StepJob, ctx: JobContext): Promise<void> {
    attempts.push(ctx.attempt);
    return Promise.resolve();
  }
}

describe('concurrency keys under storage faults', () => {
  let db: TestDatabase;
  let docket: Docket;
  let failPoint: FailPoint;

  beforeAll(async () => {
    db = await openOwnStandIn('key_faults', 'replica-set');
    failPoint = new FailPoint(db);
  });

  beforeEach(async () => {
    ({ docket } = await createTestDocket(db, { handlers: [StepHandler] }));
  });

  afterEach(async () => {
    await failPoint.off();
    await docket.close();
    attempts.splice(0);
  });

  afterAll(() => db.cleanup());

  it('a key that cannot be taken gives its job back, reported, its attempt not counted; it runs once MongoDB answers', async () => {
    await failPoint.failCommand(
      'docket.keys',
      { times: 2 },
      {
        failCommands: ['update'],
        errorCode: 2,
      },
    );
    const reported = nextEvent<DocketEvents['error']>(
      (listener) => docket.on('error', listener),
      (event) => event.context.includes('taking a global concurrency slot'),
    );
    const id = await docket.scheduler.enqueue(Object.assign(new StepJob(), { account: 'a' }));
    await docket.startServer(FAST_SERVER);
    expect((await reported).error).toBeInstanceOf(StorageError);
    await waitFor(async () => (await docket.getJob(id))?.state === 'succeeded', {
      what: 'the job to succeed once the key could be taken',
    });
    // Given back before its handler ran: the attempt that ran is its first.
    expect(attempts).toEqual([1]);
    const job = await docket.getJob(id);
    expect(job?.attempt).toBe(1);
    expect(
      job?.history.some((h) => h.reason === 'a global concurrency slot could not be taken'),
    ).toBe(true);
    expect(await db.client.db(db.dbName).collection('docket.keys').countDocuments()).toBe(0);
  });

  it('a release MongoDB refuses leaves the key to expire with its lease: the next job of the key runs then', async () => {
    const first = await docket.scheduler.enqueue(Object.assign(new StepJob(), { account: 'b' }));
    await failPoint.failCommand(
      'docket.keys',
      { times: 1 },
      {
        failCommands: ['delete'],
        errorCode: 2,
      },
    );
    await docket.startServer(FAST_SERVER);
    await waitFor(async () => (await docket.getJob(first))?.state === 'succeeded', {
      what: 'the first job to succeed',
    });
    const second = await docket.scheduler.enqueue(Object.assign(new StepJob(), { account: 'b' }));
    await waitFor(async () => (await docket.getJob(second))?.state === 'succeeded', {
      what: 'the second job to run once the unreleased key expired',
    });
    expect(attempts).toEqual([1, 1]);
  });
});
