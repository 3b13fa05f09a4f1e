import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { InvalidCronExpressionError, InvalidOptionsError } from '../errors';
import { describeValue } from '../options/option-checks';

/*
 * Everything Docket asks of cron-parser: checking an expression and a time zone once, at
 * registration, and computing occurrences afterwards. Occurrences are instants (UTC Dates);
 * the time zone only decides which instants a wall-clock expression names, so DST gaps and
 * overlaps behave as cron-parser (luxon) makes them behave: see docs/recurring.md.
 */

/** Longest accepted cron expression, in characters. */
export const CRON_MAX_LENGTH = 200;

/** Names accepted after `@` (cron-parser's predefined expressions). */
const CRON_ALIASES = [
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
];

/** A cron expression and the IANA time zone its wall-clock fields are read in. */
export interface CronSchedule {
  readonly cron: string;
  readonly timeZone: string;
  /**
   * Seed of cron-parser's `H` (hashed) fields. Without one, `H` picks a random value at
   * every parse, and servers would disagree on the occurrences; the recurring job id is used.
   */
  readonly hashSeed: string;
}

/**
 * Checks that `timeZone` is an IANA time zone name that both `Intl` and cron-parser accept.
 * @returns the name as given.
 * @throws InvalidOptionsError - naming the option and the zone, e.g. "timeZone must be an
 *   IANA time zone name such as 'Europe/Berlin' or 'UTC', got "Mars/Olympus"".
 */
export function checkTimeZone(name: string, timeZone: unknown): string {
  const fail = (): never => {
    throw new InvalidOptionsError(
      `${name} must be an IANA time zone name such as 'Europe/Berlin' or 'UTC', ` +
        `got ${describeValue(timeZone)}`,
      { option: name },
    );
  };
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 100) fail();
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: timeZone as string });
    // Intl and luxon (inside cron-parser) read zone names alike today; check both anyway.
    CronExpressionParser.parse('0 0 * * *', { tz: timeZone as string }).next();
  } catch {
    fail();
  }
  return timeZone as string;
}

/**
 * Checks a cron expression: 5 fields (minute hour day-of-month month day-of-week) or 6
 * (seconds first), in cron-parser's syntax (`*`, lists, ranges, steps, names, `L`, `#`, `H`),
 * or one of its `@` aliases (`@daily`, `@hourly`, `@secondly`...). The expression must have
 * at least one future occurrence.
 * @returns the expression as given.
 * @throws InvalidCronExpressionError - with the expression and cron-parser's reason.
 */
export function checkCronExpression(cron: unknown, timeZone = 'UTC'): string {
  if (typeof cron !== 'string') {
    throw new InvalidCronExpressionError(
      String(cron),
      `expected a string, got ${describeValue(cron)}`,
    );
  }
  const trimmed = cron.trim();
  if (trimmed.length === 0 || cron.length > CRON_MAX_LENGTH) {
    throw new InvalidCronExpressionError(
      cron,
      `expected 1 to ${CRON_MAX_LENGTH} characters, got ${cron.length}`,
    );
  }
  if (trimmed.startsWith('@')) {
    if (!CRON_ALIASES.includes(trimmed)) {
      throw new InvalidCronExpressionError(
        cron,
        `unknown alias; allowed: ${CRON_ALIASES.join(', ')}`,
      );
    }
  } else {
    // cron-parser fills in missing fields (`* * * *` would mean every minute); a typo that
    // drops a field should be an error instead.
    const fields = trimmed.split(/\s+/).length;
    if (fields !== 5 && fields !== 6) {
      throw new InvalidCronExpressionError(
        cron,
        `expected 5 fields (minute hour day-of-month month day-of-week) or 6 (with seconds first), got ${fields}`,
      );
    }
  }
  try {
    parse({ cron, timeZone, hashSeed: 'check' }, new Date()).next();
  } catch (error) {
    throw new InvalidCronExpressionError(
      cron,
      error instanceof Error ? error.message : String(error),
      {
        cause: error,
      },
    );
  }
  return cron;
}

/** The first occurrence strictly after `after`. */
export function nextOccurrence(schedule: CronSchedule, after: Date): Date {
  return parse(schedule, after).next().toDate();
}

/** The last occurrence at or before `atOrBefore`, or null when there is none. */
export function latestOccurrence(schedule: CronSchedule, atOrBefore: Date): Date | null {
  // prev() is strictly before its start, so start one millisecond later.
  const expression = parse(schedule, new Date(atOrBefore.getTime() + 1));
  return expression.hasPrev() ? expression.prev().toDate() : null;
}

/**
 * Up to `limit` consecutive occurrences strictly after `after` (for docs, tests and tools).
 */
export function occurrencesAfter(schedule: CronSchedule, after: Date, limit: number): Date[] {
  return parse(schedule, after)
    .take(limit)
    .map((date) => date.toDate());
}

function parse(schedule: CronSchedule, currentDate: Date): CronExpression {
  // Blanks around an expression are accepted (and kept as given): cron-parser skips them
  // around fields, but reads ' @daily' as no alias at all.
  return CronExpressionParser.parse(schedule.cron.trim(), {
    tz: schedule.timeZone,
    currentDate,
    hashSeed: schedule.hashSeed,
  });
}
