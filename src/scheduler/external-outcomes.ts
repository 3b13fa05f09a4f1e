import { countBatchFinishes, finishesOf } from '../batches/batch-lifecycle';
import type { EventBus } from '../events/event-bus';
import {
  checkJobId,
  checkKnownKeys,
  checkPlainObject,
  checkString,
  readingOptions,
} from '../options/option-checks';
import type { Clock } from '../server/clock';
import { storableValue } from '../server/storable-value';
import { UNFINISHED_STATES, type JobRecord } from '../storage/job-record';
import type { JobStore, MarkedOutcome } from '../storage/job-store';
import type { MarkFailedOptions, MarkSucceededOptions } from './job-scheduler-options';
import { releaseContinuations } from './release-continuations';

/** What {@link ExternalOutcomes} works with. */
export interface ExternalOutcomesDeps {
  readonly store: JobStore;
  readonly events: EventBus;
  readonly clock: Clock;
  /** The largest result a job may store (the Docket's `maxResultBytes`). */
  readonly maxResultBytes: number;
}

/** The error name of a failure a caller reported (`markFailed`). */
export const EXTERNAL_FAILURE = 'ExternalFailure';

/** How often a mark reads the job again when it changed between the read and the write. */
const MARK_TRIES = 3;

/**
 * Outcomes reported from outside (`markSucceeded`, `markFailed`): written as a worker's
 * outcome is (the same update), pinned to the job as read and moving its fence, so that the
 * running attempt, if any, has lost its lease; then followed as a worker's outcome is: its
 * event, its count in its batch, the release of its continuations.
 */
export class ExternalOutcomes {
  constructor(private readonly deps: ExternalOutcomesDeps) {}

  markSucceeded(jobId: string, options?: MarkSucceededOptions): Promise<boolean> {
    checkJobId('jobId', jobId);
    const result = readingOptions('options', () => {
      if (options === undefined) return undefined;
      checkKnownKeys('options', checkPlainObject('options', options), ['result']);
      return storableValue('result', options.result, this.deps.maxResultBytes, { jobId });
    });
    return this.mark(jobId, (durationMs) => ({
      state: 'succeeded',
      ...(result === undefined ? {} : { result }),
      durationMs,
      reason: 'marked succeeded by a caller',
    }));
  }

  markFailed(jobId: string, options: MarkFailedOptions): Promise<boolean> {
    checkJobId('jobId', jobId);
    const message = readingOptions('options', () => {
      checkKnownKeys('options', checkPlainObject('options', options), ['message']);
      return checkString('options.message', options.message, { maxLength: 4_000 });
    });
    return this.mark(jobId, (durationMs) => ({
      state: 'failed',
      error: { name: EXTERNAL_FAILURE, message },
      durationMs,
      reason: `marked failed by a caller: ${message}`.slice(0, 500),
    }));
  }

  private async mark(
    jobId: string,
    outcome: (durationMs: number | null) => MarkedOutcome,
  ): Promise<boolean> {
    for (let attempt = 1; attempt <= MARK_TRIES; attempt++) {
      const job = await this.deps.store.findById(jobId);
      if (!job || !UNFINISHED_STATES.includes(job.state)) return false;
      const now = this.deps.clock.now();
      const running = job.state === 'processing' && job.startedAt !== null;
      const marked = outcome(
        running ? Math.max(0, now.getTime() - job.startedAt!.getTime()) : null,
      );
      const pin = { jobId, state: job.state, fence: job.fence };
      const after = await this.deps.store.markOutcome(pin, marked, now);
      if (!after) {
        // In a batch still being created: no write will ever match.
        if (job.batchPending !== undefined) return false;
        continue;
      }
      await this.follow(after, marked, now);
      return true;
    }
    return false;
  }

  /** What follows a recorded outcome, as it follows a worker's (see `AttemptOutcomes`). */
  private async follow(job: JobRecord, outcome: MarkedOutcome, now: Date): Promise<void> {
    const { events, store } = this.deps;
    const base = {
      jobId: job._id,
      jobType: job.type,
      queue: job.queue,
      attempt: job.attempt,
      external: true as const,
    };
    if (outcome.state === 'succeeded') {
      events.emit('job.succeeded', { ...base, durationMs: outcome.durationMs ?? 0 });
    } else {
      events.emit('job.failed', { ...base, error: outcome.error });
    }
    if (job.batchId !== undefined) {
      await countBatchFinishes(store, events, job.batchId, finishesOf(outcome.state), now);
    }
    if (job.hasContinuations === true) {
      await releaseContinuations(store, events, job._id, outcome.state, now);
    }
  }
}
