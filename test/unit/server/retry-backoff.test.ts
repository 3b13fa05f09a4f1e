import { retryDelayMs } from '../../../src/server/retry-backoff';

describe('retryDelayMs', () => {
  const backoff = { baseMs: 1_000, maxMs: 30_000 };

  it.each([
    [1, 500, 1_000],
    [2, 1_000, 2_000],
    [3, 2_000, 4_000],
    [5, 8_000, 16_000],
    [6, 15_000, 30_000],
    [20, 15_000, 30_000],
  ])('after attempt %i lies between %i and %i ms', (attempt, low, high) => {
    expect(retryDelayMs(attempt, backoff, () => 0)).toBe(low);
    expect(retryDelayMs(attempt, backoff, () => 1)).toBe(high);
    const random = retryDelayMs(attempt, backoff);
    expect(random).toBeGreaterThanOrEqual(low);
    expect(random).toBeLessThanOrEqual(high);
  });
});
