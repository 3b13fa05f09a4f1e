/** Backoff settings of a handler. */
export interface BackoffSettings {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": the delay before attempt `n + 1` lies between half
 * and all of `min(maxMs, baseMs · 2^(n-1))`, so retries of jobs that failed together spread out.
 */
export function retryDelayMs(
  failedAttempt: number,
  backoff: BackoffSettings,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, failedAttempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
