import type { DependencyContainer } from 'tsyringe';
import type { Logger } from 'winston';
import {
  DocketError,
  JobDeletedError,
  JobSnoozedError,
  JobTimeoutError,
  LeaseLostError,
} from '../errors';
import { ServerStoppingError } from '../errors/server-stopping.error';
import type { EventBus } from '../events/event-bus';
import type { HandlerRegistration } from '../handlers';
import { fromStoredPayload, validateJob, type IJob } from '../jobs';
import type { JobRecord } from '../storage/job-record';
import type { JobLease, JobStore } from '../storage/job-store';
import type { JobLogStore } from '../storage/job-logs';
import type { ResolvedJobLogOptions } from '../logging/job-log-options';
import type { IsolatedRunner } from '../isolation/isolated-runner';
import type { ResolvedArtefactOptions } from '../storage/artefact-options';
import type { MongoJobArtefacts } from '../storage/mongo/mongo-job-artefacts';
import { storableValue } from './storable-value';
import type { JobFilters } from '../filters';
import type { Clock } from './clock';
import { toErrorInfo } from './error-info';
import { HandlerTransaction, type LeaseHold } from './handler-transaction';
import { JobLogBuffer } from './job-log-buffer';
import { ProgressReporter } from './progress-reporter';
import { AttemptOutcomes, type AttemptOutcomeDeps } from './attempt-outcomes';
import { HandlerInvocation, aborted } from './handler-invocation';
import { expiredOutcome, startDeadlinePassed } from './start-deadline';
import { AttemptContext } from './attempt-context';
import { AttemptLog } from './attempt-log';

/** What an execution needs from its server. */
export interface ExecutionDeps extends AttemptOutcomeDeps {
  readonly store: JobStore;
  readonly container: DependencyContainer;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly serverId: string;
  /** Where the lines handlers log are kept, and what is kept of them. */
  readonly logs: Pick<JobLogStore, 'append'>;
  readonly logOptions: ResolvedJobLogOptions;
  /** Where the files handlers store go, and how large they may be. */
  readonly artefacts: MongoJobArtefacts;
  readonly artefactOptions: ResolvedArtefactOptions;
  /** The job filters whose execution hooks run around the handler. */
  readonly filters: Pick<JobFilters, 'execute'>;
  /** Where handlers with `isolation` other than `'inline'` run. */
  readonly isolation: Pick<IsolatedRunner, 'run'>;
}

/** Why a handler that still runs after its attempt ended was told to stop. */
export type OverrunReason = 'timeout' | 'leaseLost' | 'deleted' | 'stopping' | 'snoozed';

/** The job an attempt runs, as its events and errors name it. */
interface JobDetails {
  readonly jobId: string;
  readonly jobType: string;
  readonly queue: string;
  readonly attempt: number;
}

/** Abort reasons after which the worker no longer owns the job and must not write. */
function ownershipLost(reason: unknown): boolean {
  return (
    reason instanceof LeaseLostError ||
    reason instanceof JobDeletedError ||
    reason instanceof ServerStoppingError
  );
}

/**
 * One attempt of one claimed job: rebuilds and validates the payload, resolves the handler
 * from a child container, runs it under its timeout and abort signal, and records the
 * outcome with writes fenced by the lease. Whatever the handler does (throw a non-Error,
 * hang, reject late, return garbage) costs at most this attempt, never the process.
 */
export class JobExecution {
  /** Settles when the attempt's outcome is recorded (or given up); never rejects. */
  readonly done: Promise<void>;
  /**
   * Settles when the handler itself settles (or at once if it never ran). After an abort,
   * `done` settles without waiting for the handler; a stopping server waits on this one.
   */
  readonly handlerSettled: Promise<void>;
  /** The handler: inline or in a worker; whether it still runs. */
  private readonly handler: HandlerInvocation;
  /** Writes and announces the attempt's outcome. */
  private readonly outcomes: AttemptOutcomes;
  /** The attempt's transaction (`JobContext.transaction`). */
  private readonly transaction: HandlerTransaction;
  private readonly startedAt = performance.now();
  readonly lease: JobLease;
  private readonly controller = new AbortController();
  /** Rejects when the attempt's signal fires (made when first raced against). */
  private abortedPromise: Promise<never> | undefined;
  private readonly log: AttemptLog;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly details: JobDetails;
  private readonly progress: ProgressReporter;
  /** The handler's lines, kept with the job. */
  private readonly logLines: JobLogBuffer;
  /** What the handler and its filters see of the attempt. */
  private readonly context: AttemptContext;

