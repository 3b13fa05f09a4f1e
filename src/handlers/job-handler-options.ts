import {
  checkInteger,
  checkKnownKeys,
  checkOneOf,
  checkPlainObject,
} from '../options/option-checks';
import {
  checkAttemptsExhausted,
  checkBackoffPolicy,
  checkRetryOn,
  type AttemptsExhaustedAction,
  type BackoffFunction,
  type ResolvedBackoffPolicy,
  type RetryOn,
} from './failure-policy-options';
import {
  checkHandlerConcurrencyKey,
  type HandlerConcurrencyKey,
  type ResolvedHandlerConcurrencyKey,
} from '../options/concurrency-key-options';
import {
  checkRateLimit,
  type RateLimitOptions,
  type ResolvedRateLimit,
} from '../options/rate-limit-options';

/** Longest timeout a Node timer can hold (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

/** Where a handler runs: see {@link JobHandlerOptions.isolation}. */
export type IsolationMode = 'inline' | 'thread' | 'process';

/** Every {@link IsolationMode}, in order of isolation. */
export const ISOLATION_MODES = [
  'inline',
  'thread',
  'process',
] as const satisfies readonly IsolationMode[];

/**
 * How retries of a failed job are spaced. By default exponential with jitter: between half
 * and all of `baseMs * 2^(attempt - 1)`, capped at `maxMs`. A `retryAfterMs` number on the
 * thrown error (a server's `Retry-After`) comes first, then `delaysMs` or `delay` if given.
 */
export interface BackoffOptions {
  /**
   * Delay before the first retry, in ms; integer ≥ 0.
   * @defaultValue 1000
   */
  baseMs?: number;
  /**
   * Longest delay between retries, in ms; integer ≥ `baseMs`.
   * Also caps a `retryAfterMs` and what `delay` returns (not `delaysMs`).
   * @defaultValue 3_600_000 (one hour)
   */
  maxMs?: number;
  /**
   * Delays before each retry, in ms (integers 0 to 10 years): the first after attempt 1
   * failed, and so on; the last repeats when attempts outnumber it. Not with `delay`.
   * @defaultValue undefined (exponential)
   */
  delaysMs?: readonly number[];
  /**
   * The delay before a retry as a function of the failed attempt's number and its error.
   * Not with `delaysMs`. One that throws or returns garbage is reported, and the exponential
   * delay used.
   * @defaultValue undefined (exponential)
   */
  delay?: BackoffFunction;
  /**
   * Whether a finite `retryAfterMs` ≥ 0 on the thrown error (say, from an HTTP 429 or 503's
   * `Retry-After`) sets the delay (capped at `maxMs`), before `delaysMs` or `delay`.
   * @defaultValue true
   */
  honourRetryAfter?: boolean;
}

/**
 * Options of `@JobHandler`, applying to every job of the handled type.
 * @typeParam TJob - The handled job class (what `concurrencyKey.key` receives).
 */
