import { InvalidOptionsError } from '../../errors';
import {
  checkDate,
  checkInteger,
  checkKnownKeys,
  checkPlainObject,
} from '../../options/option-checks';
import type { Clock } from '../../server/clock';

/** Options of {@link ManualClock}. */
export interface ManualClockOptions {
  /**
   * The instant the clock reads until it is moved.
   * @defaultValue the current time rounded down to the whole minute, so that
   *   `advance(60_000)` lands exactly on the next minute (and on an every-minute cron
   *   occurrence)
   */
  readonly startAt?: Date;
}

/** Called after the clock moved, with the time it reads now. */
export type ManualClockListener = (now: Date) => void;

/** The latest instant a `Date` can hold (ECMAScript: 8.64e15 ms after the epoch). */
const MAX_DATE_MS = 8.64e15;

/**
 * A {@link Clock} that stands still until a test moves it: delayed jobs, retries with backoff
 * and recurring occurrences become due when the test says so, without waiting.
 *
 * What it controls: every due time Docket computes and compares (enqueue delays, retry
 * backoff, recurring occurrences and their catch-up, history and finish timestamps).
 * Job servers and the recurring ticker listen to its changes and look for due work at once
 * after each move. What it does not control: timers in real time (poll intervals, heartbeats,
 * job timeouts), and leases. Leases are outside its promises: today the server stamps them with the injected
 * clock, so moving it further than a lease while a job runs may let the recovery sweep treat
 * that job as abandoned; lease expiry may move to the database's own clock, after which moving
 * this clock will not expire leases at all. Tests of lease expiry should not rely on it.
 *
 * Time only moves forward: due times, durations and the recurring ticker's bookkeeping all
 * assume it.
 */
export class ManualClock implements Clock {
  private ms: number;
  private readonly listeners = new Set<ManualClockListener>();

  /**
   * @throws InvalidOptionsError - for unknown options or a `startAt` that is not a valid Date.
   */
  constructor(options: ManualClockOptions = {}) {
    checkPlainObject('options', options);
    checkKnownKeys('options', options, ['startAt']);
    this.ms =
      options.startAt === undefined
        ? Math.floor(Date.now() / 60_000) * 60_000
        : checkDate('startAt', options.startAt).getTime();
  }

  /** The time the clock reads (a new `Date` each call, so callers may not move it by mutation). */
  now(): Date {
    return new Date(this.ms);
  }

  /**
   * Moves the clock forward by `ms` and tells the listeners.
   * @returns The time the clock reads afterwards.
   * @throws InvalidOptionsError - when `ms` is not an integer ≥ 0, or would move the clock past
   *   the latest instant a `Date` holds.
   * @throws Error - the first error a listener threw (an `AggregateError` if several did),
   *   after every listener ran; the clock has moved either way.
   */
  advance(ms: number): Date {
    checkInteger('ms', ms, { min: 0, max: MAX_DATE_MS - this.ms });
    return this.moveTo(this.ms + ms);
  }

  /**
   * Moves the clock forward to `date` and tells the listeners.
   * @returns The time the clock reads afterwards (equal to `date`).
   * @throws InvalidOptionsError - when `date` is not a valid Date, or is earlier than the time
   *   the clock reads (it never moves backward).
   * @throws Error - as {@link ManualClock.advance} for a throwing listener.
   */
  set(date: Date): Date {
    const target = checkDate('date', date).getTime();
    if (target < this.ms) {
      throw new InvalidOptionsError(
        `date must not be earlier than the clock's time ${new Date(this.ms).toISOString()} ` +
          `(a manual clock only moves forward), got ${date.toISOString()}`,
        { option: 'date' },
      );
    }
    return this.moveTo(target);
  }

  /**
   * Calls `listener` after every move of the clock (not when it is read), e.g. to nudge a
   * server that sleeps in real time.
   * @returns A function that removes the listener.
   */
  onChange(listener: ManualClockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private moveTo(ms: number): Date {
    this.ms = ms;
    const errors: unknown[] = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(new Date(ms));
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'manual clock listeners threw');
    return new Date(ms);
  }
}
