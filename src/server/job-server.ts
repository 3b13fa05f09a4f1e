import { BatchCounts } from '../batches/batch-counts';
import type { JobServer } from './job-server.interface';
import type { Logger } from 'winston';
import { ServerStoppingError } from '../errors';
import { ServerStartError } from '../errors/server-start.error';
import { Cleanups } from './cleanups';
import { ClaimLoop } from './claim-loop';
import { ClaimScope, MIN_BATCH } from './claim-scope';
import { CompletionBatcher } from './completion-batcher';
import { DueWake } from './due-wake';
import { IsolatedRunner } from '../isolation';
import { mostVerbose } from '../logging/job-log-options';
import { GlobalSlots } from './global-slots';
import { RateLimits } from './rate-limits';
import type { JobServerDeps } from './job-server-deps';
import type { ResolvedJobServerOptions } from './job-server-options';
import { Invocations } from './invocations';
import { LocallyAnnouncedJobs } from './locally-announced-jobs';
import { listenToLocalJobEvents } from './local-job-events';
import { NewWorkWatch } from './new-work-watch';
import { PausedQueues } from './paused-queues';
import type { PickupMode } from '../storage/server-info';
import { recoverAbandonedWork } from './recovery';
import { ServerRegistration } from './server-registration';
import { ServerHeartbeat } from './server-heartbeat';
import { UnhandledJobTypes } from './unhandled-job-types';

/**
 * How often a server removes the logs and artefacts of jobs that are gone (retention deleted
 * them), a bounded step of each: rarely, so that an idle server's cost stays low (3 commands).
 */
const ATTACHMENT_SWEEP_INTERVAL_MS = 300_000;

export type { JobServerDeps, QueueStateSource, ServerRegistry } from './job-server-deps';

/**
 * Claims due jobs of its queues and job types, runs them under its concurrency limits,
 * keeps their leases alive, re-enqueues jobs of dead servers, and stops gracefully.
 */
export class JobServerEngine implements JobServer {
  private readonly invocations: Invocations;
  private readonly newWork: NewWorkWatch;
  private readonly startedAt: Date;
  private readonly paused: PausedQueues;
  private readonly scope: ClaimScope;
  private readonly claims: ClaimLoop;
  private readonly dueWake: DueWake;
  private readonly announcedJobs = new LocallyAnnouncedJobs();
  private readonly globalSlots: GlobalSlots;
  private readonly cleanups = new Cleanups((error, context) => this.report(error, context));
  private readonly logger: Logger;
  private stopping = false;
  private starting: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private readonly outcomes: CompletionBatcher;
  private readonly unhandled: UnhandledJobTypes;
  private readonly registration: ServerRegistration;
  private readonly heartbeat: ServerHeartbeat;
  /** The workers of isolated handlers, started when first needed. */
  private readonly isolation: IsolatedRunner;

