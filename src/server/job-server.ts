import { hostname } from 'node:os';
import type { DependencyContainer } from 'tsyringe';
import type { Logger } from 'winston';
import { JobDeletedError, LeaseLostError } from '../errors';
import { ServerStoppingError } from '../errors/server-stopping.error';
import type { EventBus } from '../events/event-bus';
import type { HandlerRegistry } from '../handlers';
import type { JobRecord } from '../storage/job-record';
import type { RecurringJobs } from '../recurring';
import { releaseContinuations } from '../scheduler/release-continuations';
import type { JobLease, JobStore } from '../storage/job-store';
import type { ServerRecord } from '../storage/mongo/mongo-server-registry';
import type { Clock } from './clock';
import { CompletionBatcher } from './completion-batcher';
import { JobExecution } from './job-execution';

/** Fewer free slots than this: claim one job at a time, even while busy. */
const MIN_BATCH = 4;
import type { ResolvedJobServerOptions } from './job-server-options';
import { WakeSignal } from './wake-signal';

/** Where a server reads which queues are paused. */
export interface QueueStateSource {
  pausedQueues(): Promise<Set<string>>;
}

/** Where a server announces itself (liveness for operators and the dashboard). */
export interface ServerRegistry {
  announce(record: ServerRecord): Promise<void>;
  remove(serverId: string): Promise<void>;
}

/** What a server needs from the Docket instance that starts it. */
export interface JobServerDeps {
  readonly servers: ServerRegistry;
  readonly store: JobStore;
  readonly queueStates: QueueStateSource;
  /** Recurring jobs, whose ticker the server runs unless `options.recurring` is false. */
  readonly recurring?: RecurringJobs;
  readonly registry: HandlerRegistry;
  readonly container: DependencyContainer;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly clock: Clock;
}

/**
 * Claims due jobs of its queues and job types, runs them under its concurrency limits,
 * keeps their leases alive, re-enqueues jobs of dead servers, and stops gracefully.
 */
export class JobServer {
  private readonly running = new Map<string, JobExecution>();
  private readonly runningByType = new Map<string, number>();
  private readonly runningByQueue = new Map<string, number>();
  private paused = new Set<string>();
  private readonly wake = new WakeSignal();
  private readonly cleanups: Array<{ name: string; run: () => void | Promise<void> }> = [];
  private readonly logger: Logger;
  private stopping = false;
  private starting: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private nextDueWake: { at: number; timer: NodeJS.Timeout } | undefined;
  private readonly outcomes: CompletionBatcher;

