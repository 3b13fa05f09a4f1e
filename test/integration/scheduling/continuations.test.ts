import { IsString } from 'class-validator';
import {
  JOB_SCHEDULER,
  Job,
  JobHandler,
  JobNotFoundError,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobState,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

@Job('continuations.step')
class StepJob implements IJob {
  @IsString() name!: string;
}

const ran: string[] = [];
const failing = new Set<string>();
const gates = new Map<string, Promise<void>>();

@JobHandler(StepJob, { retries: 0 })
class StepHandler implements IJobHandler<StepJob> {
  async handle(job: StepJob): Promise<void> {
    await gates.get(job.name);
    ran.push(job.name);
    if (failing.has(job.name)) throw new Error(`${job.name} failed`);
  }
}

const step = (name: string) => Object.assign(new StepJob(), { name });

describe('continuations', () => {
  let db: TestDatabase;
  let docket: Docket;
  let scheduler: IJobScheduler;

  const stateOf = async (id: string): Promise<JobState | undefined> =>
    (await docket.getJob(id))?.state;
  const settled = (id: string, expected: JobState) =>
    waitFor(async () => (await stateOf(id)) === expected, { what: `job ${id} to be ${expected}` });

  beforeAll(async () => {
    db = await openTestDatabase('continuations');
    const created = await createTestDocket(db, { handlers: [StepHandler] });
    docket = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
    await docket.startServer({ ...FAST_SERVER });
  });

  afterEach(() => {
    ran.length = 0;
    failing.clear();
    gates.clear();
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  it('runs a chain A → B → C in order, each child waiting as awaiting', async () => {
    let open!: () => void;
    gates.set('A', new Promise<void>((resolve) => (open = resolve)));
    const a = await scheduler.enqueue(step('A'));
    const b = await scheduler.continueWith(a, step('B'));
    const c = await scheduler.continueWith(b, step('C'));
    expect(await stateOf(b)).toBe('awaiting');
    expect(await stateOf(c)).toBe('awaiting');
    open();
    await settled(c, 'succeeded');
    expect(ran).toEqual(['A', 'B', 'C']);
    const child = (await docket.getJob(b))!;
    expect(child.parentId).toBe(a);
    expect(child.history.map((h) => h.reason ?? h.state)).toContain(`parent ${a} succeeded`);
  });

  it('cancels the chain when the parent fails for good (default policy)', async () => {
    failing.add('A');
    const a = await scheduler.schedule(step('A'), { delayMs: 100 });
    const b = await scheduler.continueWith(a, step('B'));
    const c = await scheduler.continueWith(b, step('C'));
    await settled(a, 'failed');
    await settled(b, 'deleted');
    await settled(c, 'deleted');
    expect(ran).toEqual(['A']);
  });

  it("runs the child anyway when its policy is 'run'", async () => {
    failing.add('A');
    const a = await scheduler.schedule(step('A'), { delayMs: 100 });
    const b = await scheduler.continueWith(a, step('B'), { onParentFailure: 'run' });
    await settled(b, 'succeeded');
    expect(ran).toEqual(['A', 'B']);
  });

  it('cancels or runs children of a deleted parent', async () => {
    const a = await scheduler.schedule(step('A'), { delayMs: 60_000 });
    const cancelled = await scheduler.continueWith(a, step('B'));
    const runs = await scheduler.continueWith(a, step('C'), { onParentFailure: 'run' });
    await scheduler.delete(a);
    await settled(cancelled, 'deleted');
    await settled(runs, 'succeeded');
    expect(ran).toEqual(['C']);
  });

  it('handles a parent that already finished before continueWith', async () => {
    const a = await scheduler.enqueue(step('A'));
    await settled(a, 'succeeded');
    const b = await scheduler.continueWith(a, step('B'));
    await settled(b, 'succeeded');
    failing.add('X');
    const x = await scheduler.enqueue(step('X'));
    await settled(x, 'failed');
    const y = await scheduler.continueWith(x, step('Y'));
    expect(await stateOf(y)).toBe('deleted');
  });

  it('resolves continuations left behind by a worker that died after its outcome', async () => {
    const a = await scheduler.schedule(step('A'), { delayMs: 60_000 });
    const b = await scheduler.continueWith(a, step('B'));
    // The parent is recorded succeeded, but nobody released the child (a crash in between).
    await db.client
      .db(db.dbName)
      .collection('docket.jobs')
      .updateOne({ _id: a as never }, { $set: { state: 'succeeded', finishedAt: new Date() } });
    await settled(b, 'succeeded');
  });

  it('fails at the call for an unknown parent, writing nothing', async () => {
    const jobs = db.client.db(db.dbName).collection('docket.jobs');
    const before = await jobs.countDocuments();
    await expect(scheduler.continueWith('no-such-parent', step('B'))).rejects.toBeInstanceOf(
      JobNotFoundError,
    );
    await expect(
      scheduler.continueWith('x', step('B'), { onParentFailure: 'maybe' as never }),
    ).rejects.toThrow(/onParentFailure/);
    expect(await jobs.countDocuments()).toBe(before);
  });
});