  constructor(
    private readonly job: JobRecord,
    private readonly registration: HandlerRegistration,
    private readonly deps: ExecutionDeps,
    leaseHold: LeaseHold,
  ) {
    // Every part below is made once per attempt of every job: they take the few
    // dependencies they use, never a copy of all of them.
    this.lease = { jobId: job._id, fence: job.fence };
    this.maxAttempts = job.maxAttempts ?? registration.options.maxAttempts;
    this.timeoutMs = job.timeoutMs ?? registration.options.timeoutMs;
    this.details = Object.freeze({
      jobId: job._id,
      jobType: job.type,
      queue: job.queue,
      attempt: job.attempt,
    });
    this.log = new AttemptLog(deps.logger, () => ({ ...this.details, serverId: deps.serverId }));
    const report = (error: unknown, context: string) => this.report(error, context);
    const { signal } = this.controller;
    this.progress = new ProgressReporter(this.lease, this.details, {
      store: deps.store,
      events: deps.events,
      clock: deps.clock,
      report,
    });
    this.logLines = new JobLogBuffer(this.lease, job.attempt, {
      store: deps.logs,
      options: deps.logOptions,
      clock: deps.clock,
      report,
    });
    this.transaction = new HandlerTransaction({
      store: deps.store,
      details: this.details,
      signal,
      lease: leaseHold,
      writes: {
        hold: async () => {
          await Promise.all([this.progress.hold(), this.logLines.hold()]);
        },
        resume: (committed) => {
          this.progress.resume(committed);
          this.logLines.resume();
        },
      },
      success: () => ({
        lease: this.lease,
        outcome: { state: 'succeeded', durationMs: Math.round(performance.now() - this.startedAt) },
        serverId: this.deps.serverId,
        now: this.deps.clock.now(),
      }),
      loseLease: (lost) => this.loseLease(lost),
    });
    this.context = new AttemptContext(job, this.lease, {
      store: deps.store,
      clock: deps.clock,
      artefacts: deps.artefacts,
      artefactOptions: deps.artefactOptions,
      options: registration.options,
      maxAttempts: this.maxAttempts,
      details: this.details,
      signal,
      log: this.log,
      logLines: this.logLines,
      progress: this.progress,
      transaction: this.transaction,
      abort: (snoozed) => this.abort(snoozed),
      loseLease: (lost) => this.loseLease(lost),
    });
    this.outcomes = new AttemptOutcomes(job, this.lease, this.log, deps, report);
    this.handler = new HandlerInvocation({
      job,
      registration,
      maxAttempts: this.maxAttempts,
      container: deps.container,
      isolation: deps.isolation,
      signal,
      whenAborted: () => this.whenAborted,
      log: this.log,
      context: () => this.context.handler,
      progress: this.progress,
      logLines: this.logLines,
      report,
    });
    this.handlerSettled = this.handler.settled;
    this.done = this.run()
      .catch((error: unknown) => {
        this.report(error, 'the job execution failed unexpectedly');
      })
      .finally(() => this.handler.attemptEnded());
  }

  get jobType(): string {
    return this.job.type;
  }

