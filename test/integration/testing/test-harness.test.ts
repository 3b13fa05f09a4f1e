import { IsString } from 'class-validator';
import { MongoClient } from 'mongodb';
import { container as rootContainer } from 'tsyringe';
import {
  InvalidOptionsError,
  Job,
  JobHandler,
  type IJob,
  type IJobHandler,
  type JobServerOptions,
} from '../../../src';
import type { ManualClock } from '../../../src/testing/harness/manual-clock';
import { systemClock, type Clock } from '../../../src/server/clock';
import { startEphemeralMongo } from '../../../src/testing';
import { DrainTimeoutError } from '../../../src/testing/harness/drain-timeout.error';
import { TestHarnessClosedError } from '../../../src/testing/harness/test-harness-closed.error';
import { createTestHarness, type TestHarness } from '../../../src/testing/harness/test-harness';

@Job('harness-test.gated')
class GatedJob implements IJob {
  @IsString() name = 'gated';
}

/** Holds every job until the test opens the gate. */
const gate = {
  open: () => undefined as void,
  opened: Promise.resolve(),
  close(): void {
    this.opened = new Promise<void>((resolve) => (this.open = resolve));
  },
};

@JobHandler(GatedJob, { retries: 0 })
class GatedHandler implements IJobHandler<GatedJob> {
  async handle(): Promise<void> {
    await gate.opened;
  }
}

