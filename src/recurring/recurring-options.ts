import { InvalidOptionsError } from '../errors';
import {
  checkInteger,
  checkKnownKeys,
  checkOneOf,
  checkPlainObject,
  checkString,
  readingOptions,
} from '../options/option-checks';
import { resolveEnqueueOptions } from '../scheduler/enqueue-options';
import type { EnqueueOptions } from '../scheduler/job-scheduler.interface';
import { checkTimeZone } from './cron-schedule';

/**
 * What a ticker does with a recurring job whose occurrences were missed while no server ran
 * (see {@link RecurringOptions.missedRunPolicy}).
 * - `runOnce`: enqueue one job now for all the missed occurrences (Hangfire's behaviour);
 * - `skip`: enqueue nothing for them.
 *
 * Either way the next run is the first occurrence after now: never a burst of missed runs.
 */
export type MissedRunPolicy = 'runOnce' | 'skip';

/** The missed-run policies, for validation and docs. */
export const MISSED_RUN_POLICIES: readonly MissedRunPolicy[] = ['runOnce', 'skip'];

/**
 * Options of `addOrUpdateRecurring` (and of the `@Recurring` decorator): the enqueue options
 * every occurrence's job gets (`queue`, `priority`, `maxAttempts`, `timeoutMs`, with the same
 * rules and defaults as `enqueue`), and the schedule's own.
 */
export interface RecurringOptions extends Pick<
  EnqueueOptions,
  'queue' | 'priority' | 'maxAttempts' | 'timeoutMs'
> {
  /**
   * IANA time zone in which the cron expression's wall-clock fields are read
   * (`'Europe/Berlin'`, `'America/New_York'`). DST gaps and overlaps behave as documented
   * in docs/guides/recurring-jobs.md ("Daylight-saving time").
   * @defaultValue `'UTC'`
   */
  timeZone?: string;
  /**
   * What happens to occurrences missed while no server ran (downtime): `'runOnce'` enqueues
   * a single job for them, `'skip'` none. Either way the schedule resumes with the first
   * occurrence after now.
   * @defaultValue `'runOnce'`
   */
  missedRunPolicy?: MissedRunPolicy;
}

/** Defaults of the {@link RecurringOptions} that are not enqueue options. */
export const RECURRING_DEFAULTS = {
  timeZone: 'UTC',
  missedRunPolicy: 'runOnce',
} as const satisfies Required<Pick<RecurringOptions, 'timeZone' | 'missedRunPolicy'>>;

/** {@link RecurringOptions} checked, with every default applied; frozen. */
export interface ResolvedRecurringOptions {
  readonly timeZone: string;
  readonly missedRunPolicy: MissedRunPolicy;
  readonly queue: string;
  readonly priority: number;
  /** null: the handler's setting applies when the job runs. */
  readonly maxAttempts: number | null;
  /** null: the handler's setting applies when the job runs. */
  readonly timeoutMs: number | null;
}

const ENQUEUE_KEYS = ['queue', 'priority', 'maxAttempts', 'timeoutMs'] as const;
const RECURRING_KEYS = [...ENQUEUE_KEYS, 'timeZone', 'missedRunPolicy'];

/**
 * Validates {@link RecurringOptions} and applies the defaults. The enqueue options follow
 * exactly the rules of `enqueue`.
 * @param extraKeys - Further keys the caller handles itself (`@Recurring`'s `payload`).
 * @throws InvalidOptionsError - naming the option, what is allowed and what was given, or
 *   saying that reading `options` threw (a getter or Proxy trap).
 */
export function resolveRecurringOptions(
  options: RecurringOptions | undefined,
  extraKeys: readonly string[] = [],
): ResolvedRecurringOptions {
  return readingOptions('options', () => resolveGivenRecurringOptions(options, extraKeys));
}

