import { InvalidCronExpressionError, InvalidOptionsError } from '../../../src/errors';
import {
  checkCronExpression,
  checkTimeZone,
  latestOccurrence,
  nextOccurrence,
  occurrencesAfter,
  type CronSchedule,
} from '../../../src/recurring';
import { describeValue } from '../../../src/options/option-checks';

const utc = (cron: string, hashSeed = 'seed'): CronSchedule => ({
  cron,
  timeZone: 'UTC',
  hashSeed,
});
const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function cronError(cron: unknown): InvalidCronExpressionError {
  try {
    checkCronExpression(cron);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCronExpressionError);
    return error as InvalidCronExpressionError;
  }
  throw new Error(`expected ${String(cron)} to be refused`);
}

describe('checkCronExpression', () => {
  it.each([
    '* * * * *',
    '*/5 * * * *',
    '* * * * * *',
    '0 30 2 * * *',
    '0 9 * * MON-FRI',
    '0 0 L * *',
    '0 0 * * 1#2',
    '0 0 1,15 jan,jul *',
    'H H * * *',
    '@daily',
    '@secondly',
  ])('accepts %p', (cron) => {
    expect(checkCronExpression(cron)).toBe(cron);
  });

  it.each<[unknown, RegExp]>([
    ['', /expected 1 to 200 characters, got 0/],
    ['   ', /expected 1 to 200 characters/],
    ['* * * *', /expected 5 fields .* or 6 .*, got 4/],
    ['* * * * * * *', /got 7/],
    ['61 * * * *', /Constraint error, got value 61 expected range 0-59/],
    ['* * * * 8', /expected range 0-7/],
    ['foo bar baz qux quux', /Invalid characters, got value: foo/],
    ['* * * * fooday', /cannot resolve alias "foo"/],
    ['@WEEKLY', /unknown alias/],
    ['0 0 30 2 *', /Invalid explicit day of month definition/],
    ['*/0 * * * *', /cannot repeat at every 0 time/],
    ['5-1 * * * *', /Invalid range: 5-1/],
    ['@reboot', /unknown alias; allowed: @yearly/],
    [42, /expected a string, got 42/],
    [null, /expected a string, got null/],
  ])('refuses %p with the reason', (cron, reason) => {
    const error = cronError(cron);
    expect(error.reason).toMatch(reason);
    expect(error.expression).toBe(String(cron));
    expect(error.message).toContain(`Invalid cron expression '${String(cron)}'`);
    expect(error.code).toBe('INVALID_CRON_EXPRESSION');
  });

  it.each([
    '@yearly',
    '@annually',
    '@monthly',
    '@weekly',
    '@daily',
    '@hourly',
    '@minutely',
    '@secondly',
    '@weekdays',
    '@weekends',
  ])('accepts the alias %p', (alias) => {
    expect(checkCronExpression(alias)).toBe(alias);
    expect(checkCronExpression(` ${alias} `)).toBe(` ${alias} `);
  });

  it('names every alias it allows when it refuses one', () => {
    expect(cronError('@fortnightly').reason).toBe(
      'unknown alias; allowed: @yearly, @annually, @monthly, @weekly, @daily, @hourly, ' +
        '@minutely, @secondly, @weekdays, @weekends',
    );
  });

  it('accepts up to 200 characters, counting surrounding blanks', () => {
    const padded = (length: number) => '0 0 * * *'.padStart(length, ' ');
    expect(checkCronExpression(padded(200))).toBe(padded(200));
    expect(cronError(padded(201)).reason).toBe('expected 1 to 200 characters, got 201');
    expect(cronError(`0 0 1 1 ${'1,'.repeat(100)}1`).reason).toBe(
      'expected 1 to 200 characters, got 209',
    );
  });

  it('counts fields separated by any run of blanks', () => {
    expect(checkCronExpression('0  0 * * *')).toBe('0  0 * * *');
    expect(checkCronExpression('0\t0\t*\t*\t*')).toBe('0\t0\t*\t*\t*');
    expect(checkCronExpression('0 0  0 * * *')).toBe('0 0  0 * * *');
    expect(cronError('0  0 * *').reason).toMatch(/, got 4$/);
    expect(cronError('0 \t 0 * *').reason).toMatch(/, got 4$/);
    expect(cronError('0  0  0 * * * *').reason).toMatch(/, got 7$/);
  });

  it("keeps cron-parser's error as the cause", () => {
    expect(cronError('61 * * * *').cause).toBeInstanceOf(Error);
  });
});

