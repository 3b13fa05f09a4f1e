import type { JobServer } from './job-server.interface';
import { hostname } from 'node:os';
import type { Logger } from 'winston';
import { JobDeletedError, LeaseLostError, ServerStoppingError } from '../errors';
import type { JobRecord } from '../storage/job-record';
import type { JobLease } from '../storage/job-store';
import { Cleanups } from './cleanups';
import { ClaimScope, MIN_BATCH } from './claim-scope';
import { CompletionBatcher } from './completion-batcher';
import { DueWake } from './due-wake';
import { GlobalSlots } from './global-slots';
import { JobExecution } from './job-execution';
import type { JobServerDeps } from './job-server-deps';
import type { ResolvedJobServerOptions } from './job-server-options';
import { PausedQueues } from './paused-queues';
import { recoverAbandonedWork } from './recovery';
import { settledWithin } from './settled-within';
import { UnhandledJobTypes } from './unhandled-job-types';
import { WakeSignal } from './wake-signal';

export type { JobServerDeps, QueueStateSource, ServerRegistry } from './job-server-deps';

/**
 * Claims due jobs of its queues and job types, runs them under its concurrency limits,
 * keeps their leases alive, re-enqueues jobs of dead servers, and stops gracefully.
 */
export class JobServerEngine implements JobServer {
  private readonly running = new Map<string, JobExecution>();
  private readonly paused: PausedQueues;
  private readonly scope: ClaimScope;
  /** Jobs claimed and waiting for their global concurrency slots. */
  private acquiring = 0;
  /** Jobs this process announced as due and not yet claimed (a claim hint, not a count). */
  private localDue = 0;
  /** The claim loop waits for capacity (a finishing job must wake it). */
  private blocked = false;
  private readonly wake = new WakeSignal();
  private readonly dueWake: DueWake;
  private readonly globalSlots: GlobalSlots;
  private readonly cleanups = new Cleanups((error, context) => this.report(error, context));
  private readonly logger: Logger;
  private stopping = false;
  private starting: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private readonly outcomes: CompletionBatcher;
  private readonly unhandled: UnhandledJobTypes;

  constructor(
    readonly options: ResolvedJobServerOptions,
    private readonly deps: JobServerDeps,
  ) {
    this.logger = deps.logger.child({ serverId: options.serverId });
    this.outcomes = new CompletionBatcher(deps.store, options.leaseMs);
    this.paused = new PausedQueues(deps.queueStates);
    this.dueWake = new DueWake(deps.clock, (count) => {
      this.localDue += count;
      this.wake.wake();
    });
    this.globalSlots = new GlobalSlots({
      ...deps,
      serverId: options.serverId,
      leaseMs: options.leaseMs,
      pollIntervalMs: options.pollIntervalMs,
      globalQueueConcurrency: options.globalQueueConcurrency,
      report: (error, context) => this.report(error, context),
    });
    this.scope = new ClaimScope(options, deps.registry, this.paused, this.globalSlots);
    this.unhandled = new UnhandledJobTypes(deps, this.logger, options);
  }

  /** This server's id (in leases, history and logs). */
  get id(): string {
    return this.options.serverId;
  }

  /** How many jobs run on this server now. */
  get runningCount(): number {
    return this.running.size;
  }

