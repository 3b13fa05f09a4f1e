import { StandInOptionsError } from '../../src/stand-in-options.error';
import { parseCliArguments } from '../../src/stand-in-cli-arguments';
import { resolveStandInOptions } from '../../src/stand-in-options';

describe('resolveStandInOptions', () => {
  it('applies the defaults and freezes the result', () => {
    const resolved = resolveStandInOptions();
    expect(resolved).toEqual({
      port: 0,
      host: '127.0.0.1',
      ttlMonitorIntervalMs: 60_000,
      cursorTimeoutMs: 600_000,
      sessionTimeoutMs: 1_800_000,
      transactionLifetimeLimitMs: 60_000,
      replicaSet: undefined,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(resolveStandInOptions({ replicaSet: 'rs0' }).replicaSet).toBe('rs0');
    expect(resolveStandInOptions({ port: 27018, ttlMonitorIntervalMs: 50 })).toMatchObject({
      port: 27018,
      ttlMonitorIntervalMs: 50,
    });
  });

  it.each([
    [{ port: -1 }, 'port must be an integer from 0 to 65535 (0: any free port), got -1'],
    [{ port: 1.5 }, 'got 1.5'],
    [{ port: 70_000 }, 'got 70000'],
    [{ host: '0.0.0.0' }, "host must be '127.0.0.1' (loopback only), got '0.0.0.0'"],
    [{ ttlMonitorIntervalMs: 0 }, 'ttlMonitorIntervalMs must be an integer from 10'],
    [{ ttlMonitorIntervalMs: Number.NaN }, 'got NaN'],
    [{ cursorTimeoutMs: 5 }, 'cursorTimeoutMs must be an integer from 10 to 2147483647, got 5'],
    [{ sessionTimeoutMs: 1.5 }, 'sessionTimeoutMs must be an integer from 10'],
    [{ transactionLifetimeLimitMs: 0 }, 'transactionLifetimeLimitMs must be an integer from 10'],
    [{ replicaSet: '' }, "replicaSet must be a replica set name (1 to 128 characters, no '/'"],
    [{ replicaSet: 'a/b' }, "got 'a/b'"],
    [{ replicaSet: 7 }, 'got 7'],
  ])('rejects %j with a StandInOptionsError saying what is allowed', (options, message) => {
    expect(() => resolveStandInOptions(options as never)).toThrow(StandInOptionsError);
    expect(() => resolveStandInOptions(options as never)).toThrow(message);
  });
});

describe('parseCliArguments', () => {
  it('reads --port, --port=N and --exit-with-parent', () => {
    expect(parseCliArguments([])).toEqual({ kind: 'run', port: 0, exitWithParent: false });
    expect(parseCliArguments(['--port', '27017', '--exit-with-parent'])).toEqual({
      kind: 'run',
      port: 27017,
      exitWithParent: true,
    });
    expect(parseCliArguments(['--port=0'])).toMatchObject({ kind: 'run', port: 0 });
    expect(parseCliArguments(['--replica-set', 'rs0'])).toMatchObject({ replicaSet: 'rs0' });
    expect(parseCliArguments(['--replica-set=rs1'])).toMatchObject({ replicaSet: 'rs1' });
    expect(parseCliArguments(['--replica-set'])).toMatchObject({ kind: 'invalid' });
    expect(parseCliArguments(['--help'])).toEqual({ kind: 'help' });
  });

  it('reads --ttl-monitor-interval-ms N and =N, leaving its range to resolveStandInOptions', () => {
    expect(parseCliArguments(['--ttl-monitor-interval-ms', '100'])).toMatchObject({
      kind: 'run',
      ttlMonitorIntervalMs: 100,
    });
    expect(parseCliArguments(['--ttl-monitor-interval-ms=250'])).toMatchObject({
      ttlMonitorIntervalMs: 250,
    });
    expect(parseCliArguments(['--ttl-monitor-interval-ms', 'soon'])).toEqual({
      kind: 'invalid',
      reason: "--ttl-monitor-interval-ms needs a number of milliseconds, got 'soon'",
    });
  });

  it('explains bad arguments', () => {
    expect(parseCliArguments(['--port'])).toEqual({
      kind: 'invalid',
      reason: '--port needs an integer from 0 to 65535, got nothing',
    });
    expect(parseCliArguments(['--port', '65536'])).toMatchObject({ kind: 'invalid' });
    expect(parseCliArguments(['--verbose'])).toEqual({
      kind: 'invalid',
      reason: "unknown argument '--verbose'",
    });
  });
});
