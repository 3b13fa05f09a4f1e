import type { FinishResult } from '../../../src/storage/job-store';
import { QUIET, claimedJob, fakeServer } from './server-fixture';

describe('claims overlap with outcome writes (fake storage, fake timers)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('claims the next job while an outcome is written, holding at most twice its concurrency', async () => {
    const { store, events, build } = fakeServer({ ...QUIET, concurrency: 1, claimBatchSize: 1 });
    let claims = 0;
    store.claim = async () => (++claims <= 5 ? claimedJob('server-fixture.noop') : null);
    // Outcome writes (of one job or of several) hang until the test lets them through.
    const writes: Array<() => void> = [];
    store.finish = () =>
      new Promise<FinishResult | null>((resolve) =>
        writes.push(() => resolve({ hasContinuations: false })),
      );
    store.finishMany = (entries) =>
      new Promise<Array<FinishResult | null>>((resolve) =>
        writes.push(() => resolve(entries.map(() => ({ hasContinuations: false })))),
      );
    let started = 0;
    let succeeded = 0;
    events.on('job.started', () => void started++);
    events.on('job.succeeded', () => void succeeded++);
    const server = build();
    await server.start();
    await jest.advanceTimersByTimeAsync(10);
    // The first job's handler returned at once and its outcome waits: its slot is free for
    // the second job, which ran too. Two jobs are held, twice the concurrency: no more claims.
    expect(started).toBe(2);
    expect(claims).toBe(2);
    expect(writes).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(claims).toBe(2);
    expect(server.runningCount).toBe(2);
    // Outcomes stored let the next jobs be claimed and run, never more than two held at once.
    while (succeeded < 5) {
      writes.shift()!();
      await jest.advanceTimersByTimeAsync(10);
      expect(claims - succeeded).toBeLessThanOrEqual(2);
      expect(started).toBe(Math.min(5, succeeded + 2));
    }
    expect(claims).toBe(6); // the sixth found nothing
    let stopped = false;
    const stopping = server.stop().finally(() => (stopped = true));
    for (let i = 0; i < 100 && !stopped; i++) await jest.advanceTimersByTimeAsync(100);
    await stopping;
  });

  it('under a backlog, waits for jobs ending within a claim’s round trip rather than claiming the few slots beside them', async () => {
    const { store, build } = fakeServer({ ...QUIET, concurrency: 8, claimBatchSize: 8 });
    // Claims are answered when the test says so; the first finds 6 of its 8 (another server
    // took 2), the next ones find nothing.
    const limits: number[] = [];
    const answers: Array<() => void> = [];
    store.claimBatch = async (_request, limit) => {
      limits.push(limit);
      await new Promise<void>((resolve) => answers.push(resolve));
      const jobs =
        limits.length === 1
          ? Array.from({ length: 6 }, () => claimedJob('server-fixture.noop'))
          : [];
      return { jobs, contended: limits.length === 1 };
    };
    store.claim = async () => {
      limits.push(1);
      return null;
    };
    store.finishMany = async (entries) => entries.map(() => ({ hasContinuations: false }));
    const server = build();
    await server.start();
    // The first claim takes 10 ms; its six jobs end at once.
    await jest.advanceTimersByTimeAsync(10);
    answers.shift()!();
    await jest.advanceTimersByTimeAsync(20);
    // The six ended at once: the next claim is for all eight slots, not for the two left
    // beside them (which would split the work into two waves, each with its own claims and
    // outcome writes, for as long as the backlog lasts).
    expect(limits.slice(0, 2)).toEqual([8, 8]);
    let stopped = false;
    const stopping = server.stop().finally(() => (stopped = true));
    for (let i = 0; i < 100 && !stopped; i++) {
      answers.splice(0).forEach((answer) => answer());
      await jest.advanceTimersByTimeAsync(100);
    }
    await stopping;
  });
});
