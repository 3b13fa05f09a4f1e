import type { Logger } from 'winston';
import { JobDeletedError, LeaseLostError, type DocketError } from '../errors';
import type { HandlerRegistry } from '../handlers';
import type { JobRecord } from '../storage/job-record';
import type { JobLease } from '../storage/job-store';
import type { ClaimScope } from './claim-scope';
import type { GlobalSlots } from './global-slots';
import { JobExecution, type ExecutionDeps } from './job-execution';
import { LeaseKeeper, type LeaseLoss } from './lease-keeper';
import { settledWithin } from './settled-within';

/** What {@link Invocations} needs from its server. */
export interface InvocationsDeps {
  /** What each execution needs (storage, container, events, the server's logger...). */
  readonly execution: ExecutionDeps;
  readonly registry: HandlerRegistry;
  readonly scope: ClaimScope;
  readonly globalSlots: GlobalSlots;
  readonly leaseMs: number;
  /** Longest wait for one lease renewal. */
  readonly renewTimeoutMs: number;
  readonly logger: Logger;
  /** An invocation freed its slots: a claim loop waiting for capacity may go on. */
  readonly onFreed: () => void;
}

/**
 * The handler invocations of one server, from claim until they free their slots. An invocation is
 * an attempt while its outcome is not recorded (its lease is renewed and watched); an attempt that
 * ended (timed out, lost its lease, deleted, stopped) while its handler ignores its signal and
 * still runs is an overrunning invocation. Both count against every limit, per server, type, queue
 * and global (docs/design.md, guarantee 7): slots are freed only when the handler settles, while
 * the attempt's outcome is recorded at once.
 */
export class Invocations {
  /**
   * Attempts whose outcome is not recorded, by lease key (a paused attempt and its takeover
   * may both run here).
   */
  private readonly attempts = new Map<string, JobExecution>();
  private readonly overrunning = new Map<string, JobExecution>();
  /** Settle when an invocation has freed its slots. */
  private readonly finishing = new Set<Promise<void>>();
  private readonly leases: LeaseKeeper;
  /** Set once the server stopped: invocations settling later leave storage alone. */
  private detached = false;

  constructor(private readonly deps: InvocationsDeps) {
    this.leases = new LeaseKeeper({
      store: deps.execution.store,
      leaseMs: deps.leaseMs,
      renewTimeoutMs: deps.renewTimeoutMs,
      onLost: (key, loss) => this.onLeaseLost(key, loss),
    });
  }

  /** Handlers that have not settled yet (overrunning ones included). */
  private handlers = 0;

  /** Invocations whose attempt or handler is not over: the jobs this server holds. */
  get count(): number {
    return this.attempts.size + this.overrunning.size;
  }

  /**
   * Handlers running now, overrunning ones included: what the server's `concurrency` bounds.
   * An attempt whose handler settled and whose outcome is being written no longer counts, so
   * the next claim overlaps with that write.
   */
  get running(): number {
    return this.handlers;
  }

  get overrunningCount(): number {
    return this.overrunning.size;
  }

  /**
   * Runs a claimed job (its global slots, if any, are held under `key`); `claimedAt` is when
   * the claim was sent (`performance.now()`), from which its lease deadline counts.
   */
  start(key: string, job: JobRecord, claimedAt: number): void {
    const registration = this.deps.registry.require(job.type);
    const execution = new JobExecution(job, registration, this.deps.execution, {
      hold: () => this.leases.hold(key),
      resume: () => this.leases.resume(key),
      windowMs: this.leases.holdWindowMs,
    });
    this.attempts.set(key, execution);
    this.leases.track(key, execution.lease, claimedAt);
    this.deps.scope.track(job.type, job.queue, 1);
    this.handlers++;
    void execution.handlerSettled.then(() => {
      this.handlers--;
      this.deps.onFreed();
    });
    const finished = this.finish(key, job, execution);
    this.finishing.add(finished);
    void finished.then(() => this.finishing.delete(finished));
  }

  /** Renews the leases of running attempts in one round trip, aborting those found lost. */
  renewLeases(): Promise<void> {
    return this.leases.renew();
  }

  /** Aborts the running attempts of a job (it was deleted in this process). */
  abortJob(jobId: string, reason: DocketError): void {
    for (const execution of this.attempts.values()) {
      if (execution.lease.jobId === jobId) execution.abort(reason);
    }
  }

  /**
   * The attempts of `jobId` lost their lease to a write of this process (an outcome a caller
   * reported): each reports `job.leaseLost` and its handler is aborted, as after a heartbeat
   * that found the lease gone.
   */
  loseJobLease(jobId: string): void {
    for (const execution of this.attempts.values()) {
      if (execution.lease.jobId === jobId) {
        execution.loseLease(new LeaseLostError({ jobId, jobType: execution.jobType }));
      }
    }
  }

  /** Aborts every running attempt with `reason`; returns their leases. */
  abortAttempts(reason: DocketError): JobLease[] {
    const attempts = [...this.attempts.values()];
    for (const execution of attempts) execution.abort(reason);
    return attempts.map((execution) => execution.lease);
  }

  /** True when every invocation freed its slots within `ms`. */
  settledWithin(ms: number): Promise<boolean> {
    return settledWithin([...this.finishing], ms);
  }

  /**
   * The server stopped: no more lease deadlines, and an invocation that settles later does
   * not give its global slots back (the client may be closed): they expire with their lease.
   */
  detach(): void {
    this.detached = true;
    this.leases.clear();
  }

  /** Frees what an invocation holds once its attempt is recorded AND its handler settled. */
  private async finish(key: string, job: JobRecord, execution: JobExecution): Promise<void> {
    await execution.done;
    this.attempts.delete(key);
    this.leases.untrack(key);
    if (execution.handlerRunning) {
      this.overrunning.set(key, execution);
      await this.overrun(job, execution);
      this.overrunning.delete(key);
    }
    this.deps.scope.track(job.type, job.queue, -1);
    if (!this.detached) await this.deps.globalSlots.release(key, job.fence);
    this.deps.onFreed();
  }

  /** Reports an overrunning invocation, and waits for its handler to settle. */
  private async overrun(job: JobRecord, execution: JobExecution): Promise<void> {
    const { events, serverId } = this.deps.execution;
    const event = {
      jobId: job._id,
      jobType: job.type,
      queue: job.queue,
      attempt: job.attempt,
      serverId,
    };
    const reason = execution.overrunReason;
    const since = performance.now();
    this.deps.logger.warn(
      `job ${job._id} (${job.type}, attempt ${job.attempt}) ended (${reason}) but its handler ignores its signal: it keeps its concurrency slots until it settles`,
    );
    events.emit('job.overrunning', { ...event, reason });
    await execution.handlerSettled;
    const overrunMs = Math.round(performance.now() - since);
    this.deps.logger.info(
      `the overrunning handler of job ${job._id} settled after ${overrunMs} ms`,
    );
    events.emit('job.overrunEnded', { ...event, overrunMs });
  }

  /** A lease the heartbeat found gone, or whose local deadline passed: stop its handler. */
  private onLeaseLost(key: string, loss: LeaseLoss): void {
    const execution = this.attempts.get(key);
    if (!execution) return;
    const details = { jobId: execution.lease.jobId, jobType: execution.jobType };
    if (loss === 'expired') {
      this.deps.logger.warn(
        `job ${details.jobId}: no lease renewal confirmed within ${this.deps.leaseMs - this.leases.marginMs} ms; its handler is stopped before another server may take the job over`,
      );
    }
    execution.loseLease(
      loss === 'deleted' ? new JobDeletedError(details) : new LeaseLostError(details),
    );
  }
}
