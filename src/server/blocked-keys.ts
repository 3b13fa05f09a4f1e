/** Most keys one claim leaves out by name (the rest are found at their limit again). */
export const MAX_EXCLUDED_KEYS = 500;

/**
 * The concurrency keys one server leaves alone: those it found at their limit (or, for a
 * FIFO key, behind an earlier job), each for a backoff that starts at `baseMs` and doubles
 * while the key stays busy, up to `maxMs`; and those its own running jobs hold to their
 * limit. A key that one of this server's jobs gives back is tried again at once. Times are
 * real durations (`performance.now()`), whatever clock the server was given.
 */
export class BlockedKeys {
  private readonly blocked = new Map<string, { until: number; failures: number }>();
  /** Jobs running here by key, with the key's limit. */
  private readonly running = new Map<string, { count: number; limit: number }>();

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** The key was found at its limit: leave it alone for its next backoff. */
  block(key: string): void {
    const failures = (this.blocked.get(key)?.failures ?? 0) + 1;
    const backoff = Math.min(this.baseMs * 2 ** Math.min(failures - 1, 30), this.maxMs);
    this.blocked.set(key, { until: performance.now() + backoff, failures });
  }

  /** A job of the key starts here. */
  started(key: string, limit: number): void {
    this.blocked.delete(key);
    const entry = this.running.get(key);
    this.running.set(key, { count: (entry?.count ?? 0) + 1, limit });
  }

  /** A job of the key that ran here gave it back: the key may be tried again at once. */
  ended(key: string): void {
    this.blocked.delete(key);
    const entry = this.running.get(key);
    if (!entry || entry.count <= 1) this.running.delete(key);
    else this.running.set(key, { ...entry, count: entry.count - 1 });
  }

  /**
   * The keys a claim should leave out now (at most {@link MAX_EXCLUDED_KEYS}): those held
   * here to their limit, then those whose backoff runs. Forgets backoffs long over.
   */
  excluded(): string[] {
    const now = performance.now();
    const keys: string[] = [];
    for (const [key, { count, limit }] of this.running) if (count >= limit) keys.push(key);
    for (const [key, { until }] of this.blocked) {
      if (until > now) keys.push(key);
      // Kept a while after it ran out, so that a key still busy next time backs off longer.
      else if (until + this.maxMs < now) this.blocked.delete(key);
    }
    return keys.slice(0, MAX_EXCLUDED_KEYS);
  }

  /** Milliseconds until the next backoff runs out (Infinity when none runs). */
  untilNextRetry(): number {
    const now = performance.now();
    let next = Infinity;
    for (const { until } of this.blocked.values())
      if (until > now) next = Math.min(next, until - now);
    return next;
  }
}
