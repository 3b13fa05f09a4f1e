import { InvalidOptionsError } from '../../../src';
import { resolveJobServerOptions } from '../../../src/server/job-server-options';

describe('resolveJobServerOptions', () => {
  it('applies the documented defaults and freezes the result', () => {
    const resolved = resolveJobServerOptions();
    expect(resolved).toMatchObject({
      queues: ['default'],
      concurrency: 10,
      pollIntervalMs: 1_000,
      minPollIntervalMs: 50,
      leaseMs: 30_000,
      heartbeatIntervalMs: 10_000,
      recoveryIntervalMs: 15_000,
      shutdownGraceMs: 10_000,
      abortGraceMs: 1_000,
    });
    expect(resolved.serverId).toMatch(/:\d+:[0-9a-f]{6}$/);
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('keeps what the caller passed and removes duplicate queues', () => {
    const resolved = resolveJobServerOptions({
      queues: ['a', 'b', 'a'],
      concurrency: 3,
      serverId: 'me',
    });
    expect(resolved).toMatchObject({ queues: ['a', 'b'], concurrency: 3, serverId: 'me' });
  });

  it.each([
    [{ pollIntervalMs: -5 }, 'pollIntervalMs must be an integer between 10 and 2147483647, got -5'],
    [
      { minPollIntervalMs: 500, pollIntervalMs: 100 },
      'minPollIntervalMs must be ≤ pollIntervalMs (100), got 500',
    ],
    [{ concurrency: 1.5 }, 'concurrency'],
    [{ queues: 'default' }, 'queues must be a non-empty array'],
    [
      { leaseMs: 1_000, heartbeatIntervalMs: 501 },
      'heartbeatIntervalMs must be at most half of leaseMs (1000), got 501',
    ],
  ])('rejects %j', (options, message) => {
    expect(() => resolveJobServerOptions(options as never)).toThrow(InvalidOptionsError);
    expect(() => resolveJobServerOptions(options as never)).toThrow(message);
  });
});