export interface JobHandlerOptions<TJob = unknown> {
  /**
   * How many times a failed job is retried (so it runs at most `retries + 1` times);
   * integer 0 to 1000.
   * @defaultValue 3
   */
  retries?: number;
  /**
   * How long an attempt may run before its signal is aborted with a `JobTimeoutError` and
   * the attempt fails, in ms; integer 1 to 2_147_483_647.
   * @defaultValue 1_800_000 (30 minutes)
   */
  timeoutMs?: number;
  /**
   * Most jobs of this type running at once on one server; integer ≥ 1.
   * @defaultValue unlimited (only the server's own concurrency applies)
   */
  concurrency?: number;
  /**
   * Most jobs of this type running at once across ALL servers sharing the database; integer
   * ≥ 1. Enforced with a slot document per job type: it costs one extra round trip to take a
   * slot when a job starts, one to give it back when it ends, and one per heartbeat while
   * slots are held; a server that finds the limit reached leaves the type alone for one poll
   * interval.
   * @defaultValue unlimited
   */
  globalConcurrency?: number;
  /**
   * At most `max` jobs of this type start in any window of `intervalMs`, across ALL servers
   * sharing the database (a sliding window by the database's clock). Jobs over the limit stay
   * enqueued, unclaimed (no attempt spent), and servers come back for them when the window
   * frees. Costs one round trip to reserve starts and one to settle them per claim that
   * takes jobs of the type (however many it takes); see "Rate limits" in
   * docs/guides/scheduling.md.
   * @defaultValue unlimited
   */
  rateLimit?: RateLimitOptions;
  /**
   * A key computed from each job at enqueue (e.g. `` (job) => `order:${job.orderId}` ``): at
   * most `limit` jobs of one key run at once across ALL servers sharing the database (1, the
   * default: a mutex), and with `order: 'fifo'` they run one after the other in enqueue
   * order. Other keys' jobs are never held back. `EnqueueOptions.concurrencyKey` wins over it.
   * Costs one extra round trip when a keyed job starts and one when it ends (two at start with
   * `'fifo'`); see "Concurrency keys" in docs/guides/jobs-and-handlers.md.
   * @defaultValue none: jobs of the type have no key
   */
  concurrencyKey?: HandlerConcurrencyKey<TJob>;
  /** Spacing of retries. */
  backoff?: BackoffOptions;
  /**
   * Where `handle()` runs. `'inline'`: in the server's own event loop. `'thread'`: in a worker
   * thread, `'process'`: in a child process, each from a pool per server (as large as its
   * `concurrency`) bootstrapped from the server's `isolation.bootstrap` module. An isolated
   * handler that blocks its event loop, runs out of memory, calls `process.exit()` or ignores
   * its signal costs its attempt, never the server: after its timeout (or deletion, or a
   * lost lease) it is told to stop, then terminated `isolation.terminateGraceMs` later.
   * Under isolation, the payload, the result and checkpoints cross as BSON, progress, log
   * lines and snoozes are sent to the server, and `transaction` and `artefacts` are
   * unavailable (they reject with `IsolationUnsupportedError`).
   * @defaultValue `'inline'`
   */
  isolation?: IsolationMode;
  /**
   * How long after its due time a job of this type may still start, in ms (1 to
   * 2_147_483_647). A job a server takes later than that (after an outage, behind a backlog)
   * fails for good without its handler running, its error a `JobExpiredError`, instead of
   * running late (Hangfire's `LatencyTimeout`). A job's own `EnqueueOptions.startWithinMs`
   * wins over this.
   * @defaultValue none: jobs start however late
   */
  startWithinMs?: number;
  /**
   * How many times a job of this type may snooze (`JobContext.snooze`) in all, retries
   * included; integer 0 to 100_000. Past it, `snooze` rejects with `SnoozeLimitError` and,
   * unless the handler catches that, the job fails for good.
   * @defaultValue 100
   */
  maxSnoozes?: number;
  /**
   * The largest checkpoint a handler may save (`JobContext.saveCheckpoint`), as BSON (bytes,
   * 1_024 to 1_048_576): a larger one is refused with `CheckpointTooLargeError`.
   * @defaultValue 65_536 (64 KiB)
   */
  maxCheckpointBytes?: number;
  /**
   * Which failed attempts are retried (while attempts are left): a predicate of the error
   * and attempt, or a list of error classes. A `NonRetryableError` is never retried.
   * @defaultValue every error is retried
   */
  retryOn?: RetryOn;
  /**
   * What happens to a job that failed for good (attempts exhausted, a `NonRetryableError`,
   * or an error `retryOn` refused): `'fail'` keeps it as failed until retention removes it;
   * `'delete'` deletes it; `'deadLetter'` keeps it as failed in the dead-letter queue, out of
   * retention's reach, until `IJobScheduler.redriveJobs` runs it again or it is deleted.
   * @defaultValue `'fail'`
   */
  onAttemptsExhausted?: AttemptsExhaustedAction;
}

/** {@link BackoffOptions} with every default applied. */
export interface ResolvedBackoffOptions extends ResolvedBackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** {@link JobHandlerOptions} with every default applied, validated and frozen. */
export interface ResolvedJobHandlerOptions {
  readonly retries: number;
  /** `retries + 1`. */
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  /** `undefined`: no per-type limit. */
  readonly concurrency: number | undefined;
  /** `undefined`: no limit across servers. */
  readonly globalConcurrency: number | undefined;
  /** `undefined`: no rate limit. */
  readonly rateLimit: ResolvedRateLimit | undefined;
  /** `undefined`: jobs have no key unless their enqueue gives one. */
  readonly concurrencyKey: ResolvedHandlerConcurrencyKey | undefined;
  readonly backoff: ResolvedBackoffOptions;
  readonly isolation: IsolationMode;
  /** `undefined`: jobs start however late. */
  readonly startWithinMs: number | undefined;
  readonly maxSnoozes: number;
  readonly maxCheckpointBytes: number;
  /** `undefined`: every error retries. */
  readonly retryOn: RetryOn | undefined;
  readonly onAttemptsExhausted: AttemptsExhaustedAction;
}

/** The defaults of {@link JobHandlerOptions}. */
export const HANDLER_DEFAULTS = {
  retries: 3,
  timeoutMs: 1_800_000,
  concurrency: undefined,
  globalConcurrency: undefined,
  rateLimit: undefined,
  concurrencyKey: undefined,
  backoff: {
    baseMs: 1_000,
    maxMs: 3_600_000,
    delaysMs: undefined,
    delay: undefined,
    honourRetryAfter: true,
  },
  isolation: 'inline',
  startWithinMs: undefined,
  maxSnoozes: 100,
  maxCheckpointBytes: 65_536,
  retryOn: undefined,
  onAttemptsExhausted: 'fail',
} as const satisfies Omit<ResolvedJobHandlerOptions, 'maxAttempts'>;

