import { InvalidOptionsError } from '../errors';
import {
  checkInteger,
  checkKnownKeys,
  checkPlainObject,
  describeValue,
  hasControlCharacters,
  readingOptions,
} from '../options/option-checks';

/** Longest lock name, in UTF-16 code units. */
const LOCK_NAME_MAX_LENGTH = 200;

/** Options of `locks.acquire` and `locks.withLock`. */
export interface LockOptions {
  /**
   * How long the lock is held unless extended, in ms, by the database's clock (integer 100 to
   * 86_400_000). A holder that dies frees the lock once its lease runs out. `withLock`
   * extends it every third of the lease while its function runs.
   * @defaultValue 30_000
   */
  leaseMs?: number;
  /**
   * How long to wait for a lock held elsewhere, in ms (integer 0 to 2_147_483_647): tried
   * again with a growing backoff (25 ms doubling up to 1 s) until then, after which the call
   * rejects with `LockTimeoutError`. 0: one try.
   * @defaultValue 0
   */
  waitMs?: number;
}

/** {@link LockOptions} with defaults applied. */
export interface ResolvedLockOptions {
  readonly leaseMs: number;
  readonly waitMs: number;
}

/** The defaults of {@link LockOptions}. */
export const LOCK_DEFAULTS = { leaseMs: 30_000, waitMs: 0 } as const satisfies ResolvedLockOptions;

/**
 * Checks a lock's name and options.
 * @throws InvalidOptionsError - naming what is wrong, e.g. "leaseMs must be an integer between
 *   100 and 86400000, got 5".
 */
export function resolveLockOptions(
  name: unknown,
  options: LockOptions | undefined,
): ResolvedLockOptions {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > LOCK_NAME_MAX_LENGTH ||
    hasControlCharacters(name)
  ) {
    throw new InvalidOptionsError(
      `name must be a non-empty string of at most ${LOCK_NAME_MAX_LENGTH} characters without control characters, got ${describeValue(name)}`,
      { option: 'name' },
    );
  }
  return readingOptions('options', () => {
    if (options === undefined) return LOCK_DEFAULTS;
    checkPlainObject('options', options);
    checkKnownKeys('options', options, ['leaseMs', 'waitMs']);
    return Object.freeze({
      leaseMs:
        options.leaseMs === undefined
          ? LOCK_DEFAULTS.leaseMs
          : checkInteger('leaseMs', options.leaseMs, { min: 100, max: 86_400_000 }),
      waitMs:
        options.waitMs === undefined
          ? LOCK_DEFAULTS.waitMs
          : checkInteger('waitMs', options.waitMs, { min: 0, max: 2_147_483_647 }),
    });
  });
}
