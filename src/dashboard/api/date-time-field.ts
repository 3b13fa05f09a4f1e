import { InvalidOptionsError } from '../../errors';

/*
 * `new Date(text)` is lenient: it rolls 2030-02-31 over to March 3rd and reads T24:00 as the
 * next midnight, so a typo schedules a job on another day without a word. Dates from the API
 * are parsed here instead: the ISO 8601 profile of RFC 3339, each field in range, and the
 * calendar date checked by a round trip through Date.UTC.
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const EXAMPLE = '2030-01-01T09:00:00Z or 2030-01-01T10:00:00.000+01:00';

/**
 * Reads an ISO 8601 date-time with a time zone (`Z` or `±hh:mm`), refusing what does not
 * exist: February 31st, month 13, hour 24, minute or second 60, offsets beyond ±23:59.
 * Fractions of a second beyond milliseconds are truncated.
 * @param field - The field's name, for the message and `InvalidOptionsError.option`.
 * @throws InvalidOptionsError - naming the field, what was wrong and the expected form.
 */
export function parseDateTimeField(field: string, value: unknown): Date {
  const invalid = (why: string) =>
    new InvalidOptionsError(
      `${field} must be an ISO 8601 date-time with a time zone, such as ${EXAMPLE}: ` +
        `${why}, got ${JSON.stringify(value)}`,
      { option: field },
    );
  if (typeof value !== 'string') throw invalid(`it is a ${value === null ? 'null' : typeof value}`);
  const match = DATE_TIME.exec(value);
  if (match === null) throw invalid('it is not of that form');
  const [year, month, day, hour, minute, second] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12) throw invalid(`there is no month ${month}`);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1];
  if (day < 1 || day > daysInMonth) {
    throw invalid(`${year}-${match[2]} has ${daysInMonth} days, not ${day}`);
  }
  if (hour > 23) throw invalid('hours go from 00 to 23');
  if (minute > 59 || second > 59) throw invalid('minutes and seconds go from 00 to 59');
  let offsetMinutes = 0;
  if (match[9] !== undefined) {
    const offsetHours = Number(match[10]);
    const offsetRest = Number(match[11]);
    if (offsetHours > 23 || offsetRest > 59) throw invalid('the offset is beyond ±23:59');
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  const utc = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999.
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millis);
  if (
    utc.getUTCFullYear() !== year ||
    utc.getUTCMonth() !== month - 1 ||
    utc.getUTCDate() !== day
  ) {
    throw invalid('it is not a calendar date');
  }
  return new Date(utc.getTime() - offsetMinutes * 60_000);
}
