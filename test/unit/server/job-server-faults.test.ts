import { JobTimeoutError, LeaseLostError, StorageError } from '../../../src';
import type { DocketEvents } from '../../../src/events/docket-events';
import {
  QUIET,
  WaitHandler,
  claimedJob,
  fakeServer,
  stopOnFakeClock as stop,
  useFakeServerClock,
  flushPromises,
  waitingContexts,
} from './server-fixture';

describe('JobServerEngine under faults (fake storage, fake timers)', () => {
  useFakeServerClock();

  describe('a start that fails midway', () => {
    it('when recovery fails: rejects with ServerStartError and leaves no timer, heartbeat or registration', async () => {
      const { store, servers, events, errors, build } = fakeServer({
        ...QUIET,
        heartbeatIntervalMs: 100,
        leaseMs: 1_000,
        recoveryIntervalMs: 100,
        queueRefreshIntervalMs: 100,
      });
      const failure = new StorageError('recovery refused');
      store.recoverExpired = () => Promise.reject(failure);
      const server = build();
      const timers = jest.getTimerCount();
      await expect(server.start()).rejects.toMatchObject({
        name: 'ServerStartError',
        code: 'SERVER_START',
        cause: failure,
      });
      expect(jest.getTimerCount()).toBe(timers);
      // Listeners are gone too: a job enqueued later arms no wake-up timer.
      events.emit('job.enqueued', {
        jobId: 'j',
        jobType: 'server-fixture.noop',
        queue: 'default',
        dueAt: new Date(Date.now() + 5_000),
      });
      expect(jest.getTimerCount()).toBe(timers);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(servers.log).toEqual(['announce', 'remove']);
      expect(store.calls.filter((call) => call === 'recoverExpired')).toHaveLength(1);
      expect(errors).toEqual([]);
      await expect(server.stop()).resolves.toBeUndefined();
      await expect(server.start()).rejects.toMatchObject({ name: 'ServerStartError' });
      expect(errors).toEqual([]);
    });

    it('when the announcement fails: rejects with ServerStartError, nothing keeps running', async () => {
      const { servers, store, errors, build } = fakeServer({
        ...QUIET,
        heartbeatIntervalMs: 100,
        leaseMs: 1_000,
      });
      const failure = new StorageError('announce refused');
      servers.announce = () => Promise.reject(failure);
      const server = build();
      const timers = jest.getTimerCount();
      await expect(server.start()).rejects.toMatchObject({
        name: 'ServerStartError',
        cause: failure,
      });
      expect(jest.getTimerCount()).toBe(timers);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(servers.log.filter((entry) => entry === 'announce')).toHaveLength(1);
      expect(store.calls).toEqual([]);
      await server.stop();
      expect(errors).toEqual([]);
    });
  });

  it('backs off failed claims exponentially, capped, and starts over after a claim succeeds', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(1);
    const { store, build } = fakeServer({ ...QUIET, pollIntervalMs: 1_000, claimBatchSize: 1 });
    const claimedAt: number[] = [];
    let failing = true;
    store.claim = async () => {
      claimedAt.push(Date.now());
      if (failing) throw new StorageError('claim refused');
      return null;
    };
    const server = build();
    await server.start();
    await jest.advanceTimersByTimeAsync(200_000);
    const gaps = claimedAt.slice(1).map((at, i) => at - claimedAt[i]);
    expect(gaps.slice(0, 8)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    failing = false;
    await jest.advanceTimersByTimeAsync(30_000);
    failing = true;
    const before = claimedAt.length;
    await jest.advanceTimersByTimeAsync(5_000);
    const after = claimedAt.slice(before - 1);
    expect(after[after.length - 1] - after[after.length - 2]).toBeLessThanOrEqual(2_000);
    await server.stop();
  });

  it('reopens a failed change stream after a backoff, resuming after its last token', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(1);
    const { store, errors, build } = fakeServer(QUIET);
    store.changeStreams = true;
    const server = build();
    await server.start();
    expect(store.watches).toHaveLength(1);
    const first = store.watches[0];
    first.resumeToken = { _data: 'token-1' };
    first.onError(new Error('the stream broke'));
    await flushPromises();
    expect(first.closed).toBe(true);
    expect(errors.map((e) => e.error.message)).toEqual(['the stream broke']);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(store.watches).toHaveLength(2);
    expect(store.watches[1].options).toEqual({ resumeAfter: { _data: 'token-1' } });
    await server.stop();
    expect(store.watches[1].closed).toBe(true);
  });

  it('claims when the change stream announces another process’s job, not again for its own', async () => {
    const { store, events, build } = fakeServer(QUIET);
    store.changeStreams = true;
    const server = build();
    await server.start();
    await flushPromises();
    const claims = () => store.calls.filter((call) => call.startsWith('claim')).length;
    const before = claims();
    const enqueued = { jobType: 'server-fixture.noop', queue: 'default', dueAt: new Date() };
    events.emit('job.enqueued', { ...enqueued, jobId: 'own-job' });
    await jest.advanceTimersByTimeAsync(0);
    const afterOwn = claims();
    expect(afterOwn).toBeGreaterThan(before);
    // The stream's news of the job this process announced: nothing more to claim.
    store.watches[0].onWork('own-job');
    await jest.advanceTimersByTimeAsync(0);
    expect(claims()).toBe(afterOwn);
    // A job another process enqueued: claimed at once.
    store.watches[0].onWork('their-job');
    await jest.advanceTimersByTimeAsync(0);
    expect(claims()).toBeGreaterThan(afterOwn);
    await stop(server);
  });

  it('awaits an in-flight heartbeat before it removes its registration', async () => {
    const { servers, errors, build } = fakeServer({
      ...QUIET,
      heartbeatIntervalMs: 100,
      leaseMs: 1_000,
    });
    const server = build();
    await server.start();
    let answer!: () => void;
    servers.refresh = () => new Promise<void>((resolve) => (answer = resolve));
    await jest.advanceTimersByTimeAsync(100);
    // The first batch claim read the live servers (its lane) once.
    expect(servers.log).toEqual(['announce', 'live servers', 'refresh']);
    let stopped = false;
    const stopping = server.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(50);
    expect(stopped).toBe(false);
    expect(servers.log).toEqual(['announce', 'live servers', 'refresh']);
    answer();
    await stopping;
    expect(servers.log).toEqual(['announce', 'live servers', 'refresh', 'remove']);
    expect(servers.entries.size).toBe(0);
    expect(errors).toEqual([]);
  });

  it('never writes its registration back with a heartbeat given up on before its stop', async () => {
    const { servers, build } = fakeServer({ ...QUIET, heartbeatIntervalMs: 100, leaseMs: 1_000 });
    const server = build();
    await server.start();
    const answers: Array<() => void> = [];
    servers.refresh = () => new Promise<void>((resolve) => answers.push(resolve));
    // Two heartbeats hang past their interval: given up on, their writes still in flight.
    await jest.advanceTimersByTimeAsync(250);
    expect(answers).toHaveLength(2);
    // The stop waits at most one interval for them, then removes the entry.
    await stop(server);
    expect(servers.log.at(-1)).toBe('remove');
    expect(servers.entries.size).toBe(0);
    // The late writes land: a refresh does not create an entry, and a stopped server
    // announces none anew.
    for (const answer of answers) answer();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(servers.entries.size).toBe(0);
    expect(servers.log.at(-1)).toBe('remove');
  });

  it('writes its registration anew when it went missing while the server runs', async () => {
    const { servers, build } = fakeServer({ ...QUIET, heartbeatIntervalMs: 100, leaseMs: 1_000 });
    const server = build();
    await server.start();
    // Taken for dead and removed by another process (this one was paused for long).
    servers.entries.clear();
    await jest.advanceTimersByTimeAsync(100);
    expect(servers.log).toEqual(['announce', 'live servers', 'refresh', 'announce']);
    expect(servers.entries.has('fake-server')).toBe(true);
    await stop(server);
    expect(servers.entries.size).toBe(0);
  });

  it('gives up on a hung heartbeat after its interval, reports it, and tries once more without flooding', async () => {
    const { servers, errors, build } = fakeServer({
      ...QUIET,
      heartbeatIntervalMs: 100,
      leaseMs: 1_000,
    });
    const server = build();
    await server.start();
    servers.refresh = () => new Promise<void>(() => undefined);
    await jest.advanceTimersByTimeAsync(1_000);
    // The start's, then a heartbeat's that hangs, then one more: while two hang, none is sent.
    expect(servers.log).toEqual(['announce', 'live servers', 'refresh', 'refresh']);
    expect(errors).toHaveLength(2);
    for (const { error, context } of errors) {
      expect(error).toBeInstanceOf(StorageError);
      expect(context).toMatch(/^heartbeat failed/);
    }
    await stop(server);
  });

  it('aborts a handler with LeaseLostError at its local lease deadline when renewals hang', async () => {
    const { store, events, build } = fakeServer({
      ...QUIET,
      leaseMs: 1_000,
      heartbeatIntervalMs: 200,
      claimBatchSize: 1,
    });
    let claimed = false;
    store.claim = async () => {
      if (claimed) return null;
      claimed = true;
      return claimedJob('server-fixture.wait');
    };
    store.extendLeases = () => new Promise(() => undefined);
    const lost: Array<DocketEvents['job.leaseLost']> = [];
    events.on('job.leaseLost', (event) => void lost.push(event));
    const server = build();
    await server.start();
    await jest.advanceTimersByTimeAsync(10);
    expect(waitingContexts).toHaveLength(1);
    const startedAt = Date.now();
    const signal = waitingContexts[0].signal;
    while (!signal.aborted && Date.now() - startedAt < 5_000)
      await jest.advanceTimersByTimeAsync(10);
    expect(signal.reason).toBeInstanceOf(LeaseLostError);
    // Before the lease MongoDB holds (claim + leaseMs) can expire, with a margin.
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(lost).toEqual([expect.objectContaining({ jobType: 'server-fixture.wait', attempt: 1 })]);
    await stop(server);
  });

  it('reports a recovery sweep that hangs longer than a lease, in words, and goes on sweeping', async () => {
    const { store, errors, build } = fakeServer({
      ...QUIET,
      recoveryIntervalMs: 1_000,
      leaseMs: 1_000,
      heartbeatIntervalMs: 200,
    });
    let sweeps = 0;
    store.recoverExpired = () =>
      ++sweeps === 2 ? new Promise<number>(() => undefined) : Promise.resolve(0);
    const server = build();
    await server.start();
    await jest.advanceTimersByTimeAsync(3_500);
    expect(errors).toContainEqual(
      expect.objectContaining({
        context: expect.stringContaining('recovery failed'),
        error: expect.objectContaining({
          message: 'Could not finish the recovery: no answer within 1000 ms',
        }),
      }),
    );
    expect(sweeps).toBeGreaterThanOrEqual(3);
    await stop(server);
  });

  describe('a claim answered after half its lease', () => {
    const LATE = { ...QUIET, leaseMs: 1_000, heartbeatIntervalMs: 200, claimBatchSize: 1 };

    /** A store whose first claim answers after 1.5 s (the lease is 1 s), then finds nothing. */
    function lateClaim() {
      const fake = fakeServer(LATE);
      let claims = 0;
      fake.store.claim = () =>
        ++claims === 1
          ? new Promise((resolve) =>
              setTimeout(() => resolve(claimedJob('server-fixture.wait')), 1_500),
            )
          : Promise.resolve(null);
      return fake;
    }

    it('confirms the lease with a renewal, then runs the job with a full lease ahead', async () => {
      const { store, events, build } = lateClaim();
      const lost: Array<DocketEvents['job.leaseLost']> = [];
      events.on('job.leaseLost', (event) => void lost.push(event));
      const server = build();
      await server.start();
      await jest.advanceTimersByTimeAsync(1_600);
      const calls = store.calls.filter((call) => call !== 'watchForNewWork');
      expect(calls.slice(0, 3)).toEqual(['recoverExpired', 'claim', 'extendLeases']);
      expect(waitingContexts).toHaveLength(1);
      // Heartbeats keep renewing it: the handler is not stopped as if its lease were lost.
      await jest.advanceTimersByTimeAsync(3_000);
      expect(waitingContexts[0].signal.aborted).toBe(false);
      expect(lost).toEqual([]);
      expect(store.released).toEqual([]);
      await stop(server);
    });

    it('drops a job the renewal finds taken over, without running it', async () => {
      const { store, events, build } = lateClaim();
      const lost: Array<DocketEvents['job.leaseLost']> = [];
      events.on('job.leaseLost', (event) => void lost.push(event));
      store.extendLeases = async (leases) =>
        leases.map((lease) => ({ ...lease, state: 'enqueued' as const }));
      const server = build();
      await server.start();
      await jest.advanceTimersByTimeAsync(3_000);
      expect(store.calls).toContain('extendLeases');
      expect(waitingContexts).toHaveLength(0);
      expect(store.released).toEqual([]);
      expect(server.runningCount).toBe(0);
      expect(lost).toEqual([]);
      await stop(server);
    });

    it('gives the job back when the renewal fails, and reports the failure', async () => {
      const { store, errors, build } = lateClaim();
      store.extendLeases = () => Promise.reject(new StorageError('renewal failed'));
      const server = build();
      await server.start();
      await jest.advanceTimersByTimeAsync(3_000);
      expect(waitingContexts).toHaveLength(0);
      expect(store.released).toEqual([[{ jobId: expect.any(String), fence: 1 }]]);
      expect(errors.map((e) => e.context)).toContainEqual(
        expect.stringContaining('confirming the leases of a late claim failed'),
      );
      await stop(server);
    });
  });

  it('keeps the slot of a timed-out handler that ignores its signal until it settles', async () => {
    WaitHandler.ignoreSignal = true;
    const { store, events, build } = fakeServer({ ...QUIET, concurrency: 1, claimBatchSize: 1 });
    let claims = 0;
    store.claim = async () =>
      ++claims === 1 ? claimedJob('server-fixture.wait', { timeoutMs: 100 }) : null;
    const overrunning: Array<DocketEvents['job.overrunning']> = [];
    events.on('job.overrunning', (event) => void overrunning.push(event));
    const server = build();
    await server.start();
    await jest.advanceTimersByTimeAsync(10);
    expect(waitingContexts).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(waitingContexts[0].signal.reason).toBeInstanceOf(JobTimeoutError);
    expect(store.calls).toContain('finish');
    // The attempt is recorded; the invocation still runs and still holds the only slot.
    expect(claims).toBe(1);
    expect(server.runningCount).toBe(1);
    expect(overrunning).toEqual([
      expect.objectContaining({
        jobType: 'server-fixture.wait',
        reason: 'timeout',
        serverId: 'fake-server',
      }),
    ]);
    await stop(server);
  });
});
