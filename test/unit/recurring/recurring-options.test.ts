import { InvalidOptionsError } from '../../../src/errors';
import {
  RECURRING_DEFAULTS,
  TICKER_DEFAULTS,
  checkRecurringId,
  missedRunTolerance,
  resolveRecurringOptions,
  resolveTickerOptions,
  type RecurringOptions,
} from '../../../src/recurring';

function thrown(action: () => unknown): InvalidOptionsError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  throw new Error('expected an InvalidOptionsError');
}

describe('resolveRecurringOptions', () => {
  it('applies every default when nothing is given', () => {
    const resolved = resolveRecurringOptions(undefined);
    expect(resolved).toEqual({
      timeZone: 'UTC',
      missedRunPolicy: 'runOnce',
      queue: 'default',
      priority: 0,
      maxAttempts: null,
      timeoutMs: null,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(resolveRecurringOptions({})).toEqual(resolved);
    expect(RECURRING_DEFAULTS).toEqual({ timeZone: 'UTC', missedRunPolicy: 'runOnce' });
  });

  it('keeps what the caller passed', () => {
    expect(
      resolveRecurringOptions({
        timeZone: 'Europe/Berlin',
        missedRunPolicy: 'skip',
        queue: 'reports',
        priority: -5,
        maxAttempts: 2,
        timeoutMs: 60_000,
      }),
    ).toEqual({
      timeZone: 'Europe/Berlin',
      missedRunPolicy: 'skip',
      queue: 'reports',
      priority: -5,
      maxAttempts: 2,
      timeoutMs: 60_000,
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['timeZone', 'Mars/Olympus', /timeZone must be an IANA time zone name .* got "Mars\/Olympus"/],
    ['timeZone', '+01:00', /timeZone must be an IANA time zone name/],
    ['timeZone', '', /timeZone must be an IANA time zone name/],
    ['timeZone', 1, /timeZone must be an IANA time zone name .* got 1/],
    ['missedRunPolicy', 'runAll', /missedRunPolicy must be one of "runOnce", "skip", got "runAll"/],
    ['queue', 'a b', /queue must be a non-empty string/],
    ['priority', 1001, /priority must be an integer between -1000 and 1000, got 1001/],
    ['maxAttempts', 0, /maxAttempts must be an integer between 1 and 1000/],
    ['timeoutMs', -1, /timeoutMs must be an integer/],
  ])('refuses %s = %p', (option, value, message) => {
    const error = thrown(() => resolveRecurringOptions({ [option]: value } as RecurringOptions));
    expect(error.message).toMatch(message);
    expect(error.option).toBe(option);
  });

  it('refuses unknown keys, suggesting the near miss', () => {
    const error = thrown(() =>
      resolveRecurringOptions({ timezone: 'UTC' } as unknown as RecurringOptions),
    );
    expect(error.message).toMatch(/unknown option 'timezone' \(did you mean 'timeZone'\?\)/);
  });

  it('refuses options that are not a plain object', () => {
    expect(
      thrown(() => resolveRecurringOptions([] as unknown as RecurringOptions)).message,
    ).toMatch(/options must be a plain object/);
  });
});

describe('checkRecurringId', () => {
  it.each(['nightly', 'reports.daily:eu-1', 'a'.repeat(200), 'A_b.c:d-e'])('accepts %p', (id) => {
    expect(checkRecurringId(id)).toBe(id);
  });

  it.each<unknown>(['', 'a b', 'a/b', 'a@b', 'a'.repeat(201), 42, null, undefined])(
    'refuses %p',
    (id) => {
      const error = thrown(() => checkRecurringId(id));
      expect(error.message).toMatch(
        /^id must be a non-empty string of at most 200 characters from \[A-Za-z0-9_.:-\]/,
      );
      expect(error.option).toBe('id');
    },
  );
});

describe('resolveTickerOptions', () => {
  it('defaults the poll interval and derives the missed-run tolerance', () => {
    expect(resolveTickerOptions({ serverId: 's1' })).toEqual({
      serverId: 's1',
      pollIntervalMs: TICKER_DEFAULTS.pollIntervalMs,
      missedRunToleranceMs: 5_000,
    });
    expect(
      resolveTickerOptions({ serverId: 's1', pollIntervalMs: 10_000 }).missedRunToleranceMs,
    ).toBe(20_000);
  });

  it('tolerance is max(2 × poll interval, 5 s)', () => {
    expect(missedRunTolerance(50)).toBe(5_000);
    expect(missedRunTolerance(2_500)).toBe(5_000);
    expect(missedRunTolerance(3_000)).toBe(6_000);
  });

  it('refuses bad options', () => {
    expect(thrown(() => resolveTickerOptions({ serverId: '' })).option).toBe('serverId');
    expect(
      thrown(() => resolveTickerOptions({ serverId: 's', pollIntervalMs: 5 })).message,
    ).toMatch(/pollIntervalMs must be an integer between 10 and 3600000, got 5/);
    expect(
      thrown(() =>
        resolveTickerOptions({ serverId: 's', poll: 1 } as unknown as { serverId: string }),
      ).option,
    ).toBe('options.poll');
  });
});