/**
 * Validates handler options and applies {@link HANDLER_DEFAULTS}. Only `undefined` counts
 * as "not given": anything else, `null` included, is validated as given.
 * @param options - As given to `@JobHandler`; `undefined` means all defaults.
 * @returns Frozen resolved options.
 * @throws InvalidOptionsError - naming the option, e.g. "retries must be an integer between
 *   0 and 1000, got -1".
 */
export function resolveJobHandlerOptions(
  options: JobHandlerOptions = {},
): ResolvedJobHandlerOptions {
  checkPlainObject('options', options);
  checkKnownKeys('', options, [
    'retries',
    'timeoutMs',
    'concurrency',
    'globalConcurrency',
    'rateLimit',
    'concurrencyKey',
    'backoff',
    'isolation',
    'startWithinMs',
    'maxSnoozes',
    'maxCheckpointBytes',
    'retryOn',
    'onAttemptsExhausted',
  ]);
  const defaults = HANDLER_DEFAULTS;
  const retries = checkInteger('retries', or(options.retries, defaults.retries), {
    min: 0,
    max: 1000,
  });
  const timeoutMs = checkInteger('timeoutMs', or(options.timeoutMs, defaults.timeoutMs), {
    min: 1,
    max: MAX_TIMER_MS,
  });
  const concurrency =
    options.concurrency === undefined
      ? defaults.concurrency
      : checkInteger('concurrency', options.concurrency, { min: 1 });
  const globalConcurrency =
    options.globalConcurrency === undefined
      ? defaults.globalConcurrency
      : checkInteger('globalConcurrency', options.globalConcurrency, { min: 1, max: 100_000 });
  const rateLimit =
    options.rateLimit === undefined
      ? defaults.rateLimit
      : checkRateLimit('rateLimit', options.rateLimit);
  const concurrencyKey =
    options.concurrencyKey === undefined
      ? defaults.concurrencyKey
      : checkHandlerConcurrencyKey('concurrencyKey', options.concurrencyKey);

  const backoff = checkPlainObject('backoff', or(options.backoff, {}));
  checkKnownKeys('backoff', backoff, ['baseMs', 'maxMs', 'delaysMs', 'delay', 'honourRetryAfter']);
  const baseMs = checkInteger('backoff.baseMs', or(backoff.baseMs, defaults.backoff.baseMs), {
    min: 0,
  });
  // Without an explicit maxMs, a baseMs above the default cap raises the cap rather than
  // being silently cut down to it.
  const defaultMaxMs = Math.max(defaults.backoff.maxMs, baseMs);
  const maxMs = checkInteger('backoff.maxMs', or(backoff.maxMs, defaultMaxMs), { min: baseMs });

  const isolation = checkOneOf('isolation', or(options.isolation, defaults.isolation), [
    ...ISOLATION_MODES,
  ]);
  const backoffPolicy = checkBackoffPolicy(backoff);
  const retryOn = options.retryOn === undefined ? undefined : checkRetryOn(options.retryOn);
  const onAttemptsExhausted = checkAttemptsExhausted(
    or(options.onAttemptsExhausted, defaults.onAttemptsExhausted),
  );

  const startWithinMs =
    options.startWithinMs === undefined
      ? defaults.startWithinMs
      : checkInteger('startWithinMs', options.startWithinMs, { min: 1, max: MAX_TIMER_MS });
  const maxSnoozes = checkInteger('maxSnoozes', or(options.maxSnoozes, defaults.maxSnoozes), {
    min: 0,
    max: 100_000,
  });
  const maxCheckpointBytes = checkInteger(
    'maxCheckpointBytes',
    or(options.maxCheckpointBytes, defaults.maxCheckpointBytes),
    { min: 1_024, max: 1_048_576 },
  );

  return Object.freeze({
    retries,
    maxAttempts: retries + 1,
    timeoutMs,
    concurrency,
    globalConcurrency,
    rateLimit,
    concurrencyKey,
    backoff: Object.freeze({ baseMs, maxMs, ...backoffPolicy }),
    isolation,
    startWithinMs,
    maxSnoozes,
    maxCheckpointBytes,
    retryOn,
    onAttemptsExhausted,
  });
}

/** `value`, or `fallback` when it is `undefined` (only: `null` is a value to validate). */
function or(value: unknown, fallback: unknown): unknown {
  return value === undefined ? fallback : value;
}
