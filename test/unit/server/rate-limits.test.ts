import type { HandlerRegistry } from '../../../src/handlers';
import { RateLimits } from '../../../src/server/rate-limits';
import type { JobRecord } from '../../../src/storage/job-record';
import type { JobStore } from '../../../src/storage/job-store';
import type { RateLimitStore } from '../../../src/storage/rate-limit-store';
import { waitFor } from '../../helpers/wait-for';

const LIMIT = { max: 1, intervalMs: 20 };

/** A server's rate limits over fakes: one due job of a limited type, a limit found full. */
function throttledLimits(): RateLimits {
  const job = { _id: 'j1', type: 'limited', queue: 'default' } as JobRecord;
  return new RateLimits({
    store: {
      findClaimCandidates: async () => [job],
      claimCandidates: async () => ({ jobs: [], contended: false }),
    } as unknown as Pick<JobStore, 'findClaimCandidates' | 'claimCandidates'>,
    limits: {
      reserve: async () => ({ granted: 0, token: 't', waitMs: LIMIT.intervalMs }),
      settle: async () => undefined,
    } as unknown as RateLimitStore,
    registry: {
      get: (type: string) => (type === 'limited' ? { options: { rateLimit: LIMIT } } : undefined),
    } as unknown as HandlerRegistry,
    clock: { now: () => new Date() },
    queueRateLimits: {},
    report: (error) => {
      throw error;
    },
  });
}

const request = {
  queues: ['default'],
  jobTypes: ['limited'],
  serverId: 's1',
  leaseMs: 1_000,
  now: new Date(),
};

describe('RateLimits', () => {
  it('tells the claim loop how long a full limit stays full', async () => {
    const limits = throttledLimits();
    expect(await limits.claim(request, 1)).toEqual({ jobs: [], contended: false, throttled: true });
    expect(limits.isThrottled('type', 'limited')).toBe(true);
    const wait = limits.untilNextRetry();
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(LIMIT.intervalMs);
  });

  it('says "retry now", never "no limit is full", for a limit whose window freed since the scope was read', async () => {
    // The claim loop reads its scope (the limit full), then asks how long to sleep: a window
    // that freed in between must wake it at once, or it sleeps until something else happens.
    const limits = throttledLimits();
    await limits.claim(request, 1);
    await waitFor(() => !limits.isThrottled('type', 'limited'), { what: 'the window to free' });
    expect(limits.untilNextRetry()).toBe(0);
  });
});
