/**
 * One entry of a rate limit's sliding log: `n` starts granted together. `token` marks a
 * reservation not yet settled: its `at` is then provisional (the reservation's time plus the
 * claim's allowance), and settling stamps the time of the settlement.
 */
export interface RateEntry {
  readonly at: Date;
  readonly n: number;
  readonly token?: string;
}

/** What a rate limit's log says at one instant. */
export interface RateWindowState {
  /** Starts counted in the window ending now (unsettled reservations included). */
  readonly used: number;
  /**
   * The earliest time (ms since the epoch, same clock as `now`) at which fewer than `max`
   * starts may be counted: `now` when a start may be granted now. An unsettled reservation
   * is assumed settled now (the earliest it can be), so a server that comes back at this
   * time and finds the window still full just waits again.
   */
  readonly freeAt: number;
}

/**
 * The state of a sliding window of `intervalMs` ending at `now`: an entry counts while
 * `at > now - intervalMs`, as in the reservation the database runs.
 */
export function rateWindowState(
  entries: readonly RateEntry[],
  now: number,
  max: number,
  intervalMs: number,
): RateWindowState {
  const live = entries.filter((entry) => entry.at.getTime() > now - intervalMs);
  let used = live.reduce((sum, entry) => sum + entry.n, 0);
  if (used < max) return { used, freeAt: now };
  const total = used;
  // Entries leave the window at `at + intervalMs` (an unsettled one at the earliest `now +
  // intervalMs`): walk them in that order until the count drops below max.
  const leaving = live
    .map((entry) => ({
      n: entry.n,
      until: (entry.token === undefined ? entry.at.getTime() : now) + intervalMs,
    }))
    .sort((a, b) => a.until - b.until);
  let freeAt = now;
  for (const entry of leaving) {
    used -= entry.n;
    freeAt = entry.until;
    if (used < max) break;
  }
  return { used: total, freeAt };
}