  /** Starts claiming. Idempotent. */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  /**
   * Stops claiming, waits up to `shutdownGraceMs` for running jobs, aborts the rest, waits
   * `abortGraceMs`, then releases what still runs so another server takes it at once.
   * Idempotent; awaits an in-flight `start()`.
   */
  stop(): Promise<void> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async doStart(): Promise<void> {
    const { events } = this.deps;
    const listeners = [
      events.on('job.enqueued', (event) =>
        this.onEnqueued(event.queue, event.jobType, event.dueAt),
      ),
      events.on('queue.paused', (event) => this.setPaused(event.queue, true)),
      events.on('queue.resumed', (event) => this.setPaused(event.queue, false)),
      events.on('job.deleted', (event) => {
        if (!event.wasRunning) return;
        for (const execution of this.running.values()) {
          if (execution.lease.jobId === event.jobId)
            execution.abort(new JobDeletedError({ jobId: event.jobId }));
        }
      }),
    ];
    const offClock = this.deps.clock.onChange?.(() => this.wake.wake());
    if (offClock) listeners.push(offClock);
    this.cleanups.add('event listeners', () => listeners.forEach((off) => off()));
    const startedAt = this.deps.clock.now();
    const announce = () =>
      this.deps.servers.announce({
        _id: this.id,
        hostname: hostname(),
        pid: process.pid,
        queues: [...this.options.queues],
        jobTypes: this.deps.registry.jobTypes(),
        concurrency: this.options.concurrency,
        startedAt,
        heartbeatAt: this.deps.clock.now(),
        running: this.running.size,
      });
    await announce();
    this.cleanups.add('server registration', () => this.deps.servers.remove(this.id));
    this.cleanups.every('heartbeat', this.options.heartbeatIntervalMs, async () => {
      await Promise.all([this.heartbeat(), announce()]);
    });
    this.cleanups.every('recovery', this.options.recoveryIntervalMs, () => this.recover());
    this.cleanups.every('queue refresh', this.options.queueRefreshIntervalMs, () =>
      this.refreshPaused(),
    );
    await this.refreshPaused();
    if (this.options.recurring && this.deps.recurring) {
      const ticker = this.deps.recurring.createTicker({
        serverId: this.id,
        pollIntervalMs: this.options.recurringPollIntervalMs,
      });
      ticker.start();
      this.cleanups.add('recurring ticker', () => ticker.stop());
    }
    this.cleanups.add('due-time wake', () => this.dueWake.clear());
    if (this.deps.registry.jobTypes().length === 0) {
      this.logger.warn('no job handlers are registered: this server will claim nothing');
    }
    await this.recover();
    await this.watchForNewWork();
    this.loop = this.claimLoop();
    this.logger.info(
      `server started: queues ${this.options.queues.join(', ')}, concurrency ${this.options.concurrency}`,
    );
  }

