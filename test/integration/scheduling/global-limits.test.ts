import { IsInt } from 'class-validator';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
} from '../../../src';
import { MongoSlotStore } from '../../../src/storage/mongo/mongo-slot-store';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

let running = 0;
let peak = 0;
let release: Array<() => void> = [];

async function occupy(): Promise<void> {
  running++;
  peak = Math.max(peak, running);
  await new Promise<void>((resolve) => release.push(resolve));
  running--;
}

@Job('global-limits.report')
class ReportJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(ReportJob, { globalConcurrency: 2 })
class ReportHandler implements IJobHandler<ReportJob> {
  handle(): Promise<void> {
    return occupy();
  }
}

@Job('global-limits.mail')
class MailJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(MailJob)
class MailHandler implements IJobHandler<MailJob> {
  handle(): Promise<void> {
    return occupy();
  }
}

describe('global concurrency limits (across servers)', () => {
  let db: TestDatabase;
  const dockets: Docket[] = [];
  let scheduler: IJobScheduler;

  async function startServers(count: number, options: object): Promise<void> {
    for (let i = 0; i < count; i++) {
      const { docket, container } = await createTestDocket(db, {
        handlers: [ReportHandler, MailHandler],
      });
      dockets.push(docket);
      scheduler = container.resolve(JOB_SCHEDULER);
      await docket.startServer({ ...FAST_SERVER, concurrency: 10, ...options });
    }
  }

  async function drain(ids: string[]): Promise<void> {
    const docket = dockets[0];
    for (;;) {
      const jobs = await Promise.all(ids.map((id) => docket.getJob(id)));
      if (jobs.every((job) => job?.state === 'succeeded')) return;
      await waitFor(() => release.length > 0 || running === 0, { what: 'a running job' });
      // The limit holds at every moment the test looks.
      expect(running).toBeLessThanOrEqual(2);
      release.shift()?.();
    }
  }

  beforeAll(async () => {
    db = await openTestDatabase('global_limits');
  });

  afterEach(async () => {
    release.forEach((r) => r());
    release = [];
    await Promise.all(dockets.splice(0).map((d) => d.close()));
    running = 0;
    peak = 0;
  });

  afterAll(() => db.cleanup());

  it('a job type limited to 2 runs at most 2 at once across 3 servers', async () => {
    await startServers(3, {});
    const ids = await scheduler.enqueueMany(
      Array.from({ length: 8 }, (_, n) => Object.assign(new ReportJob(), { n })),
    );
    await waitFor(() => running === 2, { what: 'two reports to run' });
    await drain(ids);
    expect(peak).toBe(2);
  });

  it('a queue limited to 2 runs at most 2 at once across 3 servers', async () => {
    await startServers(3, { queues: ['mail'], globalQueueConcurrency: { mail: 2 } });
    const ids = await scheduler.enqueueMany(
      Array.from({ length: 8 }, (_, n) => Object.assign(new MailJob(), { n })),
      { queue: 'mail' },
    );
    await waitFor(() => running === 2, { what: 'two mails to run' });
    await drain(ids);
    expect(peak).toBe(2);
  });

  it('slots held by a dead server free themselves when their holder expires', async () => {
    const slots = new MongoSlotStore(db.client.db(db.dbName), 'docket.');
    // Expiry is the database's time of the take plus the lease.
    expect(
      await slots.acquire('type:x', 1, { jobId: 'dead', fence: 1, serverId: 'gone' }, 100),
    ).toBe(true);
    const live = { jobId: 'live', fence: 1, serverId: 'here' };
    expect(await slots.acquire('type:x', 1, live, 60_000)).toBe(false);
    await waitFor(() => slots.acquire('type:x', 1, live, 60_000), {
      what: 'the dead holder to expire',
    });
    await slots.release('type:x', 'live', 1);
    expect(await slots.acquire('type:x', 1, { ...live, jobId: 'next' }, 60_000)).toBe(true);
  });
});