describe('the test harness', () => {
  // Closed by afterEach, not `await using`: jest's sandbox lacks Node 20's Symbol.asyncDispose.
  const harnesses: TestHarness<Clock>[] = [];
  afterEach(async () => {
    gate.open();
    await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
  });

  async function harnessOf(
    options: { clock?: Clock; server?: JobServerOptions } = {},
  ): Promise<TestHarness<Clock>> {
    const harness = await createTestHarness({
      container: rootContainer.createChildContainer(),
      handlers: [GatedHandler],
      ...options,
    });
    harnesses.push(harness);
    return harness;
  }

  it('wakes the server when the manual clock moves, not at its next poll', async () => {
    // Polls of a minute: only the clock's change notice can make the job run in time.
    const harness = await harnessOf({
      server: {
        pollIntervalMs: 60_000,
        minPollIntervalMs: 60_000,
        recurringPollIntervalMs: 60_000,
      },
    });
    gate.open();
    const jobId = await harness.scheduler.schedule(new GatedJob(), { delayMs: 3_600_000 });
    await harness.waitForJob(jobId, 'scheduled');
    (harness.clock as ManualClock).advance(3_600_000);
    await harness.waitForJob(jobId, 'succeeded', { timeoutMs: 5_000 });
  });

  it('names what is still running when a drain reaches its deadline', async () => {
    const harness = await harnessOf();
    gate.close();
    const jobId = await harness.scheduler.enqueue(new GatedJob());
    await harness.waitForJob(jobId, 'processing');
    const error = await harness.drain({ timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DrainTimeoutError);
    const timeout = error as DrainTimeoutError;
    expect(timeout.pending).toEqual([
      expect.objectContaining({ kind: 'running', id: jobId, jobType: 'harness-test.gated' }),
    ]);
    expect(timeout.waitedMs).toBeGreaterThanOrEqual(290);
    expect(timeout.message).toMatch(
      new RegExp(
        `within 300 ms .*still pending: job ${jobId} \\(harness-test.gated in default\\) running since`,
      ),
    );

    gate.open();
    expect(await harness.drain()).toMatchObject({ succeeded: [jobId], failed: [] });
  });

  it('reports the jobs that finished before the drain was called, once', async () => {
    const harness = await harnessOf();
    gate.open();
    const jobId = await harness.scheduler.enqueue(new GatedJob());
    // The server runs it at once: it is over before the test asks to drain.
    await harness.waitForJob(jobId, 'succeeded');
    expect(await harness.drain()).toMatchObject({
      started: [jobId],
      succeeded: [jobId],
      failed: [],
      retried: [],
    });
    expect(await harness.drain()).toMatchObject({ started: [], succeeded: [] });
  });

  it('drains a batch to its continuation: the batch’s end is pending work until it is recorded', async () => {
    const harness = await harnessOf();
    gate.open();
    const batchId = await harness.scheduler.createBatch({
      jobs: [new GatedJob(), new GatedJob(), new GatedJob()],
      continuations: [{ job: new GatedJob() }],
    });
    const summary = await harness.drain();
    expect(summary.succeeded).toHaveLength(4);
    expect(await harness.scheduler.getBatch(batchId)).toMatchObject({
      state: 'succeeded',
      succeeded: 3,
    });
  });

  it('leaves the jobs of a paused queue alone', async () => {
    const harness = await harnessOf();
    gate.open();
    // Its server names the queue, so pausing it before any job exists is no typo.
    await harness.docket.pauseQueue('default');
    const jobId = await harness.scheduler.enqueue(new GatedJob());
    expect((await harness.drain()).started).toEqual([]);
    await harness.docket.resumeQueue('default');
    expect((await harness.drain()).succeeded).toEqual([jobId]);
  });

  it('gives each harness its own database and drops it on close', async () => {
    gate.open();
    const one = await harnessOf();
    const two = await harnessOf();
    const names = [one.docket.database.databaseName, two.docket.database.databaseName];
    expect(names[0]).not.toBe(names[1]);
    const jobId = await one.scheduler.enqueue(new GatedJob());
    await one.waitForJob(jobId, 'succeeded');
    expect(await two.docket.getJob(jobId)).toBeNull();

    await Promise.all([one.close(), two.close()]);
    const mongo = await startEphemeralMongo();
    const client = await new MongoClient(mongo.uri).connect();
    try {
      const { databases } = await client.db('admin').admin().listDatabases();
      const remaining = databases.map((db) => db.name);
      expect(remaining).not.toContain(names[0]);
      expect(remaining).not.toContain(names[1]);
    } finally {
      await client.close();
      await mongo.stop();
    }
  });

  it('rejects waits in progress when it closes, and refuses new ones; close is idempotent', async () => {
    const harness = await harnessOf();
    gate.close();
    const jobId = await harness.scheduler.enqueue(new GatedJob());
    await harness.waitForJob(jobId, 'processing');
    const waiting = harness.waitForJob(jobId, 'succeeded', { timeoutMs: 20_000 });
    const closing = harness.close();
    await expect(waiting).rejects.toThrow(TestHarnessClosedError);
    gate.open();
    await Promise.all([closing, harness.close()]);
    await expect(harness.drain()).rejects.toThrow(TestHarnessClosedError);
    await expect(harness.waitForJob(jobId, 'succeeded')).rejects.toMatchObject({
      code: 'TEST_HARNESS_CLOSED',
      operation: 'waitForJob',
    });
  });

  it('runs on the system clock when given it', async () => {
    gate.open();
    const harness = await harnessOf({ clock: systemClock });
    const jobId = await harness.scheduler.schedule(new GatedJob(), { delayMs: 50 });
    const job = await harness.waitForJob(jobId, 'succeeded');
    expect(job.startedAt!.getTime()).toBeGreaterThanOrEqual(job.dueAt.getTime());
  });

  it('keeps the error events Docket reported', async () => {
    const harness = await harnessOf();
    gate.open();
    harness.docket.on('job.succeeded', () => {
      throw new Error('a listener that throws');
    });
    const jobId = await harness.scheduler.enqueue(new GatedJob());
    await harness.waitForJob(jobId, 'succeeded');
    expect(harness.errors).toEqual([
      expect.objectContaining({ context: "a 'job.succeeded' listener threw" }),
    ]);
    expect(harness.errors[0].error.message).toBe('a listener that throws');
  });

  it('checks its options before starting anything', async () => {
    const container = rootContainer.createChildContainer();
    await expect(createTestHarness({ container, server: { pollIntervalMs: 1 } })).rejects.toThrow(
      /pollIntervalMs must be an integer/,
    );
    await expect(createTestHarness({ container, clock: 'auto' as never })).rejects.toThrow(
      InvalidOptionsError,
    );
    await expect(createTestHarness({ container, timeout: 5 } as never)).rejects.toThrow(
      InvalidOptionsError,
    );
    await expect(createTestHarness({ container, timeoutMs: -1 })).rejects.toThrow(/timeoutMs/);
  });
});