  constructor(
    readonly options: ResolvedJobServerOptions,
    private readonly deps: JobServerDeps,
  ) {
    this.logger = deps.logger.child({ serverId: options.serverId });
    this.outcomes = new CompletionBatcher(deps.store);
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

  private async doStart(): Promise<void> {
    const { events } = this.deps;
    this.acquire('event listeners', [
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
    ]);
    const startedAt = this.deps.clock.now();
    const announce = () =>
      this.deps.servers.announce({
        _id: this.id,
        hostname: hostname(),
        pid: process.pid,
        queues: [...this.options.queues],
        concurrency: this.options.concurrency,
        startedAt,
        heartbeatAt: this.deps.clock.now(),
        running: this.running.size,
      });
    await announce();
    this.cleanups.push({
      name: 'server registration',
      run: () => this.deps.servers.remove(this.id),
    });
    this.every('heartbeat', this.options.heartbeatIntervalMs, async () => {
      await Promise.all([this.heartbeat(), announce()]);
    });
    this.every('recovery', this.options.recoveryIntervalMs, () => this.recover());
    this.every('queue refresh', this.options.queueRefreshIntervalMs, () => this.refreshPaused());
    await this.refreshPaused();
    if (this.options.recurring && this.deps.recurring) {
      const ticker = this.deps.recurring.createTicker({
        serverId: this.id,
        pollIntervalMs: this.options.recurringPollIntervalMs,
      });
      ticker.start();
      this.cleanups.push({ name: 'recurring ticker', run: () => ticker.stop() });
    }
    this.acquire('due-time wake', [() => clearTimeout(this.nextDueWake?.timer)]);
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
    const waitFor = (promises: Array<Promise<void>>, ms: number) => settledWithin(promises, ms);
    if (
      !(await waitFor(
        [...this.running.values()].map((e) => e.done),
        shutdownGraceMs,
      ))
    ) {
      const abandoned = [...this.running.values()];
      for (const execution of abandoned) execution.abort(new ServerStoppingError(this.id));
      await waitFor(
        abandoned.map((e) => e.handlerSettled),
        abortGraceMs,
      );
      // Fenced: a job whose outcome was recorded meanwhile is not touched.
      await this.step('release unfinished jobs', async () => {
        const leases = abandoned.map((execution) => execution.lease);
        const released = await this.deps.store.release(leases, this.id, this.deps.clock.now());
        if (released > 0)
          this.logger.warn(`released ${released} unfinished job(s) to other servers`);
      });
    }
    for (const cleanup of this.cleanups.reverse()) await this.step(cleanup.name, cleanup.run);
    this.logger.info('server stopped');
  }

  private async claimLoop(): Promise<void> {
    const { minPollIntervalMs, pollIntervalMs, concurrency } = this.options;
    let idleDelay = minPollIntervalMs;
    let busy = false;
    while (!this.stopping) {
      const jobTypes = this.claimableTypes();
      const queues = this.claimableQueues();
      const free = concurrency - this.running.size;
      if (free <= 0 || jobTypes.length === 0 || queues.length === 0) {
        // A finishing job, a resumed queue or stop() wakes us.
        await this.wake.sleep(Infinity);
        continue;
      }
      let jobs: JobRecord[];
      try {
        jobs = await this.claim(
          queues,
          jobTypes,
          busy ? this.batchSize(free, jobTypes, queues) : 1,
        );
      } catch (error) {
        this.report(error, 'claiming failed');
        await this.wake.sleep(pollIntervalMs);
        continue;
      }
      busy = jobs.length > 0;
      if (busy) {
        idleDelay = minPollIntervalMs;
        for (const job of jobs) this.execute(job);
        continue;
      }
      await this.wake.sleep(idleDelay);
      idleDelay = Math.min(idleDelay * 2, pollIntervalMs);
    }
  }

  /**
   * One job with one `findOneAndUpdate` at low load; a batch (three round trips whatever its
   * size) while work flows.
   */
  private async claim(queues: string[], jobTypes: string[], limit: number): Promise<JobRecord[]> {
    const request = {
      queues,
      jobTypes,
      serverId: this.id,
      leaseMs: this.options.leaseMs,
      now: this.deps.clock.now(),
    };
    if (limit <= 1) {
      const job = await this.deps.store.claim(request);
      return job ? [job] : [];
    }
    return this.deps.store.claimBatch(request, limit);
  }

  /**
   * How many jobs a batch claim may take: the free slots, capped by `claimBatchSize`; 1 when a
   * per-type or per-queue limit applies (a batch could overshoot it).
   */
  private batchSize(free: number, jobTypes: string[], queues: string[]): number {
    const limited =
      jobTypes.some((type) => this.deps.registry.get(type)?.options.concurrency !== undefined) ||
      queues.some((queue) => this.options.queueConcurrency[queue] !== undefined);
    return limited || free < MIN_BATCH ? 1 : Math.min(free, this.options.claimBatchSize);
  }

  private execute(job: JobRecord): void {
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
    const key = leaseKey(execution.lease);
    this.running.set(key, execution);
    increment(this.runningByType, job.type, 1);
    increment(this.runningByQueue, job.queue, 1);
    void execution.done.then(() => {
      this.running.delete(key);
      increment(this.runningByType, job.type, -1);
      increment(this.runningByQueue, job.queue, -1);
      this.wake.wake();
    });
  }

  /** Job types with handlers whose per-type limit is not reached. */
  private claimableTypes(): string[] {
    return this.deps.registry
      .all()
      .filter(
        (r) =>
          r.options.concurrency === undefined ||
          (this.runningByType.get(r.jobType) ?? 0) < r.options.concurrency,
      )
      .map((r) => r.jobType);
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
    if (watch) this.cleanups.push({ name: 'change stream', run: () => watch.close() });
  }

  /** Queues in this server's order that are not paused and under their per-queue limit. */
  private claimableQueues(): string[] {
    const limits = this.options.queueConcurrency;
    return this.options.queues.filter(
      (queue) =>
        !this.paused.has(queue) &&
        (limits[queue] === undefined || (this.runningByQueue.get(queue) ?? 0) < limits[queue]),
    );
  }

  private setPaused(queue: string, paused: boolean): void {
    if (paused) this.paused.add(queue);
    else this.paused.delete(queue);
    this.wake.wake();
  }

  private async refreshPaused(): Promise<void> {
    const paused = await this.deps.queueStates.pausedQueues();
    const changed =
      paused.size !== this.paused.size || [...paused].some((queue) => !this.paused.has(queue));
    this.paused = paused;
    if (changed) this.wake.wake();
  }

  /** A job enqueued in this process: claim now if it is due, or wake up when it will be. */
  private onEnqueued(queue: string, jobType: string, dueAt: Date): void {
    if (this.stopping || !this.options.queues.includes(queue) || !this.deps.registry.get(jobType))
      return;
    const at = dueAt.getTime();
    const delay = at - this.deps.clock.now().getTime();
    if (delay <= 0) {
      this.wake.wake();
      return;
    }
    if (
      delay > this.options.pollIntervalMs * 2 ** 20 ||
      (this.nextDueWake && this.nextDueWake.at <= at)
    )
      return;
    if (this.nextDueWake) clearTimeout(this.nextDueWake.timer);
    const timer = setTimeout(
      () => {
        this.nextDueWake = undefined;
        this.wake.wake();
      },
      Math.min(delay, 2_147_483_647),
    );
    timer.unref();
    this.nextDueWake = { at, timer };
  }

  /** Extends every running job's lease in one round trip; aborts the jobs whose lease is gone. */
  private async heartbeat(): Promise<void> {
    const executions = [...this.running.values()];
    if (executions.length === 0) return;
    const expiresAt = new Date(this.deps.clock.now().getTime() + this.options.leaseMs);
    const lost = await this.deps.store.extendLeases(
      executions.map((e) => e.lease),
      expiresAt,
    );
    for (const lease of lost) {
      const execution = this.running.get(leaseKey(lease));
      if (!execution) continue;
      const details = { jobId: lease.jobId, jobType: execution.jobType };
      execution.abort(
        lease.state === 'deleted' ? new JobDeletedError(details) : new LeaseLostError(details),
      );
    }
  }

  /** Re-enqueues jobs of dead workers, and resolves continuations a dead worker left behind. */
  private async recover(): Promise<void> {
    const { store, events, clock } = this.deps;
    const recovered = await store.recoverExpired(clock.now());
    if (recovered > 0) {
      this.logger.warn(`re-enqueued ${recovered} job(s) whose worker stopped renewing its lease`);
      this.wake.wake();
    }
    for (const parent of await store.findUnresolvedParents(100)) {
      await releaseContinuations(store, events, parent._id, parent.state, clock.now());
    }
  }

  /** Runs `task` every `ms` without overlapping itself; stops at `stop()`. */
  private every(name: string, ms: number, task: () => Promise<void>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      task()
        .catch((error: unknown) => this.report(error, `${name} failed`))
        .finally(() => (busy = false));
    }, ms);
    this.acquire(`${name} timer`, [() => clearInterval(timer)]);
  }

  private acquire(name: string, releasers: Array<() => void>): void {
    this.cleanups.push({ name, run: () => releasers.forEach((release) => release()) });
  }

  private async step(name: string, run: () => void | Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.report(error, `stopping: ${name} failed`);
    }
  }

  private report(error: unknown, context: string): void {
    this.deps.events.emit('error', {
      error: error instanceof Error ? error : new Error(String(error)),
      context: `${context} (server ${this.id})`,
    });
  }
}

/** True when every promise settled within `ms`. */
async function settledWithin(promises: Array<Promise<void>>, ms: number): Promise<boolean> {
  if (promises.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = Promise.all(promises).then(() => true);
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

function leaseKey(lease: JobLease): string {
  return `${lease.jobId}#${lease.fence}`;
}
