import { checkInteger, checkKnownKeys, checkPlainObject } from './option-checks';

/** Most starts a window may hold (each start may cost an entry in the limit's document). */
export const RATE_LIMIT_MAX = 10_000;
/** Longest window: one day. */
export const RATE_LIMIT_MAX_INTERVAL_MS = 86_400_000;

/**
 * At most `max` job starts in any `intervalMs` across every server sharing the database (a
 * sliding window measured by the database's clock; see "Rate limits" in
 * docs/guides/scheduling.md).
 */
export interface RateLimitOptions {
  /** Most starts in any window of `intervalMs`; integer 1 to 10_000. */
  readonly max: number;
  /** Length of the window in ms; integer 1 to 86_400_000 (one day). */
  readonly intervalMs: number;
}

/** A validated, frozen {@link RateLimitOptions}. */
export type ResolvedRateLimit = Readonly<Required<RateLimitOptions>>;

/**
 * Validates a rate limit given as option `name`.
 * @throws InvalidOptionsError - naming the field, e.g. "rateLimit.max must be an integer
 *   between 1 and 10000, got 0".
 */
export function checkRateLimit(name: string, value: unknown): ResolvedRateLimit {
  const limit = checkPlainObject(name, value);
  checkKnownKeys(name, limit, ['max', 'intervalMs']);
  return Object.freeze({
    max: checkInteger(`${name}.max`, limit.max, { min: 1, max: RATE_LIMIT_MAX }),
    intervalMs: checkInteger(`${name}.intervalMs`, limit.intervalMs, {
      min: 1,
      max: RATE_LIMIT_MAX_INTERVAL_MS,
    }),
  });
}
