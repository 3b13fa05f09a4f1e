import { IsString } from 'class-validator';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  UniqueKeyConflictError,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

@Job('uniqueness.sync')
class SyncJob implements IJob {
  @IsString() account!: string;
}

let behaviour: (ctx: JobContext) => Promise<void> = async () => undefined;

@JobHandler(SyncJob, { retries: 0 })
class SyncHandler implements IJobHandler<SyncJob> {
  handle(_job: SyncJob, ctx: JobContext): Promise<void> {
    return behaviour(ctx);
  }
}

const sync = (account: string) => Object.assign(new SyncJob(), { account });

describe('uniqueKey and requeue', () => {
  let db: TestDatabase;
  let docket: Docket;
  let scheduler: IJobScheduler;

  const jobs = () => db.client.db(db.dbName).collection<JobRecord>('docket.jobs');
  const state = async (id: string) => (await docket.getJob(id))?.state;

  beforeAll(async () => {
    db = await openTestDatabase('uniqueness');
    const created = await createTestDocket(db, { handlers: [SyncHandler] });
    docket = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
  });

  afterEach(() => {
    behaviour = async () => undefined;
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  it('50 concurrent enqueues with one uniqueKey store one job and all get its id', async () => {
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        scheduler.enqueue(sync(`caller-${i}`), { uniqueKey: 'sync:acme' }),
      ),
    );
    expect(new Set(ids).size).toBe(1);
    expect(await jobs().countDocuments({ uniqueKey: 'sync:acme' })).toBe(1);
    // schedule() honours the key too.
    await expect(
      scheduler.schedule(sync('later'), { delayMs: 60_000 }, { uniqueKey: 'sync:acme' }),
    ).resolves.toBe(ids[0]);
  });

  it('frees the key when the job finishes, and keeps it across retries', async () => {
    const server = await docket.startServer({ ...FAST_SERVER });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    behaviour = () => gate;
    const first = await scheduler.enqueue(sync('a'), { uniqueKey: 'sync:free' });
    await waitFor(async () => (await state(first)) === 'processing');
    // Still running: the key is held.
    await expect(scheduler.enqueue(sync('b'), { uniqueKey: 'sync:free' })).resolves.toBe(first);
    release();
    await waitFor(async () => (await state(first)) === 'succeeded');
    const second = await scheduler.enqueue(sync('c'), { uniqueKey: 'sync:free' });
    expect(second).not.toBe(first);
    await waitFor(async () => (await state(second)) === 'succeeded');
    await server.stop();
  });

  it('frees the key of a deleted job', async () => {
    const first = await scheduler.schedule(
      sync('a'),
      { delayMs: 60_000 },
      { uniqueKey: 'sync:deleted' },
    );
    await scheduler.delete(first);
    const second = await scheduler.enqueue(sync('b'), { uniqueKey: 'sync:deleted' });
    expect(second).not.toBe(first);
    await scheduler.delete(second);
  });

  it('requeues failed, succeeded and deleted jobs with fresh attempts and a history entry', async () => {
    const server = await docket.startServer({ ...FAST_SERVER });
    behaviour = async () => {
      throw new Error('upstream down');
    };
    const failed = await scheduler.enqueue(sync('x'));
    await waitFor(async () => (await state(failed)) === 'failed');
    behaviour = async () => undefined;
    await expect(scheduler.requeue(failed)).resolves.toBe(true);
    const record = await waitFor(async () => {
      const job = await docket.getJob(failed);
      return job?.state === 'succeeded' ? job : null;
    });
    expect(record.attempt).toBe(1);
    expect(record.error).toBeNull();
    expect(record.history.map((h) => h.reason ?? h.state)).toEqual([
      'enqueued',
      'processing',
      'attempt 1 of 1 failed',
      'requeued from failed',
      'processing',
      'succeeded',
    ]);
    // A succeeded job runs again; a deleted one too.
    await expect(scheduler.requeue(failed)).resolves.toBe(true);
    await waitFor(async () => (await docket.getJob(failed))?.history.length === 9);
    const deleted = await scheduler.schedule(sync('y'), { delayMs: 60_000 });
    await scheduler.delete(deleted);
    await expect(scheduler.requeue(deleted)).resolves.toBe(true);
    await waitFor(async () => (await state(deleted)) === 'succeeded');
    await server.stop();
  });

  it('does not requeue unfinished or unknown jobs', async () => {
    const waiting = await scheduler.schedule(sync('z'), { delayMs: 60_000 });
    await expect(scheduler.requeue(waiting)).resolves.toBe(false);
    await expect(scheduler.requeue('no-such-job')).resolves.toBe(false);
    await scheduler.delete(waiting);
  });

  it('refuses to requeue a job whose uniqueKey another unfinished job holds', async () => {
    const old = await scheduler.schedule(
      sync('old'),
      { delayMs: 60_000 },
      { uniqueKey: 'sync:requeue' },
    );
    await scheduler.delete(old);
    const holder = await scheduler.schedule(
      sync('new'),
      { delayMs: 60_000 },
      { uniqueKey: 'sync:requeue' },
    );
    const error = await scheduler.requeue(old).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueKeyConflictError);
    expect(error).toMatchObject({ uniqueKey: 'sync:requeue', existingJobId: holder });
    expect(await state(old)).toBe('deleted');
    await scheduler.delete(holder);
  });

  it('sets expireAt from the retention settings when a job finishes, backed by a TTL index', async () => {
    const indexes = await jobs().listIndexes().toArray();
    expect(indexes.find((i) => i.name === 'retention')).toMatchObject({
      key: { expireAt: 1 },
      expireAfterSeconds: 0,
    });
    const server = await docket.startServer({ ...FAST_SERVER });
    behaviour = async () => undefined;
    const ok = await scheduler.enqueue(sync('ok'));
    await waitFor(async () => (await state(ok)) === 'succeeded');
    behaviour = async () => {
      throw new Error('no');
    };
    const bad = await scheduler.enqueue(sync('bad'));
    await waitFor(async () => (await state(bad)) === 'failed');
    const deleted = await scheduler.schedule(sync('d'), { delayMs: 60_000 });
    await scheduler.delete(deleted);
    const DAY = 86_400_000;
    for (const [id, ttl] of [
      [ok, DAY],
      [bad, 14 * DAY],
      [deleted, DAY],
    ] as const) {
      const job = (await docket.getJob(id))!;
      expect(job.expireAt!.getTime() - job.finishedAt!.getTime()).toBe(ttl);
    }
    const waiting = await scheduler.schedule(sync('w'), { delayMs: 60_000 });
    expect((await docket.getJob(waiting))!.expireAt).toBeNull();
    await scheduler.delete(waiting);
    await server.stop();
  });
});
