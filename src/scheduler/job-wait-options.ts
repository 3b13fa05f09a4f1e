import { InvalidOptionsError } from '../errors';
import {
  checkInteger,
  checkKnownKeys,
  checkPlainObject,
  checkString,
  describeValue,
  readingOptions,
} from '../options/option-checks';

/*
 * Shared by `IJobScheduler.waitForJob` and `DocketClient.waitForJob`: this module loads
 * neither MongoDB nor the rest of Docket, so that `docket/client` stays light.
 */

/** Options of `waitForJob` (on `IJobScheduler` and on `DocketClient`). */
export interface JobWaitOptions {
  /**
   * The longest wait, in milliseconds (integer 0..2147483647); then the wait rejects with
   * `JobWaitTimeoutError`. `0` looks once.
   * @defaultValue none: the wait lasts until the job finishes, `signal` aborts, or (on the
   *   scheduler) its Docket closes
   */
  readonly timeoutMs?: number;
  /**
   * Abandons the wait: it rejects with the signal's `reason`, as Node's APIs do (at once
   * when the signal is already aborted).
   * @defaultValue none
   */
  readonly signal?: AbortSignal;
}

/** {@link JobWaitOptions} checked. */
export interface ResolvedJobWaitOptions {
  /** null: no deadline. */
  readonly timeoutMs: number | null;
  readonly signal: AbortSignal | null;
}

/** The longest wait a timer can measure (setTimeout's limit, about 24.8 days). */
export const MAX_WAIT_MS = 2_147_483_647;

/** Longest job id accepted, as the dashboard's API accepts them. */
const JOB_ID_MAX_LENGTH = 500;

/**
 * Checks a waited job's id: a non-empty string of at most 500 characters.
 * @throws InvalidOptionsError - naming `jobId`.
 */
export function checkWaitedJobId(jobId: unknown): string {
  return checkString('jobId', jobId, { maxLength: JOB_ID_MAX_LENGTH });
}

/**
 * Validates {@link JobWaitOptions}; a getter or Proxy trap that throws is reported as an
 * invalid option too.
 * @throws InvalidOptionsError - naming the option.
 */
export function resolveJobWaitOptions(options: JobWaitOptions | undefined): ResolvedJobWaitOptions {
  return readingOptions('options', () => {
    if (options === undefined) return { timeoutMs: null, signal: null };
    checkPlainObject('options', options);
    checkKnownKeys('options', options, ['timeoutMs', 'signal']);
    const { timeoutMs, signal } = options;
    return Object.freeze({
      timeoutMs:
        timeoutMs === undefined
          ? null
          : checkInteger('timeoutMs', timeoutMs, { min: 0, max: MAX_WAIT_MS }),
      signal: signal === undefined ? null : checkSignal(signal),
    });
  });
}

/** An `AbortSignal` (or an object that behaves as one, from another realm). */
function checkSignal(signal: unknown): AbortSignal {
  const candidate = signal as Partial<AbortSignal> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.aborted !== 'boolean' ||
    typeof candidate.addEventListener !== 'function' ||
    typeof candidate.removeEventListener !== 'function'
  ) {
    throw new InvalidOptionsError(`signal must be an AbortSignal, got ${describeValue(signal)}`, {
      option: 'signal',
    });
  }
  return candidate as AbortSignal;
}