  /** Fires the handler's signal with `reason` (first reason wins). */
  abort(reason: DocketError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /**
   * The lease is gone (the heartbeat found it taken or deleted, or the local deadline
   * passed): reports `job.leaseLost` once and aborts the handler with `reason`.
   */
  loseLease(reason: LeaseLostError | JobDeletedError): void {
    // The success committed: the job is no longer processing, and no lease is left to lose.
    if (this.transaction.committed) return;
    this.outcomes.reportLeaseLost();
    this.abort(reason);
  }

  /** True while the handler runs (it may outlive `done` when it ignores its signal). */
  get handlerRunning(): boolean {
    return this.handler.running;
  }

  /** Why the handler's signal fired, for a handler that keeps running after it. */
  get overrunReason(): OverrunReason {
    const reason: unknown = this.controller.signal.reason;
    if (reason instanceof JobTimeoutError) return 'timeout';
    if (reason instanceof JobDeletedError) return 'deleted';
    if (reason instanceof ServerStoppingError) return 'stopping';
    if (reason instanceof JobSnoozedError) return 'snoozed';
    return 'leaseLost';
  }

  /** Rejects with the signal's reason once it fires: one listener per attempt, however many races. */
  private get whenAborted(): Promise<never> {
    this.abortedPromise ??= aborted(this.controller.signal);
    return this.abortedPromise;
  }

  private async run(): Promise<void> {
    const startedAt = this.startedAt;
    if (this.job.attempt > this.maxAttempts) {
      const error = new LeaseLostError(this.details);
      const exhausted = this.registration.options.onAttemptsExhausted;
      await this.outcomes.record(
        {
          state: 'failed',
          durationMs: 0,
          error: toErrorInfo(error),
          reason: 'attempts exhausted: the last worker stopped renewing its lease',
          // What the handler asked for a job that failed for good holds here too.
          ...(exhausted === 'fail' ? {} : { exhausted }),
        },
        error,
      );
      return;
    }
    const expired = startDeadlinePassed(
      this.job,
      this.registration.options,
      this.deps.clock.now(),
      this.details,
    );
    if (expired) return this.outcomes.record(expiredOutcome(expired), expired);
    let job: IJob;
    try {
      job = fromStoredPayload(this.registration.jobClass, this.job.payload);
      await validateJob(job, this.job.type);
    } catch (error) {
      // A stored payload that no longer loads will not load on a retry either.
      await this.outcomes.record(
        {
          state: 'failed',
          durationMs: 0,
          error: toErrorInfo(error),
          reason: 'the stored payload could not be loaded',
        },
        error,
      );
      return;
    }

    this.deps.events.emit('job.started', {
      jobId: this.job._id,
      jobType: this.job.type,
      queue: this.job.queue,
      attempt: this.job.attempt,
      serverId: this.deps.serverId,
    });
    this.log.debug('started');
    const timer = setTimeout(
      () => this.abort(new JobTimeoutError(this.timeoutMs, this.details)),
      this.timeoutMs,
    );
    let failure: { error: unknown } | undefined;
    let returned: unknown;
    try {
      // The filters' own hooks are bounded by the attempt's signal like the handler.
      returned = await Promise.race([
        this.deps.filters.execute(
          this.job.type,
          () => this.context.forFilters(job),
          () => this.handler.invoke(job),
        ),
        this.whenAborted,
      ]);
    } catch (error) {
      failure = { error };
    } finally {
      clearTimeout(timer);
    }
    await Promise.all([this.progress.flushed(), this.logLines.close()]);
    const durationMs = Math.round(performance.now() - startedAt);
    const snooze = this.context.snooze;
    if (snooze) {
      // Decided at the call, whatever the handler did afterwards.
      await this.outcomes.record({ state: 'scheduled', durationMs, snooze });
      return;
    }
    const committed = this.transaction.committed;
    if (committed) {
      if (failure) {
        this.log.logger.warn(
          `the handler failed after its transaction committed the job's success, which stands: ${String(failure.error)}`,
          { error: failure.error },
        );
      }
      if (!failure) await this.outcomes.saveCommittedResult(returned);
      const { durationMs: committedMs, result } = committed;
      await this.outcomes.recorded(
        { state: 'succeeded', durationMs: committedMs },
        result,
        undefined,
      );
      return;
    }
    if (!failure) {
      try {
        const result = storableValue('result', returned, this.deps.maxResultBytes, this.details);
        await this.outcomes.record({
          state: 'succeeded',
          durationMs,
          ...(result === undefined ? {} : { result }),
        });
        return;
      } catch (error) {
        // The result cannot be stored: the attempt fails, saying why.
        failure = { error };
      }
    }
    const reason = this.controller.signal.reason;
    if (this.controller.signal.aborted && ownershipLost(reason)) {
      this.log.logger.info(`stopped: ${(reason as Error).message}`);
      return;
    }
    await this.outcomes.recordFailure(failure.error, durationMs, {
      maxAttempts: this.maxAttempts,
      policy: this.registration.options,
      reportFault: (fault, context) => {
        this.log.logger.warn(`${context}: ${String(fault)}`, { error: fault });
        this.report(fault, context);
      },
    });
  }

  private report(error: unknown, context: string): void {
    this.deps.events.emit('error', {
      error: error instanceof Error ? error : new Error(String(error)),
      context: `${context} (job ${this.job._id})`,
    });
  }
}
