import type { ResolvedRateLimit } from '../options/rate-limit-options';

/** What a rate limit applies to: a job type (`@JobHandler`'s `rateLimit`) or a queue. */
export type RateLimitScope = 'type' | 'queue';

/** The starts a server reserved under one rate limit, to be settled once it has claimed. */
export interface RateReservation {
  /** Starts granted (0 to the count asked for). */
  readonly granted: number;
  /** Identifies the reservation when it is settled. */
  readonly token: string;
  /**
   * How long, by the database's clock, until a start may be granted again: 0 when one may be
   * now (see `rateWindowState`).
   */
  readonly waitMs: number;
}

/** A rate limit as monitoring shows it (`Docket.listRateLimits()`, the dashboard). */
export interface RateLimitInfo {
  /** Whether the limit is a job type's or a queue's. */
  readonly scope: RateLimitScope;
  /** The job type or queue. */
  readonly name: string;
  /** The limit the last server that reserved starts applied. */
  readonly max: number;
  /** Length of the sliding window in ms (as the last server to reserve applied it). */
  readonly intervalMs: number;
  /** Starts counted in the window ending now, reservations not yet settled included. */
  readonly used: number;
  /**
   * While the window is full: the earliest time (the database's clock) at which a start may
   * be granted again; null while starts may be granted.
   */
  readonly throttledUntil: Date | null;
}

/**
 * The shared log of the rate limits (see `MongoRateLimitStore`). Times are the database's:
 * servers pass durations, never instants.
 */
export interface RateLimitStore {
  /**
   * Reserves up to `count` starts under the limit `key` (`type:<jobType>` or
   * `queue:<queue>`), never letting the window's count pass `limit.max`. The reservation
   * counts as made `allowanceMs` later than now until it is settled.
   */
  reserve(
    key: string,
    limit: ResolvedRateLimit,
    count: number,
    allowanceMs: number,
  ): Promise<RateReservation>;
  /** Settles a reservation: `used` of its starts were claimed, now; the rest are given back. */
  settle(key: string, token: string, used: number): Promise<void>;
  /** Every limit some server has reserved under lately, with its state now. */
  list(): Promise<RateLimitInfo[]>;
}
