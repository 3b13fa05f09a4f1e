import type { DependencyContainer } from 'tsyringe';
import type { LogEntry, Logger } from 'winston';
import { DocketError, JobDeletedError, JobTimeoutError, LeaseLostError } from '../errors';
import { ServerStoppingError } from '../errors/server-stopping.error';
import type { EventBus } from '../events/event-bus';
import type { HandlerRegistration, JobContext } from '../handlers';
import { fromStoredPayload, validateJob, type IJob } from '../jobs';
import type { JobErrorInfo, JobRecord } from '../storage/job-record';
import type { AttemptOutcome, FinishResult, JobLease, JobStore } from '../storage/job-store';
import type { JobLogStore } from '../storage/job-logs';
import type { ResolvedJobLogOptions } from '../logging/job-log-options';
import type { IsolatedRunner } from '../isolation/isolated-runner';
import type { ResolvedArtefactOptions } from '../storage/artefact-options';
import type { MongoJobArtefacts } from '../storage/mongo/mongo-job-artefacts';
import type { MongoJobResults } from '../storage/mongo/mongo-job-results';
import { storableResult } from './job-result';
import type { ExecutionFilterContext, JobFilters } from '../filters';
import { releaseContinuations } from '../scheduler/release-continuations';
import type { Clock } from './clock';
import { toErrorInfo } from './error-info';
import { HandlerTransaction, type LeaseHold } from './handler-transaction';
import { JobLogBuffer } from './job-log-buffer';
import { AttemptArtefacts } from './attempt-artefacts';
import { ProgressReporter } from './progress-reporter';
import { retryDelayMs } from './retry-backoff';

/** Records outcomes (the server's {@link CompletionBatcher}). */
export interface OutcomeRecorder {
  finish(
    lease: JobLease,
    outcome: AttemptOutcome,
    serverId: string,
    now: Date,
  ): Promise<FinishResult | null>;
}

/** What an execution needs from its server. */
export interface ExecutionDeps {
  readonly store: JobStore;
  readonly outcomes: OutcomeRecorder;
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
  /** Where a result goes after a committed transaction, and how large results may be. */
  readonly results: Pick<MongoJobResults, 'saveAfterCommit'>;
  readonly maxResultBytes: number;
  /** The job filters whose execution hooks run around the handler. */
  readonly filters: Pick<JobFilters, 'execute'>;
  /** Where handlers with `isolation` other than `'inline'` run. */
  readonly isolation: Pick<IsolatedRunner, 'run'>;
}

