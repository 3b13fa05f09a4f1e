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
import { withContext } from '../../../src/recurring/recurring-options';

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
      overlap: 'allow',
      startAt: null,
      endAt: null,
      repeatLimit: null,
      queue: 'default',
      priority: 0,
      maxAttempts: null,
      timeoutMs: null,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(resolveRecurringOptions({})).toEqual(resolved);
    expect(RECURRING_DEFAULTS).toEqual({
      timeZone: 'UTC',
      missedRunPolicy: 'runOnce',
      overlap: 'allow',
    });
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
      overlap: 'allow',
      startAt: null,
      endAt: null,
      repeatLimit: null,
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
    [
      'missedRunPolicy',
      'runAll',
      /missedRunPolicy must be one of "runOnce", "skip", "backfill", got "runAll"/,
    ],
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
    const error = thrown(() => resolveRecurringOptions([] as unknown as RecurringOptions));
    expect(error.message).toBe('options must be a plain object, got an array of length 0');
    expect(error.option).toBe('options');
  });

  it('takes the extra keys its caller handles, and only those', () => {
    const withPayload = { queue: 'q', payload: { a: 1 } } as unknown as RecurringOptions;
    expect(resolveRecurringOptions(withPayload, ['payload']).queue).toBe('q');
    expect(thrown(() => resolveRecurringOptions(withPayload)).option).toBe('options.payload');
  });

  it('treats options set to undefined as not given', () => {
    expect(
      resolveRecurringOptions({
        timeZone: undefined,
        missedRunPolicy: undefined,
        queue: undefined,
        priority: undefined,
      }),
    ).toEqual(resolveRecurringOptions({}));
  });

  it('turns a getter that throws into an InvalidOptionsError', () => {
    const cause = new Error('no zone today');
    const options = {
      get timeZone(): string {
        throw cause;
      },
    };
    const error = thrown(() => resolveRecurringOptions(options));
    expect(error.message).toBe(
      'options could not be read: a getter or Proxy trap threw: no zone today',
    );
    expect(error.option).toBe('options');
    expect(error.cause).toBe(cause);
  });
});

describe('withContext', () => {
  it('returns what its function returns', () => {
    expect(withContext('@Recurring on Nightly', () => 7)).toBe(7);
  });

  it('says where an InvalidOptionsError came from, keeping its option and cause', () => {
    const original = thrown(() => resolveRecurringOptions({ priority: 5000 }));
    const error = thrown(() =>
      withContext('@Recurring on Nightly', () => resolveRecurringOptions({ priority: 5000 })),
    );
    expect(error.message).toBe(`@Recurring on Nightly: ${original.message}`);
    expect(error.option).toBe('priority');
    expect(error.cause).toBeInstanceOf(InvalidOptionsError);
    expect((error.cause as Error).message).toBe(original.message);
  });

  it('lets other errors through unchanged', () => {
    const failure = new TypeError('not an options problem');
    expect(() =>
      withContext('somewhere', () => {
        throw failure;
      }),
    ).toThrow(failure);
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

  it('accepts the bounds, frozen', () => {
    const widest = resolveTickerOptions({ serverId: 's'.repeat(200), pollIntervalMs: 3_600_000 });
    expect(widest.pollIntervalMs).toBe(3_600_000);
    expect(Object.isFrozen(widest)).toBe(true);
    expect(resolveTickerOptions({ serverId: 's', pollIntervalMs: 10 }).pollIntervalMs).toBe(10);
  });

  it('refuses bad options', () => {
    expect(thrown(() => resolveTickerOptions({ serverId: '' })).option).toBe('serverId');
    expect(thrown(() => resolveTickerOptions({ serverId: 's'.repeat(201) })).message).toMatch(
      /^serverId must be a non-empty string of at most 200 characters/,
    );
    expect(
      thrown(() => resolveTickerOptions({ serverId: 's', pollIntervalMs: 3_600_001 })).option,
    ).toBe('pollIntervalMs');
    expect(thrown(() => resolveTickerOptions(null as never)).option).toBe('options');
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
