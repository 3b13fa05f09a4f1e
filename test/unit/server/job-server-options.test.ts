import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
    expect(resolved.isolation).toEqual({
      bootstrap: undefined,
      terminateGraceMs: 5_000,
      resourceLimits: {},
      execArgv: [],
    });
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

  it('resolves queue rate limits, frozen', () => {
    const resolved = resolveJobServerOptions({
      queueRateLimits: { emails: { max: 10, intervalMs: 1_000 } },
    });
    expect(resolved.queueRateLimits).toEqual({ emails: { max: 10, intervalMs: 1_000 } });
    expect(Object.isFrozen(resolved.queueRateLimits.emails)).toBe(true);
    let error: unknown;
    try {
      resolveJobServerOptions({ queueRateLimits: { emails: { max: 10.5, intervalMs: 1 } } });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({ option: 'queueRateLimits.emails.max' });
  });

  it('takes the isolation bootstrap as an absolute path or a file: URL', () => {
    const path = join(tmpdir(), 'setup.js');
    for (const bootstrap of [path, pathToFileURL(path).href]) {
      expect(resolveJobServerOptions({ isolation: { bootstrap } }).isolation.bootstrap).toBe(path);
    }
  });

  it.each([
    [{ isolation: { bootstrap: './setup.js' } }, 'isolation.bootstrap', 'an absolute path'],
    [{ isolation: { bootstrap: 'file://host/x' } }, 'isolation.bootstrap', 'a file: URL'],
    [{ isolation: { terminateGraceMs: -1 } }, 'isolation.terminateGraceMs', 'integer'],
    [
      { isolation: { resourceLimits: { maxOldGenerationSizeMb: 0 } } },
      'isolation.resourceLimits.maxOldGenerationSizeMb',
      'integer',
    ],
    [
      { isolation: { resourceLimits: { maxOldSpaceSizeMb: 64 } } },
      'isolation.resourceLimits.maxOldSpaceSizeMb',
      'unknown option',
    ],
    [{ isolation: { execArgv: '--inspect' } }, 'isolation.execArgv', 'an array of strings'],
    [{ isolation: { execArgv: [1] } }, 'isolation.execArgv[0]', 'a non-empty string'],
    [{ isolation: { bootstrp: '/x.js' } }, 'isolation.bootstrp', 'unknown option'],
  ])('rejects the isolation options %j, naming the option', (options, option, message) => {
    let error: unknown;
    try {
      resolveJobServerOptions(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({ option, message: expect.stringContaining(message) });
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
    [
      { queueRateLimits: { emails: { max: 10, intervalMs: 0 } } },
      'queueRateLimits.emails.intervalMs must be an integer between 1 and 86400000, got 0',
    ],
    [{ queueRateLimits: { 'bad queue': { max: 1, intervalMs: 1 } } }, 'queueRateLimits key'],
    [{ queueRateLimits: [] }, 'queueRateLimits must be a plain object'],
  ])('rejects %j', (options, message) => {
    expect(() => resolveJobServerOptions(options as never)).toThrow(InvalidOptionsError);
    expect(() => resolveJobServerOptions(options as never)).toThrow(message);
  });
});
