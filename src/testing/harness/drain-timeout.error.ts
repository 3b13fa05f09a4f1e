import { DocketError } from '../../errors';
import type { DrainSummary } from './drain-summary';
import { describePendingWork, type PendingWork } from './pending-work';

/** How many pending items the message lists (all are in {@link DrainTimeoutError.pending}). */
const LISTED = 5;

/**
 * `drain()` reached its deadline with work still pending: says what (due, running or
 * recurring work, as last read from storage), how long it waited, and what ran meanwhile.
 */
export class DrainTimeoutError extends DocketError {
  /** What was still pending at the deadline (at most 20 jobs, plus due recurring jobs). */
  readonly pending: readonly PendingWork[];
  /** What ran before the deadline. */
  readonly summary: DrainSummary;
  /** How long the drain lasted, in real milliseconds. */
  readonly waitedMs: number;

  constructor(init: {
    pending: readonly PendingWork[];
    summary: DrainSummary;
    waitedMs: number;
    timeoutMs: number;
  }) {
    const listed = init.pending.slice(0, LISTED).map(describePendingWork);
    const more = init.pending.length - listed.length;
    super(
      `drain did not finish within ${init.timeoutMs} ms (waited ${init.waitedMs} ms); ` +
        `still pending: ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
    );
    this.pending = Object.freeze([...init.pending]);
    this.summary = init.summary;
    this.waitedMs = init.waitedMs;
  }

  override get name(): string {
    return 'DrainTimeoutError';
  }

  override get code(): string {
    return 'DRAIN_TIMEOUT';
  }
}
