import { IsInt } from 'class-validator';
import {
  Job,
  JobHandler,
  type Docket,
  type DocketEvents,
  type IJob,
  type IJobHandler,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent } from '../../helpers/wait-for';

@Job('batch-10k.item')
class ItemJob implements IJob {
  @IsInt() n = 0;
}

const ran = new Set<number>();

@JobHandler(ItemJob, { retries: 0 })
class ItemHandler implements IJobHandler<ItemJob> {
  async handle(job: ItemJob): Promise<void> {
    ran.add(job.n);
  }
}

const JOBS = 10_000;

/** A batch of 10,000 jobs: created in one call, counted to the end, its continuation run. */
describe('a batch of 10,000 jobs', () => {
  let db: TestDatabase;
  let docket: Docket;

  beforeAll(async () => {
    db = await openTestDatabase('batch_10k');
    ({ docket } = await createTestDocket(db, { handlers: [ItemHandler] }));
    await docket.startServer({ ...FAST_SERVER, concurrency: 32 });
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  it('runs every job once, counts them all, then its continuation', async () => {
    const jobs = Array.from({ length: JOBS }, (_, n) => Object.assign(new ItemJob(), { n }));
    const continuation = Object.assign(new ItemJob(), { n: -1 });
    let batchId = '';
    const end = nextEvent<DocketEvents['batch.ended']>(
      (listener) => docket.on('batch.ended', listener),
      (event) => event.batchId === batchId,
      100_000,
    );
    batchId = await docket.scheduler.createBatch({ jobs, continuations: [{ job: continuation }] });
    const jobsCollection = db.client.db(db.dbName).collection<{ _id: string }>('docket.jobs');
    expect(await jobsCollection.countDocuments({ batchId })).toBe(JOBS);
    expect((await end).state).toBe('succeeded');
    expect(await docket.scheduler.getBatch(batchId)).toMatchObject({
      total: JOBS,
      succeeded: JOBS,
      failed: 0,
      pending: 0,
    });
    const [continued] = await jobsCollection.find({ awaitsBatch: batchId }).toArray();
    expect((await docket.scheduler.waitForJob(continued._id, { timeoutMs: 20_000 })).state).toBe(
      'succeeded',
    );
    expect(ran.size).toBe(JOBS + 1);
  }, 120_000);
});
