import { checkInteger, checkKnownKeys, checkPlainObject } from '../options/option-checks';

/** How long finished jobs are kept before MongoDB's TTL monitor deletes them. */
export interface RetentionOptions {
  /**
   * Succeeded jobs (ms after they finished).
   * @defaultValue `86_400_000` (1 day)
   */
  succeededMs?: number;
  /**
   * Failed jobs (ms after they failed for good).
   * @defaultValue `1_209_600_000` (14 days)
   */
  failedMs?: number;
  /**
   * Deleted jobs (ms after deletion).
   * @defaultValue `86_400_000` (1 day)
   */
  deletedMs?: number;
}

/** {@link RetentionOptions} with defaults applied. */
export type ResolvedRetention = Readonly<Required<RetentionOptions>>;

const DAY = 86_400_000;

/** The defaults of {@link RetentionOptions}. */
export const RETENTION_DEFAULTS = {
  succeededMs: DAY,
  failedMs: 14 * DAY,
  deletedMs: DAY,
} satisfies ResolvedRetention;

/** Validates retention options (integers from 1 s to 10 years). */
export function resolveRetention(options: RetentionOptions | undefined): ResolvedRetention {
  if (options === undefined) return RETENTION_DEFAULTS;
  checkPlainObject('retention', options);
  checkKnownKeys('retention', options, Object.keys(RETENTION_DEFAULTS));
  const check = (name: keyof RetentionOptions): number =>
    checkInteger(`retention.${name}`, options[name] ?? RETENTION_DEFAULTS[name], {
      min: 1_000,
      max: 3_650 * DAY,
    });
  return Object.freeze({
    succeededMs: check('succeededMs'),
    failedMs: check('failedMs'),
    deletedMs: check('deletedMs'),
  });
}
