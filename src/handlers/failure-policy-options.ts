import { InvalidOptionsError } from '../errors';
import { checkBoolean, checkInteger, checkOneOf, describeValue } from '../options/option-checks';

/** Longest delay a retry may be put off by, in ms (about 10 years). */
export const MAX_RETRY_DELAY_MS = 315_360_000_000;

/** Most entries of {@link BackoffOptions.delaysMs}. */
export const MAX_BACKOFF_DELAYS = 1_000;

/** A class of errors (a constructor whose instances are Errors), as `retryOn` lists them. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Decides whether a failed attempt is retried: `error` is what the handler threw, `attempt`
 * the number of the attempt that failed (from 1). Only `true` retries; a predicate that
 * throws or returns anything but a boolean is reported and the job retried (the default).
 */
export type RetryPredicate = (error: unknown, attempt: number) => boolean;

/**
 * Which failures are retried: a {@link RetryPredicate}, or the classes of the errors that
 * are (an error retries when it is an instance of one of them, or, from an isolated handler
 * whose error crossed as its name, when one of its classes has the same name).
 */
export type RetryOn = RetryPredicate | readonly ErrorClass[];

/**
 * The delay before retrying, in ms, after attempt `attempt` (from 1) failed with `error`.
 * A function that throws or returns anything but a finite number ≥ 0 is reported and the
 * exponential delay used instead.
 */
export type BackoffFunction = (attempt: number, error: unknown) => number;

/** What happens to a job that failed for good: see {@link AttemptsExhaustedAction}. */
export type AttemptsExhaustedAction = 'fail' | 'delete' | 'deadLetter';

/** Every {@link AttemptsExhaustedAction}. */
export const ATTEMPTS_EXHAUSTED_ACTIONS = [
  'fail',
  'delete',
  'deadLetter',
] as const satisfies readonly AttemptsExhaustedAction[];

/** The failure-policy part of the resolved backoff (see `BackoffOptions`). */
export interface ResolvedBackoffPolicy {
  /** `undefined`: no list. */
  readonly delaysMs: readonly number[] | undefined;
  /** `undefined`: no function. */
  readonly delay: BackoffFunction | undefined;
  readonly honourRetryAfter: boolean;
}

/** Checks `retryOn` (a predicate, or a non-empty array of error classes). */
export function checkRetryOn(value: unknown): RetryOn {
  if (typeof value === 'function') {
    if (isErrorClass(value)) {
      throw new InvalidOptionsError(
        `retryOn must be a predicate or an array of error classes; put the class ${value.name} in an array`,
        { option: 'retryOn' },
      );
    }
    return value as RetryPredicate;
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
    throw new InvalidOptionsError(
      `retryOn must be a predicate or an array of 1 to 100 error classes, got ${describeValue(value)}`,
      { option: 'retryOn' },
    );
  }
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'function' || !isErrorClass(item)) {
      throw new InvalidOptionsError(
        `retryOn[${i}] must be a class extending Error, got ${describeValue(item)}`,
        { option: `retryOn[${i}]` },
      );
    }
  });
  return Object.freeze([...(value as ErrorClass[])]);
}

/** Checks the failure-policy fields of `backoff`. */
export function checkBackoffPolicy(backoff: Record<string, unknown>): ResolvedBackoffPolicy {
  const { delaysMs, delay, honourRetryAfter } = backoff;
  if (delaysMs !== undefined && delay !== undefined) {
    throw new InvalidOptionsError('Give at most one of backoff.delaysMs and backoff.delay', {
      option: 'backoff.delay',
    });
  }
  if (delay !== undefined && typeof delay !== 'function') {
    throw new InvalidOptionsError(
      `backoff.delay must be a function (attempt, error) => ms, got ${describeValue(delay)}`,
      { option: 'backoff.delay' },
    );
  }
  return Object.freeze({
    delaysMs: delaysMs === undefined ? undefined : checkDelays(delaysMs),
    delay: delay as BackoffFunction | undefined,
    honourRetryAfter:
      honourRetryAfter === undefined
        ? true
        : checkBoolean('backoff.honourRetryAfter', honourRetryAfter),
  });
}

/** Checks `onAttemptsExhausted`. */
export function checkAttemptsExhausted(value: unknown): AttemptsExhaustedAction {
  return checkOneOf('onAttemptsExhausted', value, [...ATTEMPTS_EXHAUSTED_ACTIONS]);
}

function checkDelays(value: unknown): readonly number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_BACKOFF_DELAYS) {
    throw new InvalidOptionsError(
      `backoff.delaysMs must be an array of 1 to ${MAX_BACKOFF_DELAYS} delays in ms, got ${describeValue(value)}`,
      { option: 'backoff.delaysMs' },
    );
  }
  return Object.freeze(
    value.map((ms: unknown, i) =>
      checkInteger(`backoff.delaysMs[${i}]`, ms, { min: 0, max: MAX_RETRY_DELAY_MS }),
    ),
  );
}

function isErrorClass(value: unknown): value is ErrorClass {
  if (typeof value !== 'function') return false;
  const prototype: unknown = (value as { prototype?: unknown }).prototype;
  return prototype === Error.prototype || prototype instanceof Error;
}
