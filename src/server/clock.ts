/** Where Docket reads the time; tests inject their own. */
export interface Clock {
  /** The current time: a new `Date` each call. */
  now(): Date;
  /**
   * Optional: reports jumps of time (a test's manual clock moved forward), so that servers
   * and the recurring ticker look for newly due work at once instead of at their next poll.
   * Returns a function that removes the listener.
   */
  onChange?(listener: () => void): () => void;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