  constructor(
    readonly options: ResolvedJobServerOptions,
    private readonly deps: JobServerDeps,
  ) {
    this.logger = deps.logger.child({ serverId: options.serverId });
    this.outcomes = new CompletionBatcher(deps.store, options.leaseMs);
    this.paused = new PausedQueues(deps.queueStates);
    this.dueWake = new DueWake(deps.clock, (count) => this.claims.announced(count));
    this.globalSlots = new GlobalSlots({
      ...deps,
      serverId: options.serverId,
      leaseMs: options.leaseMs,
      pollIntervalMs: options.pollIntervalMs,
      minPollIntervalMs: options.minPollIntervalMs,
      globalQueueConcurrency: options.globalQueueConcurrency,
      report: (error, context) => this.report(error, context),
    });
    const rateLimits = new RateLimits({
      store: deps.store,
      limits: deps.rateLimits,
      registry: deps.registry,
      clock: deps.clock,
      queueRateLimits: options.queueRateLimits,
      report: (error, context) => this.report(error, context),
    });
    this.scope = new ClaimScope(options, deps.registry, this.paused, this.globalSlots, rateLimits);
    this.unhandled = new UnhandledJobTypes(deps, this.logger, options);
    this.isolation = new IsolatedRunner({
      options: options.isolation,
      size: options.concurrency,
      logLevel: mostVerbose(this.logger.level, deps.logOptions.level),
    });
    this.invocations = new Invocations({
      execution: {
        ...deps,
        outcomes: this.outcomes,
        batchCounts: new BatchCounts(deps),
        logger: this.logger,
        serverId: this.id,
        isolation: this.isolation,
      },
      registry: deps.registry,
      scope: this.scope,
      globalSlots: this.globalSlots,
      leaseMs: options.leaseMs,
      renewTimeoutMs: options.heartbeatIntervalMs,
      logger: this.logger,
      // Only a loop waiting for capacity needs this; an idle loop would claim for nothing.
      onFreed: () => this.claims.wakeIfBlocked(),
    });
    this.claims = new ClaimLoop({
      options,
      store: deps.store,
      clock: deps.clock,
      scope: this.scope,
      servers: deps.servers,
      globalSlots: this.globalSlots,
      rateLimits,
      invocations: this.invocations,
      report: (error, context) => this.report(error, context),
    });
    this.newWork = new NewWorkWatch({
      source: deps.store,
      queues: options.queues,
      // A job this process enqueued was announced already (see onEnqueued). A notice for
      // several jobs (no id) counts as a batch: the claim it wakes goes on while it finds more.
      onWork: (jobId, dueAt) => {
        if (jobId !== undefined && this.announcedJobs.take(jobId)) return;
        if (dueAt === undefined) this.claims.wake();
        else this.dueWake.at(dueAt, jobId === undefined ? MIN_BATCH : 1);
      },
      onMode: (mode, reason) => this.onPickupMode(mode, reason),
      report: (error, context) => this.report(error, context),
      logger: this.logger,
    });
    this.startedAt = deps.clock.now();
    this.registration = new ServerRegistration(deps.servers, {
      id: this.id,
      queues: options.queues,
      concurrency: options.concurrency,
      startedAt: this.startedAt,
      jobTypes: () => deps.registry.jobTypes(),
      now: () => deps.clock.now(),
      state: () => ({
        running: this.invocations.count,
        overrunning: this.invocations.overrunningCount,
        pickup: this.newWork.mode,
      }),
      stopping: () => this.stopping,
    });
    this.heartbeat = new ServerHeartbeat({
      invocations: this.invocations,
      globalSlots: this.globalSlots,
      registration: this.registration,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      report: (error, context) => this.report(error, context),
    });
  }

  /** This server's id (in leases, history and logs). */
  get id(): string {
    return this.options.serverId;
  }

  /** How many handler invocations run on this server now, overrunning ones included. */
  get runningCount(): number {
    return this.invocations.count;
  }