describe('checkTimeZone', () => {
  it.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Etc/GMT+5'])(
    'accepts %p',
    (zone) => {
      expect(checkTimeZone('timeZone', zone)).toBe(zone);
    },
  );

  // `system`, `local`, `default` and `UTC+3` are luxon's (cron-parser's) own names, not IANA's.
  it.each<unknown>([
    'Mars/Olympus',
    'Europe/Berlinn',
    '+01:00',
    'CEST',
    'system',
    'local',
    'default',
    'UTC+3',
    '',
    7,
    null,
    undefined,
  ])('refuses %p', (zone) => {
    const error = catchError(() => checkTimeZone('schedule.timeZone', zone));
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({ option: 'schedule.timeZone' });
    expect((error as Error).message).toBe(
      "schedule.timeZone must be an IANA time zone name such as 'Europe/Berlin' or 'UTC', " +
        `got ${describeValue(zone)}`,
    );
  });

  describe('before any zone lookup', () => {
    afterEach(() => jest.restoreAllMocks());

    it('refuses a name that is empty or longer than 100 characters', () => {
      const lookup = jest.spyOn(Intl, 'DateTimeFormat');
      for (const zone of ['', 'x'.repeat(101), 42]) {
        expect(() => checkTimeZone('timeZone', zone)).toThrow(InvalidOptionsError);
      }
      expect(lookup).not.toHaveBeenCalled();
      expect(() => checkTimeZone('timeZone', 'x'.repeat(100))).toThrow(InvalidOptionsError);
      expect(lookup).toHaveBeenCalledTimes(1);
    });
  });
});

describe('occurrences', () => {
  it('the next occurrence is strictly after the given instant', () => {
    const everySecond = utc('* * * * * *');
    expect(nextOccurrence(everySecond, new Date('2026-01-01T12:00:00.500Z')).toISOString()).toBe(
      '2026-01-01T12:00:01.000Z',
    );
    expect(nextOccurrence(everySecond, new Date('2026-01-01T12:00:01.000Z')).toISOString()).toBe(
      '2026-01-01T12:00:02.000Z',
    );
    expect(
      nextOccurrence(utc('*/15 * * * *'), new Date('2026-01-01T12:07:00Z')).toISOString(),
    ).toBe('2026-01-01T12:15:00.000Z');
  });

  it('an expression keeps the blanks around it, and they change nothing', () => {
    const from = new Date('2026-01-01T12:30:00Z');
    for (const cron of [' @hourly ', '\t0 * * * *  ']) {
      expect(nextOccurrence(utc(cron), from).toISOString()).toBe('2026-01-01T13:00:00.000Z');
      expect(latestOccurrence(utc(cron), from)?.toISOString()).toBe('2026-01-01T12:00:00.000Z');
      expect(iso(occurrencesAfter(utc(cron), from, 1))).toEqual(['2026-01-01T13:00:00.000Z']);
    }
  });

  it('the latest occurrence is at or before the given instant', () => {
    const hourly = utc('0 * * * *');
    expect(latestOccurrence(hourly, new Date('2026-01-01T12:00:00.000Z'))?.toISOString()).toBe(
      '2026-01-01T12:00:00.000Z',
    );
    expect(latestOccurrence(hourly, new Date('2026-01-01T12:59:59.999Z'))?.toISOString()).toBe(
      '2026-01-01T12:00:00.000Z',
    );
  });

  it('reads wall-clock fields in the time zone', () => {
    const nineInBerlin: CronSchedule = {
      cron: '0 9 * * *',
      timeZone: 'Europe/Berlin',
      hashSeed: 'x',
    };
    expect(iso(occurrencesAfter(nineInBerlin, new Date('2026-01-01T00:00:00Z'), 2))).toEqual([
      '2026-01-01T08:00:00.000Z', // CET, UTC+1
      '2026-01-02T08:00:00.000Z',
    ]);
    expect(iso(occurrencesAfter(nineInBerlin, new Date('2026-07-01T00:00:00Z'), 1))).toEqual([
      '2026-07-01T07:00:00.000Z', // CEST, UTC+2
    ]);
  });

  it('the 6-field form has seconds first', () => {
    expect(
      iso(occurrencesAfter(utc('15,45 * * * * *'), new Date('2026-01-01T00:00:00Z'), 3)),
    ).toEqual(['2026-01-01T00:00:15.000Z', '2026-01-01T00:00:45.000Z', '2026-01-01T00:01:15.000Z']);
  });

  it('hashed (H) fields are the same for the same seed, so every server agrees', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const a = nextOccurrence(utc('H H * * *', 'reports.nightly'), from).toISOString();
    for (let i = 0; i < 5; i++) {
      expect(nextOccurrence(utc('H H * * *', 'reports.nightly'), from).toISOString()).toBe(a);
    }
  });
});
