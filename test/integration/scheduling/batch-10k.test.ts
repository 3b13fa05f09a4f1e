import { IsInt } from 'class-validator';
import type { CommandStartedEvent } from 'mongodb';
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
/** Commands on the batches collection, by name. */
const batchCommands = new Map<string, number>();

/** A batch of 10,000 jobs: created in one call, counted to the end, its continuation run. */
describe('a batch of 10,000 jobs', () => {
  let db: TestDatabase;
  let docket: Docket;

  beforeAll(async () => {
    db = await openTestDatabase('batch_10k');
    ({ docket } = await createTestDocket(db, {
      mongo: { uri: db.uri, dbName: db.dbName, clientOptions: { monitorCommands: true } },
      handlers: [ItemHandler],
    }));
    docket.database.client.on('commandStarted', (event: CommandStartedEvent) => {
      if (event.command[event.commandName] !== 'docket.batches') return;
      batchCommands.set(event.commandName, (batchCommands.get(event.commandName) ?? 0) + 1);
    });
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
    // At most one count per job; finishes that come together share one.
    const counts = batchCommands.get('findAndModify') ?? 0;
    expect(counts).toBeLessThanOrEqual(JOBS);
    process.stdout.write(
      `batch of ${JOBS}: ${counts} count writes (${(counts / JOBS).toFixed(3)} per job); ` +
        `commands on the batches collection: ${JSON.stringify(Object.fromEntries(batchCommands))}\n`,
    );
  }, 120_000);
});
