import { InvalidOptionsError } from '../errors';
import {
  checkInteger,
  checkKnownKeys,
  describeValue,
  isPlainObject,
} from '../options/option-checks';
import { checkCronExpression } from './cron-schedule';
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS, type RecurringSchedule } from './schedule-shape';

/** A schedule as stored: a cron expression or an interval, the other null. */
export interface CheckedSchedule {
  readonly cron: string | null;
  readonly everyMs: number | null;
}

/**
 * Checks the schedule given to `addOrUpdateRecurring` or `@Recurring`.
 * @throws InvalidCronExpressionError - for an invalid cron expression.
 * @throws InvalidOptionsError - for an interval that is not `{ everyMs }` with an integer
 *   from 1,000 to 366 days, e.g. "schedule.everyMs must be an integer ≥ 1000 …, got 10".
 */
export function checkRecurringSchedule(
  schedule: RecurringSchedule,
  timeZone: string,
): CheckedSchedule {
  if (typeof schedule === 'string')
    return { cron: checkCronExpression(schedule, timeZone), everyMs: null };
  if (!isPlainObject(schedule)) {
    throw new InvalidOptionsError(
      `schedule must be a cron expression or { everyMs }, got ${describeValue(schedule)}`,
      { option: 'schedule' },
    );
  }
  checkKnownKeys('schedule', schedule, ['everyMs']);
  const everyMs = checkInteger('schedule.everyMs', schedule.everyMs, {
    min: MIN_INTERVAL_MS,
    max: MAX_INTERVAL_MS,
  });
  return { cron: null, everyMs };
}
