import {
  checkDate,
  checkInteger,
  checkKnownKeys,
  checkPlainObject,
  checkString,
  readingOptions,
} from '../options/option-checks';
import { InvalidOptionsError } from '../errors';

/** Longest a job may snooze at once: one year, in ms. */
export const MAX_SNOOZE_MS = 31_536_000_000;

/** What `JobContext.snooze` takes: when the job runs again (one of `delayMs`, `until`), and why. */
export interface SnoozeOptions {
  /** Runs again this long from now, in ms; integer 0 to 31_536_000_000 (one year). */
  readonly delayMs?: number;
  /**
   * Runs again at this time (a time past makes the job due at once); at most one year ahead.
   */
  readonly until?: Date;
  /**
   * Why, kept in the job's snoozes and history (a partner's 429, an operation still running);
   * at most 500 characters.
   * @defaultValue none
   */
  readonly reason?: string;
}

/** {@link SnoozeOptions} checked: when, and why. */
export interface ResolvedSnooze {
  readonly until: Date;
  readonly reason: string | undefined;
}

/**
 * Validates the options of a snooze at `now`.
 * @throws InvalidOptionsError naming the option, e.g. "snooze.delayMs must be an integer
 *   between 0 and 31536000000, got -1".
 */
export function resolveSnooze(options: unknown, now: Date): ResolvedSnooze {
  return readingOptions('snooze', () => {
    const given = checkPlainObject('snooze', options);
    checkKnownKeys('snooze', given, ['delayMs', 'until', 'reason']);
    const { delayMs, until, reason } = given;
    if ((delayMs === undefined) === (until === undefined)) {
      throw new InvalidOptionsError('snooze needs exactly one of delayMs and until', {
        option: 'snooze',
      });
    }
    const checkedReason =
      reason === undefined ? undefined : checkString('snooze.reason', reason, { maxLength: 500 });
    if (delayMs !== undefined) {
      const ms = checkInteger('snooze.delayMs', delayMs, { min: 0, max: MAX_SNOOZE_MS });
      return { until: new Date(now.getTime() + ms), reason: checkedReason };
    }
    const at = checkDate('snooze.until', until);
    if (at.getTime() - now.getTime() > MAX_SNOOZE_MS) {
      throw new InvalidOptionsError(
        `snooze.until must be at most one year ahead, got ${at.toISOString()}`,
        { option: 'snooze.until' },
      );
    }
    return { until: at, reason: checkedReason };
  });
}