  private async doStop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.stopping = true;
    this.wake.wake();
    await this.loop;
    const { shutdownGraceMs, abortGraceMs } = this.options;
    if (
      !(await settledWithin(
        [...this.running.values()].map((e) => e.done),
        shutdownGraceMs,
      ))
    ) {
      const abandoned = [...this.running.values()];
      for (const execution of abandoned) execution.abort(new ServerStoppingError(this.id));
      await settledWithin(
        abandoned.map((e) => e.handlerSettled),
        abortGraceMs,
      );
      // Fenced: a job whose outcome was recorded meanwhile is not touched.
      await this.cleanups.run('release unfinished jobs', async () => {
        const leases = abandoned.map((execution) => execution.lease);
        const released = await this.deps.store.release(
          leases,
          this.id,
          this.deps.clock.now(),
          'released by a stopping server',
        );
        if (released > 0)
          this.logger.warn(`released ${released} unfinished job(s) to other servers`);
      });
    }
    await this.cleanups.runAll();
    this.logger.info('server stopped');
  }

  private async claimLoop(): Promise<void> {
    const { minPollIntervalMs, pollIntervalMs, concurrency } = this.options;
    let idleDelay = minPollIntervalMs;
    while (!this.stopping) {
      const jobTypes = this.scope.jobTypes();
      const queues = this.scope.queues();
      const free = concurrency - this.running.size - this.acquiring;
      if (free <= 0 || jobTypes.length === 0 || queues.length === 0) {
        // A finishing job, a resumed queue, a global slot coming free, or stop() wakes us.
        this.blocked = true;
        await this.wake.sleep(this.globalSlots.untilNextRetry());
        this.blocked = false;
        continue;
      }
      // A few jobs this process just announced: one findOneAndUpdate each. Otherwise a batch
      // claim (one round trip when nothing is due, two when something is) takes whatever waits.
      const batch = !(this.localDue > 0 && this.localDue < MIN_BATCH);
      let jobs: JobRecord[];
      try {
        jobs = await this.claim(
          queues,
          jobTypes,
          batch ? this.scope.batchSize(free, jobTypes, queues) : 1,
        );
      } catch (error) {
        this.report(error, 'claiming failed');
        await this.wake.sleep(pollIntervalMs);
        continue;
      }
      // Jobs this process announced (enqueued here, or due now) explain part of the claim;
      // only a claim that found more than that suggests a backlog worth claiming again at once.
      const announced = Math.min(this.localDue, jobs.length);
      this.localDue = jobs.length === 0 ? 0 : this.localDue - announced;
      const busy = jobs.length > announced;
      for (const job of jobs) this.execute(job);
      if (busy) {
        idleDelay = minPollIntervalMs;
        continue;
      }
      if (this.localDue > 0) continue;
      // Idle, or only the announced jobs: poll again later, backing off (an announcement or a
      // change stream event wakes the loop earlier).
      await this.wake.sleep(idleDelay);
      idleDelay = Math.min(idleDelay * 2, pollIntervalMs);
    }
  }

  /** One job with one `findOneAndUpdate`, or a batch (one or two round trips, see `claimBatch`). */
  private async claim(queues: string[], jobTypes: string[], limit: number): Promise<JobRecord[]> {
    const { leaseMs } = this.options;
    const request = { queues, jobTypes, serverId: this.id, leaseMs, now: this.deps.clock.now() };
    if (limit > 1) return this.deps.store.claimBatch(request, limit);
    const job = await this.deps.store.claim(request);
    return job ? [job] : [];
  }

  private execute(job: JobRecord): void {
    const key = leaseKey({ jobId: job._id, fence: job.fence });
    if (!this.globalSlots.appliesTo(job)) {
      this.run(key, job);
      return;
    }
    this.acquiring++;
    void this.globalSlots.acquire(key, job).then((acquired) => {
      this.acquiring--;
      if (acquired) this.run(key, job);
      else this.wakeIfBlocked();
    });
  }

  private run(key: string, job: JobRecord): void {
    // Even when stop() began while this claim was in flight, the job is ours now: run it, and
    // the graceful stop waits for it or releases it.
    const registration = this.deps.registry.require(job.type);
    const execution = new JobExecution(job, registration, {
      ...this.deps,
      outcomes: this.outcomes,
      logger: this.logger,
      serverId: this.id,
    });
    // Keyed by lease, not job id: a paused attempt and its takeover may both run here.
    this.running.set(key, execution);
    this.scope.track(job.type, job.queue, 1);
    void execution.done.then(async () => {
      this.running.delete(key);
      this.scope.track(job.type, job.queue, -1);
      await this.globalSlots.release(key, job.fence);
      // Only a loop waiting for capacity needs this; an idle loop would claim for nothing.
      this.wakeIfBlocked();
    });
  }

  private wakeIfBlocked(): void {
    if (this.blocked) this.wake.wake();
  }

  /**
   * On a replica set or sharded cluster, a change stream wakes the server as soon as any
   * process enqueues work; on a standalone server, polling (and in-process wake-ups) do.
   */
  private async watchForNewWork(): Promise<void> {
    const watch = await this.deps.store.watchForNewWork(
      this.options.queues,
      () => this.wake.wake(),
      (error) => this.report(error, 'the change stream failed; polling continues'),
    );
    this.logger.info(
      watch
        ? 'change stream open: work enqueued by any process starts at once'
        : `no change streams on this deployment: polling every ${this.options.pollIntervalMs} ms when idle`,
    );
    if (watch) this.cleanups.add('change stream', () => watch.close());
  }

  private setPaused(queue: string, paused: boolean): void {
    this.paused.set(queue, paused);
    this.wake.wake();
  }

  private async refreshPaused(): Promise<void> {
    if (await this.paused.refresh()) this.wake.wake();
  }

  /** A job enqueued in this process: claim now if it is due, or wake up when it will be. */
  private onEnqueued(queue: string, jobType: string, dueAt: Date): void {
    if (this.stopping || !this.options.queues.includes(queue) || !this.deps.registry.get(jobType)) {
      return;
    }
    this.dueWake.at(dueAt);
  }

  /** Extends every running job's lease in one round trip; aborts the jobs whose lease is gone. */
  private async heartbeat(): Promise<void> {
    const executions = [...this.running.values()];
    if (executions.length === 0) return;
    // A duration, not an instant: the database stamps the expiry from its own clock.
    const [lost] = await Promise.all([
      this.deps.store.extendLeases(
        executions.map((e) => e.lease),
        this.options.leaseMs,
      ),
      this.globalSlots.extend(),
    ]);
    for (const lease of lost) {
      const execution = this.running.get(leaseKey(lease));
      if (!execution) continue;
      const details = { jobId: lease.jobId, jobType: execution.jobType };
      execution.abort(
        lease.state === 'deleted' ? new JobDeletedError(details) : new LeaseLostError(details),
      );
    }
  }

  /** The periodic sweep: abandoned work, then job types no live server handles. */
  private async recover(): Promise<void> {
    const { store, events, clock } = this.deps;
    const recovered = await recoverAbandonedWork(store, events, clock);
    if (recovered > 0) {
      this.logger.warn(`re-enqueued ${recovered} job(s) whose worker stopped renewing its lease`);
      this.wake.wake();
    }
    await this.unhandled.check();
  }

  private report(error: unknown, context: string): void {
    this.deps.events.emit('error', {
      error: error instanceof Error ? error : new Error(String(error)),
      context: `${context} (server ${this.id})`,
    });
  }
}

function leaseKey(lease: JobLease): string {
  return `${lease.jobId}#${lease.fence}`;
}
