import { InvalidOptionsError } from '../errors';
import {
  checkInteger,
  checkKnownKeys,
  checkOneOf,
  checkPlainObject,
  checkDate,
  checkString,
  readingOptions,
} from '../options/option-checks';
import { checkCallerJobId } from '../options/job-id-and-tags';
import { resolveEnqueueOptions } from '../scheduler/enqueue-options';
import type { EnqueueOptions } from '../scheduler/job-scheduler-options';
import { checkTimeZone } from './cron-schedule';

/**
 * What a ticker does with a recurring job whose occurrences were missed while no server ran
 * (see {@link RecurringOptions.missedRunPolicy}).
 * - `runOnce`: enqueue one job now for all the missed occurrences (Hangfire's behaviour);
 * - `skip`: enqueue nothing for them;
 * - `backfill`: enqueue one job for each missed occurrence, oldest first, at most the
 *   100 most recent ones (older ones are skipped).
 *
 * With `runOnce` and `skip` the next run is the first occurrence after now.
 */
export type MissedRunPolicy = 'runOnce' | 'skip' | 'backfill';

/** The missed-run policies, for validation and docs. */
export const MISSED_RUN_POLICIES: readonly MissedRunPolicy[] = ['runOnce', 'skip', 'backfill'];

/** Most missed occurrences the `backfill` policy runs after one outage (the most recent ones). */
export const MAX_BACKFILL = 100;

/**
 * What happens to an occurrence that falls while the recurring job's previous job is
 * unfinished (enqueued, running, waiting for a retry):
 * - `allow`: it runs anyway, alongside;
 * - `skip`: it is skipped (counted in `skippedCount`, latest in `lastSkippedAt`);
 * - `queue`: it waits until the previous job finishes, then runs; occurrences falling while
 *   one already waits are folded into it (and counted as skipped).
 */
export type OverlapPolicy = 'allow' | 'skip' | 'queue';

/** The overlap policies, for validation and docs. */
export const OVERLAP_POLICIES: readonly OverlapPolicy[] = ['allow', 'skip', 'queue'];

/** Largest `repeatLimit`. */
export const MAX_REPEAT_LIMIT = 1_000_000_000;

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
  /**
   * What happens to an occurrence that falls while the previous job of this recurring job is
   * still unfinished: `'allow'` runs it alongside, `'skip'` skips it (and counts it),
   * `'queue'` runs it once the previous job has finished. See {@link OverlapPolicy}.
   * @defaultValue `'allow'`
   */
  overlap?: OverlapPolicy;
  /**
   * No occurrence before this instant. For an interval schedule, occurrences are counted
   * from it.
   * @defaultValue none: occurrences start at once
   */
  startAt?: Date;
  /**
   * No occurrence after this instant; must be after `startAt`. Past it, the recurring job
   * has no next run (it stays listed until removed).
   * @defaultValue none: no end
   */
  endAt?: Date;
  /**
   * How many jobs the schedule enqueues in all (skipped occurrences and `triggerRecurring`
   * do not count); then it has no next run. Integer 1..1,000,000,000.
   * @defaultValue none: no limit
   */
  repeatLimit?: number;
}

/** Defaults of the {@link RecurringOptions} that are not enqueue options. */
export const RECURRING_DEFAULTS = {
  timeZone: 'UTC',
  missedRunPolicy: 'runOnce',
  overlap: 'allow',
} as const satisfies Required<Pick<RecurringOptions, 'timeZone' | 'missedRunPolicy' | 'overlap'>>;

/** {@link RecurringOptions} checked, with every default applied; frozen. */
export interface ResolvedRecurringOptions {
  readonly timeZone: string;
  readonly missedRunPolicy: MissedRunPolicy;
  readonly overlap: OverlapPolicy;
  readonly startAt: Date | null;
  readonly endAt: Date | null;
  readonly repeatLimit: number | null;
  readonly queue: string;
  readonly priority: number;
  /** null: the handler's setting applies when the job runs. */
  readonly maxAttempts: number | null;
  /** null: the handler's setting applies when the job runs. */
  readonly timeoutMs: number | null;
}

const ENQUEUE_KEYS = ['queue', 'priority', 'maxAttempts', 'timeoutMs'] as const;
const RECURRING_KEYS = [
  ...ENQUEUE_KEYS,
  'timeZone',
  'missedRunPolicy',
  'overlap',
  'startAt',
  'endAt',
  'repeatLimit',
];

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
  const startAt =
    given.startAt === undefined ? null : copyDate(checkDate('startAt', given.startAt));
  const endAt = given.endAt === undefined ? null : copyDate(checkDate('endAt', given.endAt));
  if (startAt !== null && endAt !== null && endAt.getTime() <= startAt.getTime()) {
    throw new InvalidOptionsError(
      `endAt must be after startAt, got startAt ${startAt.toISOString()} and endAt ${endAt.toISOString()}`,
      { option: 'endAt' },
    );
  }
  return Object.freeze({
    timeZone:
      given.timeZone === undefined
        ? RECURRING_DEFAULTS.timeZone
        : checkTimeZone('timeZone', given.timeZone),
    missedRunPolicy:
      given.missedRunPolicy === undefined
        ? RECURRING_DEFAULTS.missedRunPolicy
        : checkOneOf('missedRunPolicy', given.missedRunPolicy, MISSED_RUN_POLICIES),
    overlap:
      given.overlap === undefined
        ? RECURRING_DEFAULTS.overlap
        : checkOneOf('overlap', given.overlap, OVERLAP_POLICIES),
    startAt,
    endAt,
    repeatLimit:
      given.repeatLimit === undefined
        ? null
        : checkInteger('repeatLimit', given.repeatLimit, { min: 1, max: MAX_REPEAT_LIMIT }),
    queue: resolved.queue,
    priority: resolved.priority,
    maxAttempts: resolved.maxAttempts,
    timeoutMs: resolved.timeoutMs,
  });
}

function copyDate(date: Date): Date {
  return new Date(date.getTime());
}

/**
 * Checks a recurring job id: the rule of a job id a caller chooses (1 to 200 of
 * `[A-Za-z0-9_.:-]`), whose missing `@` also keeps `<recurringId>@<instant>` unambiguous.
 * @throws InvalidOptionsError - "id must be a non-empty string of at most 200 characters
 *   from [A-Za-z0-9_.:-], got "a b"".
 */
export function checkRecurringId(id: unknown): string {
  return checkCallerJobId('id', id);
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
