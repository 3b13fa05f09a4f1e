import type { EventBus } from '../events/event-bus';
import type { BatchCounts } from '../batches/batch-counts';
import { releaseContinuations } from '../scheduler/release-continuations';
import type { JobErrorInfo, JobRecord } from '../storage/job-record';
import type { AttemptOutcome, FinishResult, JobLease, JobStore } from '../storage/job-store';
import type { MongoJobResults } from '../storage/mongo/mongo-job-results';
import type { Clock } from './clock';
import type { AttemptLog } from './attempt-log';
import { storableValue } from './storable-value';
import { toErrorInfo } from './error-info';
import { decideFailure, type FailurePolicy, type PolicyFaultReporter } from './failure-policy';

/**
 * Records outcomes as the store does (the server's {@link CompletionBatcher}, which batches
 * them into one write).
 */
export type OutcomeRecorder = Pick<JobStore, 'finish'>;

/** What an attempt's outcomes need from its server. */
export interface AttemptOutcomeDeps {
  readonly store: JobStore;
  readonly outcomes: OutcomeRecorder;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly serverId: string;
  /** Where a result goes after a committed transaction, and how large results may be. */
  readonly results: Pick<MongoJobResults, 'saveAfterCommit'>;
  readonly maxResultBytes: number;
  /** Where finished jobs of batches are counted. */
  readonly batchCounts: Pick<BatchCounts, 'add'>;
}

/**
 * The end of one attempt: its outcome written under the attempt's lease (fenced), then
 * announced (its event, the release of the job's continuations); a lost lease reported once.
 * A failure to write is reported and left to lease expiry: another server retries the job.
 */
export class AttemptOutcomes {
  private leaseLostReported = false;

  constructor(
    private readonly job: JobRecord,
    private readonly lease: JobLease,
    private readonly log: AttemptLog,
    private readonly deps: AttemptOutcomeDeps,
    private readonly report: (error: unknown, context: string) => void,
  ) {}

  /** Writes `outcome` (`cause`: the error that led to it, for the log), then announces it. */
  async record(outcome: AttemptOutcome, cause?: unknown): Promise<void> {
    const now = this.deps.clock.now();
    let result: FinishResult | null;
    try {
      result = await this.deps.outcomes.finish(this.lease, outcome, this.deps.serverId, now);
    } catch (error) {
      // The lease will expire and another server will retry the job (at-least-once).
      this.report(error, `recording '${outcome.state}' failed`);
      return;
    }
    if (!result) {
      this.log.logger.warn(
        `lost the lease before recording '${outcome.state}': the outcome was not written`,
      );
      this.reportLeaseLost();
      return;
    }
    await this.recorded(outcome, result, cause);
  }

  /**
   * Records a failed attempt as the handler's failure policy says: a retry after its backoff,
   * or the end the handler chose for jobs that failed for good (the history says why).
   */
  async recordFailure(
    error: unknown,
    durationMs: number,
    how: {
      readonly maxAttempts: number;
      readonly policy: FailurePolicy;
      readonly reportFault: PolicyFaultReporter;
    },
  ): Promise<void> {
    const info = toErrorInfo(error);
    const { attempt } = this.job;
    const { maxAttempts } = how;
    const decision = decideFailure({ error, attempt, maxAttempts }, how.policy, how.reportFault);
    if (decision.retry) {
      const dueAt = new Date(this.deps.clock.now().getTime() + decision.delayMs);
      const reason = `attempt ${attempt} failed: ${info.message}`.slice(0, 500);
      await this.record({ state: 'scheduled', durationMs, error: info, reason, dueAt }, error);
      return;
    }
    const why = decision.why === undefined ? '' : `, ${decision.why}`;
    await this.record(
      {
        state: 'failed',
        durationMs,
        error: info,
        reason: `attempt ${attempt} of ${maxAttempts} failed${why}`,
        ...(decision.then === 'fail' ? {} : { exhausted: decision.then }),
      },
      error,
    );
  }

  /**
   * What follows a recorded outcome: its event, its count in the job's batch, and the
   * release of the job's continuations.
   */
  async recorded(outcome: AttemptOutcome, result: FinishResult, cause: unknown): Promise<void> {
    this.emitOutcome(outcome, cause);
    const { batchId } = this.job;
    if (batchId !== undefined && outcome.state !== 'scheduled') {
      try {
        await this.deps.batchCounts.add(batchId, outcome.state);
      } catch (error) {
        // The recovery sweep checks batches whose counts stopped moving.
        this.report(error, 'counting the job in its batch failed');
      }
    }
    if (result.hasContinuations) {
      try {
        await releaseContinuations(
          this.deps.store,
          this.deps.events,
          this.job._id,
          outcome.state,
          this.deps.clock.now(),
        );
      } catch (error) {
        // The recovery sweep finds finished parents with unresolved continuations.
        this.report(error, 'releasing continuations failed');
      }
    }
  }

  /**
   * Stores what `handle()` returned after its transaction committed the success (the success
   * stands whatever happens here: a result that cannot be stored is logged).
   */
  async saveCommittedResult(returned: unknown): Promise<void> {
    if (returned === undefined) return;
    try {
      const result = storableValue('result', returned, this.deps.maxResultBytes, this.details);
      await this.deps.results.saveAfterCommit(this.lease, result);
    } catch (error) {
      this.log.logger.warn(`the result was not stored (the success stands): ${String(error)}`, {
        error,
      });
      this.report(error, 'saving the result after the transaction failed');
    }
  }

  /** Emits `job.leaseLost`, once per attempt. */
  reportLeaseLost(): void {
    if (this.leaseLostReported) return;
    this.leaseLostReported = true;
    this.deps.events.emit('job.leaseLost', { ...this.eventBase(), attempt: this.job.attempt });
  }

  private emitOutcome(outcome: AttemptOutcome, cause: unknown): void {
    const base = { ...this.eventBase(), attempt: this.job.attempt };
    switch (outcome.state) {
      case 'succeeded':
        this.log.debug(`succeeded in ${outcome.durationMs} ms`);
        this.deps.events.emit('job.succeeded', { ...base, durationMs: outcome.durationMs });
        return;
      case 'scheduled':
        if (outcome.snooze) {
          const { until, reason } = outcome.snooze;
          this.log.logger.info(
            `snoozed until ${until.toISOString()}${reason ? `: ${reason}` : ''}`,
          );
          this.deps.events.emit('job.snoozed', { ...base, until, reason });
          return;
        }
        this.log.logger.warn(
          `failed, retrying at ${outcome.dueAt.toISOString()}: ${outcome.error.message}`,
          { error: cause },
        );
        this.deps.events.emit('job.retried', {
          ...base,
          error: outcome.error,
          nextAttemptAt: outcome.dueAt,
        });
        return;
      case 'failed':
        this.log.logger.error(`failed for good: ${outcome.error.message}`, { error: cause });
        this.deps.events.emit('job.failed', {
          ...base,
          error: outcome.error as JobErrorInfo,
          ...(outcome.exhausted === undefined ? {} : { exhausted: outcome.exhausted }),
        });
        return;
    }
  }

  private get details() {
    return { ...this.eventBase(), attempt: this.job.attempt };
  }

  private eventBase() {
    return { jobId: this.job._id, jobType: this.job.type, queue: this.job.queue };
  }
}
