import { occurrencesAfter, type CronSchedule } from '../../../src/recurring';

/*
 * What cron-parser 5 (through luxon) does at DST transitions, pinned so that an upgrade that
 * changes it fails here first. The table in docs/recurring.md shows the same cases.
 * Each case lists the occurrences as UTC instants and as local wall-clock time.
 */

/** `2026-03-29 03:30 +02:00`: local wall-clock time and UTC offset, independent of the locale. */
function local(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = part('timeZoneName').replace('GMT', '') || '+00:00';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${offset}`;
}

function run(cron: string, timeZone: string, from: string, count: number): Array<[string, string]> {
  const schedule: CronSchedule = { cron, timeZone, hashSeed: 'dst' };
  return occurrencesAfter(schedule, new Date(from), count).map((date) => [
    date.toISOString(),
    local(date, timeZone),
  ]);
}

describe('DST in Europe/Berlin (2026: spring forward 29 March 02:00→03:00, fall back 25 October 03:00→02:00)', () => {
  it('daily 02:30 in the spring gap runs once, at 03:30 CEST (shifted by the gap)', () => {
    expect(run('30 2 * * *', 'Europe/Berlin', '2026-03-27T12:00:00Z', 4)).toEqual([
      ['2026-03-28T01:30:00.000Z', '2026-03-28 02:30 +01:00'],
      ['2026-03-29T01:30:00.000Z', '2026-03-29 03:30 +02:00'],
      ['2026-03-30T00:30:00.000Z', '2026-03-30 02:30 +02:00'],
      ['2026-03-31T00:30:00.000Z', '2026-03-31 02:30 +02:00'],
    ]);
  });

  it('daily 02:30 in the fall overlap runs once, at the first 02:30 (CEST)', () => {
    expect(run('30 2 * * *', 'Europe/Berlin', '2026-10-23T12:00:00Z', 4)).toEqual([
      ['2026-10-24T00:30:00.000Z', '2026-10-24 02:30 +02:00'],
      ['2026-10-25T00:30:00.000Z', '2026-10-25 02:30 +02:00'],
      ['2026-10-26T01:30:00.000Z', '2026-10-26 02:30 +01:00'],
      ['2026-10-27T01:30:00.000Z', '2026-10-27 02:30 +01:00'],
    ]);
    // From inside the overlap (after the first 02:30, before the second), the next run is
    // the next day: the second 02:30 does not run again.
    expect(run('30 2 * * *', 'Europe/Berlin', '2026-10-25T00:45:00Z', 1)).toEqual([
      ['2026-10-26T01:30:00.000Z', '2026-10-26 02:30 +01:00'],
    ]);
  });

  it('hourly :30 across the fall overlap runs at both 02:30s (every real hour)', () => {
    expect(run('30 * * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', 6)).toEqual([
      ['2026-10-24T22:30:00.000Z', '2026-10-25 00:30 +02:00'],
      ['2026-10-24T23:30:00.000Z', '2026-10-25 01:30 +02:00'],
      ['2026-10-25T00:30:00.000Z', '2026-10-25 02:30 +02:00'],
      ['2026-10-25T01:30:00.000Z', '2026-10-25 02:30 +01:00'],
      ['2026-10-25T02:30:00.000Z', '2026-10-25 03:30 +01:00'],
      ['2026-10-25T03:30:00.000Z', '2026-10-25 04:30 +01:00'],
    ]);
  });

  it('hourly :30 across the spring gap skips the missing 02:30 (no double 03:30)', () => {
    expect(run('30 * * * *', 'Europe/Berlin', '2026-03-28T23:00:00Z', 4)).toEqual([
      ['2026-03-28T23:30:00.000Z', '2026-03-29 00:30 +01:00'],
      ['2026-03-29T00:30:00.000Z', '2026-03-29 01:30 +01:00'],
      ['2026-03-29T01:30:00.000Z', '2026-03-29 03:30 +02:00'],
      ['2026-03-29T02:30:00.000Z', '2026-03-29 04:30 +02:00'],
    ]);
  });

  it('every 15 minutes runs through both copies of the repeated hour', () => {
    const times = run('*/15 * * * *', 'Europe/Berlin', '2026-10-24T23:50:00Z', 10).map(
      ([, wall]) => wall,
    );
    expect(times).toEqual([
      '2026-10-25 02:00 +02:00',
      '2026-10-25 02:15 +02:00',
      '2026-10-25 02:30 +02:00',
      '2026-10-25 02:45 +02:00',
      '2026-10-25 02:00 +01:00',
      '2026-10-25 02:15 +01:00',
      '2026-10-25 02:30 +01:00',
      '2026-10-25 02:45 +01:00',
      '2026-10-25 03:00 +01:00',
      '2026-10-25 03:15 +01:00',
    ]);
  });
});

describe('DST in America/New_York (2026: spring forward 8 March 02:00→03:00, fall back 1 November 02:00→01:00)', () => {
  it('daily 02:30 in the spring gap runs at 03:30 EDT', () => {
    expect(run('30 2 * * *', 'America/New_York', '2026-03-06T12:00:00Z', 3)).toEqual([
      ['2026-03-07T07:30:00.000Z', '2026-03-07 02:30 -05:00'],
      ['2026-03-08T07:30:00.000Z', '2026-03-08 03:30 -04:00'],
      ['2026-03-09T06:30:00.000Z', '2026-03-09 02:30 -04:00'],
    ]);
  });

  it('daily 01:30 in the fall overlap runs once, at the first 01:30 (EDT)', () => {
    expect(run('30 1 * * *', 'America/New_York', '2026-10-30T12:00:00Z', 3)).toEqual([
      ['2026-10-31T05:30:00.000Z', '2026-10-31 01:30 -04:00'],
      ['2026-11-01T05:30:00.000Z', '2026-11-01 01:30 -04:00'],
      ['2026-11-02T06:30:00.000Z', '2026-11-02 01:30 -05:00'],
    ]);
  });

  it('hourly :30 across the fall overlap runs at both 01:30s', () => {
    expect(
      run('30 * * * *', 'America/New_York', '2026-11-01T03:00:00Z', 5).map(([utc]) => utc),
    ).toEqual([
      '2026-11-01T03:30:00.000Z',
      '2026-11-01T04:30:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:30:00.000Z',
      '2026-11-01T07:30:00.000Z',
    ]);
  });
});
