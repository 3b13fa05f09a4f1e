import { InvalidCronExpressionError, InvalidOptionsError } from '../../../src/errors';
import {
  checkCronExpression,
  checkTimeZone,
  latestOccurrence,
  nextOccurrence,
  occurrencesAfter,
  type CronSchedule,
} from '../../../src/recurring';

const utc = (cron: string, hashSeed = 'seed'): CronSchedule => ({
  cron,
  timeZone: 'UTC',
  hashSeed,
});
const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

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

  it.each<unknown>(['Mars/Olympus', 'Europe/Berlinn', '+01:00', 'CEST', '', 7, null])(
    'refuses %p',
    (zone) => {
      expect(() => checkTimeZone('timeZone', zone)).toThrow(InvalidOptionsError);
      expect(() => checkTimeZone('timeZone', zone)).toThrow(
        /timeZone must be an IANA time zone name/,
      );
    },
  );
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
