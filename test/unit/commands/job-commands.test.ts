import { container as rootContainer } from 'tsyringe';
import {
  BaseCommand,
  CommandBus,
  CreateBatchCommand,
  DeleteJobCommand,
  EnqueueJobCommand,
  ScheduleJobCommand,
  handleJobCommand,
  isJobCommand,
} from '../../../src/commands';
import { Job, type IJob } from '../../../src/jobs';
import {
  JOB_SCHEDULER,
  type EnqueueOptions,
  type IJobScheduler,
  type ScheduleTime,
} from '../../../src/scheduler/job-scheduler.interface';
import type { JobCommandScheduler } from '../../../src/commands';
import type { BatchSpec, CreateBatchOptions } from '../../../src/batches/batch-types';

@Job('job-commands-test.ping')
class PingJob implements IJob {}

/** Records every call; answers with predictable ids. */
class FakeScheduler implements JobCommandScheduler {
  readonly calls: unknown[][] = [];
  async enqueue(job: IJob, options?: EnqueueOptions): Promise<string> {
    this.calls.push(['enqueue', job, options]);
    return 'enqueued-1';
  }
  async schedule(job: IJob, when: ScheduleTime, options?: EnqueueOptions): Promise<string> {
    this.calls.push(['schedule', job, when, options]);
    return 'scheduled-1';
  }
  async delete(jobId: string): Promise<boolean> {
    this.calls.push(['delete', jobId]);
    return jobId === 'scheduled-1';
  }
  async createBatch(spec: BatchSpec, options?: CreateBatchOptions): Promise<string> {
    this.calls.push(['createBatch', spec, options]);
    return 'batch-1';
  }
}

function setup() {
  const container = rootContainer.createChildContainer();
  const scheduler = new FakeScheduler();
  container.registerInstance(JOB_SCHEDULER, scheduler as unknown as IJobScheduler);
  const bus = CommandBus.register(container, { handlers: [] });
  return { bus, scheduler };
}

describe('job commands on Docket’s bus', () => {
  it('EnqueueJobCommand calls enqueue with the job and options, and resolves with the id', async () => {
    const { bus, scheduler } = setup();
    const job = new PingJob();
    const options = { queue: 'emails', priority: 3 };
    expect(await bus.execute(new EnqueueJobCommand(job, options))).toBe('enqueued-1');
    expect(scheduler.calls).toEqual([['enqueue', job, options]]);
    expect(scheduler.calls[0][1]).toBe(job);
    expect(scheduler.calls[0][2]).toBe(options);
  });

  it('ScheduleJobCommand calls schedule with the time and options unchanged', async () => {
    const { bus, scheduler } = setup();
    const at = new Date('2030-01-01T00:00:00Z');
    expect(await bus.execute(new ScheduleJobCommand(new PingJob(), { at }))).toBe('scheduled-1');
    await bus.execute(new ScheduleJobCommand(new PingJob(), { delayMs: 1_500 }, { queue: 'q' }));
    expect(scheduler.calls).toEqual([
      ['schedule', new PingJob(), { at }, undefined],
      ['schedule', new PingJob(), { delayMs: 1_500 }, { queue: 'q' }],
    ]);
  });

  it('DeleteJobCommand calls delete and resolves with its answer', async () => {
    const { bus, scheduler } = setup();
    expect(await bus.execute(new DeleteJobCommand('scheduled-1'))).toBe(true);
    expect(await bus.execute(new DeleteJobCommand('unknown'))).toBe(false);
    expect(scheduler.calls).toEqual([
      ['delete', 'scheduled-1'],
      ['delete', 'unknown'],
    ]);
  });

  it('CreateBatchCommand calls createBatch with the spec unchanged, and resolves with the batch id', async () => {
    const { bus, scheduler } = setup();
    const spec = { jobs: [new PingJob(), new PingJob()], description: 'two pings' };
    expect(await bus.execute(new CreateBatchCommand(spec))).toBe('batch-1');
    expect(scheduler.calls).toEqual([['createBatch', spec, undefined]]);
    expect(scheduler.calls[0][1]).toBe(spec);
  });

  it('passes scheduler errors through', async () => {
    const container = rootContainer.createChildContainer();
    const refused = new Error('invalid payload');
    container.registerInstance(JOB_SCHEDULER, {
      enqueue: () => Promise.reject(refused),
    } as unknown as IJobScheduler);
    const bus = CommandBus.register(container, { handlers: [] });
    await expect(bus.execute(new EnqueueJobCommand(new PingJob()))).rejects.toBe(refused);
  });
});

describe('handleJobCommand (for adapters over other buses)', () => {
  class Other extends BaseCommand<number> {}

  it('runs job commands on the scheduler', async () => {
    const scheduler = new FakeScheduler();
    expect(await handleJobCommand(scheduler, new EnqueueJobCommand(new PingJob()))).toBe(
      'enqueued-1',
    );
    expect(
      await handleJobCommand(scheduler, new ScheduleJobCommand(new PingJob(), { delayMs: 0 })),
    ).toBe('scheduled-1');
    expect(await handleJobCommand(scheduler, new DeleteJobCommand('x'))).toBe(false);
    expect(
      await handleJobCommand(scheduler, new CreateBatchCommand({ jobs: [new PingJob()] })),
    ).toBe('batch-1');
    expect(scheduler.calls.map((call) => call[0])).toEqual([
      'enqueue',
      'schedule',
      'delete',
      'createBatch',
    ]);
  });

  it('returns undefined for other commands, so an adapter falls through to its own bus', async () => {
    const scheduler = new FakeScheduler();
    const ownBus = { execute: async () => 7 };
    const result = await (handleJobCommand(scheduler, new Other()) ?? ownBus.execute());
    expect(result).toBe(7);
    expect(scheduler.calls).toEqual([]);
  });

  it('isJobCommand tells job commands apart', () => {
    expect(isJobCommand(new EnqueueJobCommand(new PingJob()))).toBe(true);
    expect(isJobCommand(new ScheduleJobCommand(new PingJob(), { delayMs: 1 }))).toBe(true);
    expect(isJobCommand(new DeleteJobCommand('x'))).toBe(true);
    expect(isJobCommand(new CreateBatchCommand({ jobs: [] }))).toBe(true);
    expect(isJobCommand(new Other())).toBe(false);
    expect(isJobCommand(null)).toBe(false);
  });
});
