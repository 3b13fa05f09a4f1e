import { createLogger, transports } from 'winston';
import { InvalidOptionsError } from '../../../src/errors';
import { EventBus } from '../../../src/events/event-bus';
import type { JobRecord, JobState } from '../../../src/storage/job-record';
import { JobWaitTimeoutError } from '../../../src/errors/job-wait-timeout.error';
import { waitForJob, type JobWatchSource } from '../../../src/testing/harness/wait-for-job';

/** A Docket stand-in: an event bus and stored jobs whose reads can be held back. */
function fakeDocket() {
  const events = new EventBus(
    createLogger({ transports: [new transports.Console({ silent: true })] }),
  );
  const jobs = new Map<string, JobState>();
  const reads: Array<() => void> = [];
  let holdReads = false;
  const source: JobWatchSource = {
    on: (event, listener) => events.on(event, listener),
    getJob: async (jobId) => {
      if (holdReads) await new Promise<void>((resolve) => reads.push(resolve));
      const state = jobs.get(jobId);
      return state === undefined ? null : ({ _id: jobId, state } as JobRecord);
    },
  };
  const base = (jobId: string) => ({ jobId, jobType: 't', queue: 'default' });
  return {
    source,
    jobs,
    holdReads: () => (holdReads = true),
    releaseReads: () => reads.splice(0).forEach((release) => release()),
    succeed(jobId: string) {
      jobs.set(jobId, 'succeeded');
      events.emit('job.succeeded', { ...base(jobId), attempt: 1, durationMs: 1 });
    },
    snooze(jobId: string) {
      events.emit('job.snoozed', {
        ...base(jobId),
        attempt: 1,
        until: new Date(0),
        reason: undefined,
      });
    },
    start(jobId: string) {
      jobs.set(jobId, 'processing');
      events.emit('job.started', { ...base(jobId), attempt: 1, serverId: 's' });
    },
  };
}

describe('waitForJob', () => {
  it('resolves at once with the stored job when it is in the state already', async () => {
    const docket = fakeDocket();
    docket.jobs.set('a', 'succeeded');
    const job = await waitForJob(docket.source, 'a', 'succeeded', { timeoutMs: 5_000 });
    expect(job).toMatchObject({ _id: 'a', state: 'succeeded' });
  });

  it('resolves on the event that brings the job to one of the states', async () => {
    const docket = fakeDocket();
    docket.jobs.set('a', 'enqueued');
    const waiting = waitForJob(docket.source, 'a', ['succeeded', 'failed']);
    docket.start('a');
    docket.succeed('b');
    docket.succeed('a');
    expect((await waiting).state).toBe('succeeded');
  });

  it('resolves when the job snoozes, for a wait on scheduled', async () => {
    const docket = fakeDocket();
    docket.jobs.set('a', 'processing');
    // A deadline far beyond the test's: only the event can settle the wait in time.
    const waiting = waitForJob(docket.source, 'a', 'scheduled', { timeoutMs: 600_000 });
    // Lets the wait read the job and subscribe before it changes.
    await new Promise((resolve) => setImmediate(resolve));
    docket.jobs.set('a', 'scheduled');
    docket.snooze('a');
    expect((await waiting).state).toBe('scheduled');
  });

  it('misses no transition that happens while its first read is in flight', async () => {
    const docket = fakeDocket();
    docket.jobs.set('a', 'enqueued');
    docket.holdReads();
    const waiting = waitForJob(docket.source, 'a', 'succeeded', { timeoutMs: 5_000 });
    docket.succeed('a');
    docket.releaseReads();
    docket.releaseReads();
    expect((await waiting).state).toBe('succeeded');
  });

  it('resolves for a passing state the job has already left when the record is read', async () => {
    const docket = fakeDocket();
    docket.jobs.set('a', 'enqueued');
    const waiting = waitForJob(docket.source, 'a', 'processing');
    await new Promise((resolve) => setImmediate(resolve));
    docket.holdReads();
    docket.start('a');
    docket.jobs.set('a', 'succeeded');
    docket.releaseReads();
    expect((await waiting).state).toBe('succeeded');
  });

  it('rejects at the deadline saying the job, the awaited and the last seen state, and the wait', async () => {
    const docket = fakeDocket();
    docket.jobs.set('a', 'scheduled');
    const error = await waitForJob(docket.source, 'a', ['succeeded', 'failed'], {
      timeoutMs: 50,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobWaitTimeoutError);
    const timeout = error as JobWaitTimeoutError;
    expect(timeout).toMatchObject({
      jobId: 'a',
      awaitedStates: ['succeeded', 'failed'],
      lastState: 'scheduled',
      code: 'JOB_WAIT_TIMEOUT',
    });
    expect(timeout.waitedMs).toBeGreaterThanOrEqual(45);
    expect(timeout.message).toMatch(
      /^job a did not reach 'succeeded' or 'failed' within 50 ms \(waited \d+ ms\); last seen state: 'scheduled'$/,
    );
  });

  it('says when there is no such job', async () => {
    const docket = fakeDocket();
    await expect(waitForJob(docket.source, 'nope', 'succeeded', { timeoutMs: 10 })).rejects.toThrow(
      /last seen state: none \(no such job\)/,
    );
  });

  it('rejects with the reason of an aborted signal', async () => {
    const docket = fakeDocket();
    docket.jobs.set('a', 'enqueued');
    const controller = new AbortController();
    const waiting = waitForJob(docket.source, 'a', 'succeeded', { signal: controller.signal });
    controller.abort(new Error('test over'));
    await expect(waiting).rejects.toThrow('test over');
  });

  it('checks its arguments', async () => {
    const { source } = fakeDocket();
    await expect(waitForJob(source, '', 'succeeded')).rejects.toThrow(InvalidOptionsError);
    await expect(waitForJob(source, 'a', 'done' as JobState)).rejects.toThrow(
      /states\[0\] must be one of/,
    );
    await expect(waitForJob(source, 'a', [])).rejects.toThrow(/non-empty array/);
    await expect(waitForJob(source, 'a', 'succeeded', { timeoutMs: -1 })).rejects.toThrow(
      /timeoutMs must be an integer/,
    );
  });
});
