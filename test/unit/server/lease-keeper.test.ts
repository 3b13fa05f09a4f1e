import { LeaseKeeper, leaseKey, type LeaseLoss } from '../../../src/server/lease-keeper';
import type { JobLease, LostLease } from '../../../src/storage/job-store';

/** Lease 1 s, renewals time out after 200 ms: the margin is 100 ms, the hold window 500 ms. */
const LEASE_MS = 1_000;
const RENEW_TIMEOUT_MS = 200;

describe('LeaseKeeper', () => {
  let renewed: JobLease[][];
  let lost: Array<[string, LeaseLoss]>;
  let keeper: LeaseKeeper;
  const a: JobLease = { jobId: 'a', fence: 1 };
  const b: JobLease = { jobId: 'b', fence: 1 };

  beforeEach(() => {
    jest.useFakeTimers();
    renewed = [];
    lost = [];
    keeper = new LeaseKeeper({
      store: {
        extendLeases: (leases: readonly JobLease[]): Promise<LostLease[]> => {
          renewed.push([...leases]);
          return Promise.resolve([]);
        },
      },
      leaseMs: LEASE_MS,
      renewTimeoutMs: RENEW_TIMEOUT_MS,
      onLost: (key, loss) => lost.push([key, loss]),
    });
    keeper.track(leaseKey(a), a, performance.now());
    keeper.track(leaseKey(b), b, performance.now());
  });

  afterEach(() => {
    keeper.clear();
    jest.useRealTimers();
  });

  it('renews every lease in one request', async () => {
    await keeper.renew();
    expect(renewed).toEqual([[a, b]]);
  });

  it('leaves a lease on hold out of the renewals until its last chance', async () => {
    expect(keeper.holdWindowMs).toBe(500);
    expect(await keeper.hold(leaseKey(a))).toBe(false);
    expect(renewed).toEqual([[a]]);
    // The hold's renewal gives it until 900 ms; two renewal timeouts before that is 500 ms.
    await jest.advanceTimersByTimeAsync(499);
    await keeper.renew();
    expect(renewed[1]).toEqual([b]);
    await jest.advanceTimersByTimeAsync(1);
    await keeper.renew();
    expect(renewed[2]).toEqual([a, b]);
    // The next hold learns that its lease had to be renewed meanwhile; the one after, not.
    expect(await keeper.hold(leaseKey(a))).toBe(true);
    expect(await keeper.hold(leaseKey(a))).toBe(false);
    expect(lost).toEqual([]);
  });

  it('renews a lease again once its hold ends', async () => {
    await keeper.hold(leaseKey(a));
    keeper.resume(leaseKey(a));
    await keeper.renew();
    expect(renewed[1]).toEqual([a, b]);
    expect(await keeper.hold(leaseKey(a))).toBe(false);
  });

  it('keeps a lease on hold alive: its deadline passes only when renewals stop', async () => {
    await keeper.hold(leaseKey(a));
    for (let elapsed = 0; elapsed < 3_000; elapsed += RENEW_TIMEOUT_MS) {
      await jest.advanceTimersByTimeAsync(RENEW_TIMEOUT_MS);
      await keeper.renew();
    }
    expect(lost).toEqual([]);
    await jest.advanceTimersByTimeAsync(LEASE_MS);
    expect(lost.map(([key]) => key).sort()).toEqual([leaseKey(a), leaseKey(b)]);
  });

  it('goes on holding when the renewal fails, and does not count the try as too long', async () => {
    const failing = new LeaseKeeper({
      store: { extendLeases: () => Promise.reject(new Error('not primary')) },
      leaseMs: LEASE_MS,
      renewTimeoutMs: RENEW_TIMEOUT_MS,
      onLost: (key, loss) => lost.push([key, loss]),
    });
    failing.track(leaseKey(a), a, performance.now());
    expect(await failing.hold(leaseKey(a))).toBe(false);
    await jest.advanceTimersByTimeAsync(500);
    await failing.renew().catch(() => undefined);
    // Its window was short of the hold's renewal: the heartbeat's renewal does not break it.
    expect(await failing.hold(leaseKey(a))).toBe(false);
    expect(lost).toEqual([]);
    failing.clear();
  });

  it('reports a lease found gone by its hold', async () => {
    const gone = new LeaseKeeper({
      store: { extendLeases: (leases) => Promise.resolve([{ ...leases[0]!, state: 'deleted' }]) },
      leaseMs: LEASE_MS,
      renewTimeoutMs: RENEW_TIMEOUT_MS,
      onLost: (key, loss) => lost.push([key, loss]),
    });
    gone.track(leaseKey(a), a, performance.now());
    await gone.hold(leaseKey(a));
    expect(lost).toEqual([[leaseKey(a), 'deleted']]);
    gone.clear();
  });
});