/** Why a handler that still runs after its attempt ended was told to stop. */
export type OverrunReason = 'timeout' | 'leaseLost' | 'deleted' | 'stopping';

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
  private markHandlerSettled!: () => void;
  private handlerStarted = false;
  private handlerDone = false;
  private leaseLostReported = false;
  /** The attempt's transaction (`JobContext.transaction`). */
  private readonly transaction: HandlerTransaction;
  private readonly startedAt = performance.now();
  readonly lease: JobLease;
  private readonly controller = new AbortController();
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly progress: ProgressReporter;
  /** The handler's lines, kept with the job. */
  private readonly logLines: JobLogBuffer;
  private contextMade: JobContext | undefined;

  constructor(
    private readonly job: JobRecord,
    private readonly registration: HandlerRegistration,
    private readonly deps: ExecutionDeps,
    leaseHold: LeaseHold,
  ) {
    this.lease = { jobId: job._id, fence: job.fence };
    this.maxAttempts = job.maxAttempts ?? registration.options.maxAttempts;
    this.timeoutMs = job.timeoutMs ?? registration.options.timeoutMs;
    this.logger = deps.logger.child({
      jobId: job._id,
      jobType: job.type,
      queue: job.queue,
      attempt: job.attempt,
      serverId: deps.serverId,
    });
    this.progress = new ProgressReporter(this.lease, this.details, {
      ...deps,
      report: (error, context) => this.report(error, context),
    });
    this.logLines = new JobLogBuffer(this.lease, job.attempt, {
      store: deps.logs,
      options: deps.logOptions,
      clock: deps.clock,
      report: (error, context) => this.report(error, context),
    });
    this.transaction = new HandlerTransaction({
      store: deps.store,
      details: this.details,
      signal: this.controller.signal,
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
    this.handlerSettled = new Promise<void>(
      (resolve) =>
        (this.markHandlerSettled = () => {
          this.handlerDone = true;
          resolve();
        }),
    );
    this.done = this.run()
      .catch((error: unknown) => {
        this.report(error, 'the job execution failed unexpectedly');
      })
      .finally(() => {
        if (!this.handlerStarted) this.markHandlerSettled();
      });
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
    this.reportLeaseLost();
    this.abort(reason);
  }

  /** True while the handler runs (it may outlive `done` when it ignores its signal). */
  get handlerRunning(): boolean {
    return this.handlerStarted && !this.handlerDone;
  }

  /** Why the handler's signal fired, for a handler that keeps running after it. */
  get overrunReason(): OverrunReason {
    const reason: unknown = this.controller.signal.reason;
    if (reason instanceof JobTimeoutError) return 'timeout';
    if (reason instanceof JobDeletedError) return 'deleted';
    if (reason instanceof ServerStoppingError) return 'stopping';
    return 'leaseLost';
  }

  private get details() {
    return {
      jobId: this.job._id,
      jobType: this.job.type,
      queue: this.job.queue,
      attempt: this.job.attempt,
    };
  }

  private async run(): Promise<void> {
    const startedAt = this.startedAt;
    if (this.job.attempt > this.maxAttempts) {
      const error = new LeaseLostError(this.details);
      await this.record(
        {
          state: 'failed',
          durationMs: 0,
          error: toErrorInfo(error),
          reason: 'attempts exhausted: the last worker stopped renewing its lease',
        },
        error,
      );
      return;
    }
    let job: IJob;
    try {
      job = fromStoredPayload(this.registration.jobClass, this.job.payload);
      await validateJob(job, this.job.type);
    } catch (error) {
      // A stored payload that no longer loads will not load on a retry either.
      await this.record(
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
      ...this.eventBase(),
      attempt: this.job.attempt,
      serverId: this.deps.serverId,
    });
    this.logger.debug('started');
    const timer = setTimeout(
      () => this.abort(new JobTimeoutError(this.timeoutMs, this.details)),
      this.timeoutMs,
    );
    let failure: { error: unknown } | undefined;
    let returned: unknown;
    try {
      // The filters' own hooks are bounded by the attempt's signal like the handler.
      returned = await Promise.race([
        this.deps.filters.execute(this.filterContext(job), () => this.invoke(job)),
        aborted(this.controller.signal),
      ]);
    } catch (error) {
      failure = { error };
    } finally {
      clearTimeout(timer);
    }
    await Promise.all([this.progress.flushed(), this.logLines.close()]);
    const durationMs = Math.round(performance.now() - startedAt);
    const committed = this.transaction.committed;
    if (committed) {
      if (failure) {
        this.logger.warn(
          `the handler failed after its transaction committed the job's success, which stands: ${String(failure.error)}`,
          { error: failure.error },
        );
      }
      if (!failure) await this.saveCommittedResult(returned);
      const { durationMs: committedMs, result } = committed;
      await this.recorded({ state: 'succeeded', durationMs: committedMs }, result, undefined);
      return;
    }
    if (!failure) {
      try {
        const result = storableResult(returned, this.deps.maxResultBytes, this.details);
        await this.record({
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
      this.logger.info(`stopped: ${(reason as Error).message}`);
      return;
    }
    const error = failure.error;
    const info = toErrorInfo(error);
    if (this.job.attempt < this.maxAttempts) {
      const delay = retryDelayMs(this.job.attempt, this.registration.options.backoff);
      const dueAt = new Date(this.deps.clock.now().getTime() + delay);
      await this.record(
        {
          state: 'scheduled',
          durationMs,
          error: info,
          reason: `attempt ${this.job.attempt} failed: ${info.message}`.slice(0, 500),
          dueAt,
        },
        error,
      );
    } else {
      await this.record(
        {
          state: 'failed',
          durationMs,
          error: info,
          reason: `attempt ${this.job.attempt} of ${this.maxAttempts} failed`,
        },
        error,
      );
    }
  }

  /**
   * Stores what `handle()` returned after its transaction committed the success (the success
   * stands whatever happens here: a result that cannot be stored is logged).
   */
  private async saveCommittedResult(returned: unknown): Promise<void> {
    if (returned === undefined) return;
    try {
      const result = storableResult(returned, this.deps.maxResultBytes, this.details);
      await this.deps.results.saveAfterCommit(this.lease, result);
    } catch (error) {
      this.logger.warn(`the result was not stored (the success stands): ${String(error)}`, {
        error,
      });
      this.report(error, 'saving the result after the transaction failed');
    }
  }

  /**
   * Runs the handler and resolves with what it resolved with; settles when it settles or when
   * the signal fires, whichever is first.
   */
  private async invoke(job: IJob): Promise<unknown> {
    const { isolation } = this.registration.options;
    if (isolation !== 'inline') return this.awaitHandler(this.runIsolated(isolation));
    const child = this.deps.container.createChildContainer();
    try {
      const handler = child.resolve(this.registration.handlerClass);
      const returned: unknown = handler.handle(job, this.handlerContext);
      if (!isThenable(returned)) {
        throw new TypeError(
          `${this.registration.handlerClass.name}.handle() must return a Promise, got ${typeof returned}`,
        );
      }
      return await this.awaitHandler(Promise.resolve(returned));
    } finally {
      Promise.resolve(child.dispose()).catch((error: unknown) =>
        this.report(error, 'disposing the job container failed'),
      );
    }
  }

  /** Marks the handler started, and settled when `handled` settles; races it with the signal. */
  private awaitHandler(handled: Promise<unknown>): Promise<unknown> {
    const signal = this.controller.signal;
    this.handlerStarted = true;
    handled.then(this.markHandlerSettled, this.markHandlerSettled);
    // A handler that rejects after we stopped waiting must not become an unhandled rejection.
    handled.catch((error: unknown) => {
      if (signal.aborted)
        this.logger.debug(`the handler settled after its signal fired: ${String(error)}`);
    });
    return Promise.race([handled, aborted(signal)]);
  }

  /**
   * Runs the handler in a worker of the server's pool: it settles once the worker's handler
   * settled, or once the worker ended (terminated after the signal's grace period, or dead).
   * Progress and log lines come back to this attempt's reporter and log.
   */
  private runIsolated(isolation: 'thread' | 'process'): Promise<unknown> {
    const logger = this.logLines.capture(this.logger);
    const request = { ...this.details, maxAttempts: this.maxAttempts };
    return this.deps.isolation.run(
      isolation,
      { ...request, payload: this.job.payload, parentResult: this.job.parentResult },
      {
        signal: this.controller.signal,
        progress: (percent, message) => this.progress.report(percent, message),
        log: (info) => logger.log(info as LogEntry),
      },
    );
  }

  /** What the filters' execution hooks see of the attempt. */
  private filterContext(job: IJob): ExecutionFilterContext {
    return {
      ...this.details,
      maxAttempts: this.maxAttempts,
      createdAt: this.job.createdAt,
      dueAt: this.job.dueAt,
      startedAt: this.job.startedAt ?? this.deps.clock.now(),
      job,
      metadata: this.job.metadata ?? {},
      context: this.handlerContext,
    };
  }

  /** The handler's context, which its filters see too (made once per attempt). */
  private get handlerContext(): JobContext {
    this.contextMade ??= this.makeContext();
    return this.contextMade;
  }

  private makeContext(): JobContext {
    return {
      signal: this.controller.signal,
      jobId: this.job._id,
      jobType: this.job.type,
      queue: this.job.queue,
      attempt: this.job.attempt,
      maxAttempts: this.maxAttempts,
      parentResult: this.job.parentResult,
      logger: this.logLines.capture(this.logger),
      progress: (percent, message) => this.progress.report(percent, message),
      transaction: (work) => this.transaction.run(work),
      artefacts: new AttemptArtefacts(this.lease, {
        store: this.deps.artefacts,
        options: this.deps.artefactOptions,
        details: this.details,
        signal: this.controller.signal,
        clock: this.deps.clock,
        session: () => this.transaction.session,
        loseLease: (lost) => this.loseLease(lost),
      }),
    };
  }

  private async record(outcome: AttemptOutcome, cause?: unknown): Promise<void> {
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
      this.logger.warn(
        `lost the lease before recording '${outcome.state}': the outcome was not written`,
      );
      this.reportLeaseLost();
      return;
    }
    await this.recorded(outcome, result, cause);
  }

  /** What follows a recorded outcome: its event, and the release of the job's continuations. */
  private async recorded(
    outcome: AttemptOutcome,
    result: FinishResult,
    cause: unknown,
  ): Promise<void> {
    this.emitOutcome(outcome, cause);
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

  private emitOutcome(outcome: AttemptOutcome, cause: unknown): void {
    const base = { ...this.eventBase(), attempt: this.job.attempt };
    switch (outcome.state) {
      case 'succeeded':
        this.logger.debug(`succeeded in ${outcome.durationMs} ms`);
        this.deps.events.emit('job.succeeded', { ...base, durationMs: outcome.durationMs });
        return;
      case 'scheduled':
        this.logger.warn(
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
        this.logger.error(`failed for good: ${outcome.error.message}`, { error: cause });
        this.deps.events.emit('job.failed', { ...base, error: outcome.error as JobErrorInfo });
        return;
    }
  }

  private reportLeaseLost(): void {
    if (this.leaseLostReported) return;
    this.leaseLostReported = true;
    this.deps.events.emit('job.leaseLost', { ...this.eventBase(), attempt: this.job.attempt });
  }

  private eventBase() {
    return { jobId: this.job._id, jobType: this.job.type, queue: this.job.queue };
  }

  private report(error: unknown, context: string): void {
    this.deps.events.emit('error', {
      error: error instanceof Error ? error : new Error(String(error)),
      context: `${context} (job ${this.job._id})`,
    });
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