function resolveGivenRecurringOptions(
  options: RecurringOptions | undefined,
  extraKeys: readonly string[],
): ResolvedRecurringOptions {
  const given = options ?? {};
  checkPlainObject('options', given);
  checkKnownKeys('options', given, [...RECURRING_KEYS, ...extraKeys]);
  const enqueue: Record<string, unknown> = {};
  for (const key of ENQUEUE_KEYS) {
    if (given[key] !== undefined) enqueue[key] = given[key];
  }
  const resolved = resolveEnqueueOptions(enqueue as EnqueueOptions);
  return Object.freeze({
    timeZone:
      given.timeZone === undefined
        ? RECURRING_DEFAULTS.timeZone
        : checkTimeZone('timeZone', given.timeZone),
    missedRunPolicy:
      given.missedRunPolicy === undefined
        ? RECURRING_DEFAULTS.missedRunPolicy
        : checkOneOf('missedRunPolicy', given.missedRunPolicy, MISSED_RUN_POLICIES),
    queue: resolved.queue,
    priority: resolved.priority,
    maxAttempts: resolved.maxAttempts,
    timeoutMs: resolved.timeoutMs,
  });
}

/** What a recurring job id may be made of: 1 to 200 of `[A-Za-z0-9_.:-]`. */
export const RECURRING_ID_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** Longest recurring job id, in characters. */
export const RECURRING_ID_MAX_LENGTH = 200;

/**
 * Checks a recurring job id.
 * @throws InvalidOptionsError - "id must be a non-empty string of at most 200 characters
 *   from [A-Za-z0-9_.:-], got "a b"".
 */
export function checkRecurringId(id: unknown): string {
  return checkString('id', id, {
    pattern: RECURRING_ID_PATTERN,
    maxLength: RECURRING_ID_MAX_LENGTH,
  });
}

/** Options of {@link RecurringJobs.createTicker}. */
export interface RecurringTickerOptions {
  /** Id of the server running the ticker (in job history and logs). */
  readonly serverId: string;
  /**
   * Longest wait between two looks at the definitions: it bounds how late a definition
   * added or changed by another process is seen. Due occurrences themselves are waited for
   * with a precise timer. Integer 10..3,600,000 ms.
   * @defaultValue `1000`
   */
  readonly pollIntervalMs?: number;
}

/** Defaults of {@link RecurringTickerOptions}. */
export const TICKER_DEFAULTS = {
  pollIntervalMs: 1_000,
} as const satisfies Required<Pick<RecurringTickerOptions, 'pollIntervalMs'>>;

/** {@link RecurringTickerOptions} resolved; frozen. */
export interface ResolvedRecurringTickerOptions {
  readonly serverId: string;
  readonly pollIntervalMs: number;
  /**
   * How late an occurrence may be handled and still count as on time (not missed):
   * `max(2 · pollIntervalMs, 5000)` ms.
   */
  readonly missedRunToleranceMs: number;
}

/** Smallest lateness that counts as downtime, whatever the poll interval (ms). */
export const MIN_MISSED_RUN_TOLERANCE_MS = 5_000;

/**
 * Validates ticker options.
 * @throws InvalidOptionsError - naming the option.
 */
export function resolveTickerOptions(
  options: RecurringTickerOptions,
): ResolvedRecurringTickerOptions {
  checkPlainObject('options', options);
  checkKnownKeys('options', options, ['serverId', 'pollIntervalMs']);
  const serverId = checkString('serverId', options.serverId, { maxLength: 200 });
  const pollIntervalMs =
    options.pollIntervalMs === undefined
      ? TICKER_DEFAULTS.pollIntervalMs
      : checkInteger('pollIntervalMs', options.pollIntervalMs, { min: 10, max: 3_600_000 });
  return Object.freeze({
    serverId,
    pollIntervalMs,
    missedRunToleranceMs: missedRunTolerance(pollIntervalMs),
  });
}

/** `max(2 · pollIntervalMs, 5000)`: see {@link ResolvedRecurringTickerOptions.missedRunToleranceMs}. */
export function missedRunTolerance(pollIntervalMs: number): number {
  return Math.max(2 * pollIntervalMs, MIN_MISSED_RUN_TOLERANCE_MS);
}

/** Re-throws an InvalidOptionsError with a prefix saying where the options came from. */
export function withContext<T>(context: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof InvalidOptionsError)) throw error;
    throw new InvalidOptionsError(`${context}: ${error.message}`, {
      option: error.option,
      cause: error,
    });
  }
}
