import { NonRetryableError, SnoozeLimitError } from '../errors';
import type { AttemptsExhaustedAction, ErrorClass } from '../handlers/failure-policy-options';
import { MAX_RETRY_DELAY_MS } from '../handlers/failure-policy-options';
import type { ResolvedJobHandlerOptions } from '../handlers/job-handler-options';
import { errorClassNames } from '../errors/error-class-names';
import { retryDelayMs } from './retry-backoff';

/** What becomes of a failed attempt. */
export type FailureDecision =
  | { readonly retry: true; readonly delayMs: number }
  | {
      readonly retry: false;
      readonly then: AttemptsExhaustedAction;
      /** Why it was not retried, when attempts were left (for the job's history). */
      readonly why?: string;
    };

/** The failed attempt, as the policy sees it. */
export interface FailedAttempt {
  readonly error: unknown;
  readonly attempt: number;
  readonly maxAttempts: number;
}

/**
 * Where a handler-supplied function (`retryOn`, `backoff.delay`) that threw or returned
 * garbage is reported: the default is used instead, and the job is neither lost nor delayed
 * beyond its limits.
 */
export type PolicyFaultReporter = (error: unknown, context: string) => void;

/** The options of a handler that decide what becomes of its failed attempts. */
export type FailurePolicy = Pick<
  ResolvedJobHandlerOptions,
  'retryOn' | 'onAttemptsExhausted' | 'backoff'
>;

/**
 * Decides whether a failed attempt is retried, and after how long; or, when not, what the
 * handler's `onAttemptsExhausted` says and why.
 */
export function decideFailure(
  failed: FailedAttempt,
  options: FailurePolicy,
  reportFault: PolicyFaultReporter,
  random: () => number = Math.random,
): FailureDecision {
  const then = options.onAttemptsExhausted;
  const { error, attempt, maxAttempts } = failed;
  if (isNonRetryable(error)) {
    return { retry: false, then, why: `not retried: ${errorName(error)} is non-retryable` };
  }
  // Another attempt would meet the same limit.
  if (isSnoozeLimit(error)) {
    return { retry: false, then, why: 'not retried: the job snoozed its maxSnoozes times' };
  }
  if (!retries(error, attempt, options, reportFault)) {
    return { retry: false, then, why: `not retried: retryOn refused ${errorName(error)}` };
  }
  if (attempt >= maxAttempts) {
    return { retry: false, then };
  }
  return { retry: true, delayMs: delayBeforeRetry(error, attempt, options, reportFault, random) };
}

/** A `SnoozeLimitError`, or an error that crossed from an isolated handler as one. */
function isSnoozeLimit(error: unknown): boolean {
  if (error instanceof SnoozeLimitError) return true;
  return error instanceof Error && (error as { code?: unknown }).code === 'SNOOZE_LIMIT';
}

/** A `NonRetryableError`, or an error that crossed from an isolated handler as one. */
export function isNonRetryable(error: unknown): boolean {
  if (error instanceof NonRetryableError) return true;
  return error instanceof Error && (error as { code?: unknown }).code === 'NON_RETRYABLE';
}

function retries(
  error: unknown,
  attempt: number,
  options: Pick<ResolvedJobHandlerOptions, 'retryOn'>,
  reportFault: PolicyFaultReporter,
): boolean {
  const { retryOn } = options;
  if (retryOn === undefined) return true;
  if (typeof retryOn !== 'function') return matchesAny(error, retryOn as readonly ErrorClass[]);
  let verdict: unknown;
  try {
    verdict = (retryOn as (error: unknown, attempt: number) => unknown)(error, attempt);
  } catch (thrown) {
    reportFault(thrown, "the handler's retryOn threw; the job is retried");
    return true;
  }
  if (typeof verdict !== 'boolean') {
    reportFault(
      new TypeError(`retryOn returned ${typeof verdict}, not a boolean`),
      "the handler's retryOn returned garbage; the job is retried",
    );
    return true;
  }
  return verdict;
}

function matchesAny(error: unknown, classes: readonly ErrorClass[]): boolean {
  if (!(error instanceof Error)) return false;
  if (classes.some((cls) => error instanceof cls)) return true;
  const names = errorClassNames(error);
  return classes.some((cls) => cls.name !== '' && names.includes(cls.name));
}

function delayBeforeRetry(
  error: unknown,
  attempt: number,
  options: Pick<ResolvedJobHandlerOptions, 'backoff'>,
  reportFault: PolicyFaultReporter,
  random: () => number,
): number {
  const { backoff } = options;
  if (backoff.honourRetryAfter) {
    const after = retryAfterMs(error);
    if (after !== undefined) return Math.min(backoff.maxMs, after);
  }
  if (backoff.delaysMs !== undefined) {
    return backoff.delaysMs[Math.min(attempt, backoff.delaysMs.length) - 1];
  }
  if (backoff.delay !== undefined) {
    let delay: unknown;
    try {
      delay = backoff.delay(attempt, error);
    } catch (thrown) {
      reportFault(thrown, "the handler's backoff.delay threw; the exponential delay is used");
      return retryDelayMs(attempt, backoff, random);
    }
    if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) {
      reportFault(
        new TypeError(`backoff.delay returned ${String(delay)}, not a finite number ≥ 0`),
        "the handler's backoff.delay returned garbage; the exponential delay is used",
      );
      return retryDelayMs(attempt, backoff, random);
    }
    return Math.min(backoff.maxMs, Math.round(delay));
  }
  return retryDelayMs(attempt, backoff, random);
}

/** The error's `retryAfterMs` when it is a finite number ≥ 0 (rounded, at most 10 years). */
export function retryAfterMs(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  let value: unknown;
  try {
    value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  } catch {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  return Math.min(MAX_RETRY_DELAY_MS, Math.round(value));
}

function errorName(error: unknown): string {
  if (error instanceof Error) return String(error.name || 'Error').slice(0, 200);
  return 'a non-Error value';
}