  /** How many invocations overrun: their attempt ended, their handler still runs. */
  get overrunningCount(): number {
    return this.invocations.overrunningCount;
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

  /**
   * Acquires what a running server needs, registering the release of each as it is acquired
   * (Cleanups); when a step fails, releases what was acquired by then and rejects.
   */
  private async doStart(): Promise<void> {
    let step = 'subscribe to events';
    try {
      const unsubscribe = listenToLocalJobEvents({
        ...this.deps,
        queues: this.options.queues,
        invocations: this.invocations,
        claims: this.claims,
        paused: this.paused,
        announcedJobs: this.announcedJobs,
        dueWake: this.dueWake,
        stopping: () => this.stopping,
      });
      this.cleanups.add('event listeners', unsubscribe);
      // Registered first, run last: the workers of isolated handlers still running then
      // (ignoring their signal) are ended once the server let go of their jobs.
      this.cleanups.add('isolated workers', () => this.isolation.close());
      step = 'announce the server';
      // Registered first, released last, after the heartbeat's last refresh has its answer
      // (or a heartbeat interval has passed): heartbeats only refresh an existing entry,
      // and a stopping server writes none anew, so nothing writes the entry back.
      this.cleanups.add('server registration', () =>
        this.registration.remove(this.options.heartbeatIntervalMs),
      );
      await this.registration.announce();
      const { heartbeatIntervalMs, recoveryIntervalMs, queueRefreshIntervalMs, leaseMs } =
        this.options;
      this.cleanups.every('heartbeat', heartbeatIntervalMs, () => this.heartbeat.beat());
      // A sweep that hangs longer than a lease is reported and no longer waited for.
      this.cleanups.every('recovery', recoveryIntervalMs, () => this.recover(), {
        timeoutMs: Math.max(recoveryIntervalMs, leaseMs),
      });
      this.cleanups.every('queue refresh', queueRefreshIntervalMs, () => this.refreshPaused(), {
        timeoutMs: Math.max(queueRefreshIntervalMs, leaseMs),
      });
      this.cleanups.every(
        'attachment sweep',
        ATTACHMENT_SWEEP_INTERVAL_MS,
        () => this.sweepAttachments(),
        { timeoutMs: ATTACHMENT_SWEEP_INTERVAL_MS },
      );
      step = 'read the paused queues';
      await this.refreshPaused();
      if (this.options.recurring && this.deps.recurring) {
        step = 'start the recurring ticker';
        const ticker = this.deps.recurring.createTicker({
          serverId: this.id,
          pollIntervalMs: this.options.recurringPollIntervalMs,
        });
        this.cleanups.add('recurring ticker', () => ticker.stop());
        ticker.start();
      }
      this.cleanups.add('due-time wake', () => this.dueWake.clear());
      if (this.deps.registry.jobTypes().length === 0) {
        this.logger.warn('no job handlers are registered: this server will claim nothing');
      }
      step = 'recover abandoned work';
      await this.recover();
      step = 'open the push channel';
      this.cleanups.add('push channel', () => this.newWork.close());
      const mode = await this.newWork.open();
      this.logger.info(
        mode === 'polling'
          ? `neither change streams nor notices on this deployment: polling every ${this.options.pollIntervalMs} ms when idle`
          : `${mode} open: work created by any process starts at once`,
      );
      this.deps.events.emit('server.pickup', { serverId: this.id, mode });
      // The entry was written before the channel opened, saying `polling`.
      if (mode !== 'polling') await this.registration.refreshNow();
    } catch (error) {
      this.stopping = true;
      await this.cleanups.runAll();
      throw new ServerStartError(this.id, step, error);
    }
    this.claims.start();
    this.logger.info(
      `server started: queues ${this.options.queues.join(', ')}, concurrency ${this.options.concurrency}`,
    );
  }

  /**
   * The push channel failed or came back: says so in an event and, at once rather than at
   * the next heartbeat, in the server's registry entry (the servers page).
   */
  private onPickupMode(mode: PickupMode, reason?: string): void {
    if (this.stopping) return;
    this.deps.events.emit('server.pickup', { serverId: this.id, mode, reason });
    void this.registration
      .refresh(this.options.heartbeatIntervalMs)
      .catch((error: unknown) => this.report(error, 'announcing the pickup mode failed'));
  }

  private async doStop(): Promise<void> {
    const started = await this.starting?.then(
      () => true,
      () => false,
    );
    this.stopping = true;
    // Never started, or a failed start released everything already.
    if (!started) return;
    await this.claims.stop();
    const errors: unknown[] = [];
    const { shutdownGraceMs, abortGraceMs } = this.options;
    if (!(await this.invocations.settledWithin(shutdownGraceMs))) {
      const leases = this.invocations.abortAttempts(new ServerStoppingError(this.id));
      await this.invocations.settledWithin(abortGraceMs);
      // Fenced: a job whose outcome was recorded meanwhile is not touched.
      const failed = await this.cleanups.run('release unfinished jobs', async () => {
        const released = await this.deps.store.release(
          leases,
          this.id,
          this.deps.clock.now(),
          'released by a stopping server',
        );
        if (released > 0)
          this.logger.warn(`released ${released} unfinished job(s) to other servers`);
      });
      if (failed !== undefined) errors.push(failed);
    }
    if (this.runningCount > 0) {
      this.logger.warn(
        `${this.runningCount} handler(s) ignore their signal and still run: their global concurrency slots are left to expire`,
      );
    }
    this.invocations.detach();
    errors.push(...(await this.cleanups.runAll()));
    this.logger.info('server stopped');
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) {
      throw new AggregateError(
        errors,
        `${errors.length} steps of stopping server ${this.id} failed`,
      );
    }
  }

  private async refreshPaused(): Promise<void> {
    if (await this.paused.refresh()) this.claims.wake();
  }

  /** The periodic sweep: abandoned work, then job types no live server handles. */
  private async recover(): Promise<void> {
    const recovered = await recoverAbandonedWork(this.deps, this.options);
    if (recovered > 0) {
      this.logger.warn(`re-enqueued ${recovered} job(s) whose worker stopped renewing its lease`);
      this.claims.wake();
    }
    await this.unhandled.check();
  }

  /** Removes the logs and artefacts of jobs that are gone. */
  private async sweepAttachments(): Promise<void> {
    const logs = await this.deps.logs.sweep();
    const files = await this.deps.artefacts.sweep(this.deps.clock.now());
    if (logs + files > 0) {
      this.logger.debug(`removed the logs of ${logs} job(s) and ${files} artefact file(s)`);
    }
  }

  private report(error: unknown, context: string): void {
    this.deps.events.emit('error', {
      error: error instanceof Error ? error : new Error(String(error)),
      context: `${context} (server ${this.id})`,
    });
  }
}
