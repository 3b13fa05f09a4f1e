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
import type { SlotHolder } from '../storage/mongo/mongo-slot-store';
import type { Clock } from './clock';
import { CompletionBatcher } from './completion-batcher';
import { JobExecution } from './job-execution';

/** Added to a due-time wake-up so that the job is due when the server looks. */
const DUE_WAKE_MARGIN_MS = 3;

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

/** Slots of global concurrency limits (see `MongoSlotStore`). */
export interface SlotStore {
  acquire(scope: string, limit: number, holder: SlotHolder, now: Date): Promise<boolean>;
  release(scope: string, jobId: string, fence: number): Promise<void>;
  extend(
    scopes: readonly string[],
    serverId: string,
    jobIds: readonly string[],
    expiresAt: Date,
  ): Promise<void>;
}

/** What a server needs from the Docket instance that starts it. */
export interface JobServerDeps {
  readonly servers: ServerRegistry;
  readonly slots: SlotStore;
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
  /** Jobs claimed and waiting for their global concurrency slots. */
  private acquiring = 0;
  /** Global scopes found full, left alone until the time given (ms since epoch). */
  private readonly fullUntil = new Map<string, number>();
  /** Global scopes each running execution holds, by lease key. */
  private readonly heldSlots = new Map<string, string[]>();
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
      const free = concurrency - this.running.size - this.acquiring;
      if (free <= 0 || jobTypes.length === 0 || queues.length === 0) {
        // A finishing job, a resumed queue, a global slot coming free, or stop() wakes us.
        await this.wake.sleep(this.untilNextRetry());
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
      jobTypes.some((type) => {
        const options = this.deps.registry.get(type)?.options;
        return options?.concurrency !== undefined || options?.globalConcurrency !== undefined;
      }) ||
      queues.some(
        (queue) =>
          this.options.queueConcurrency[queue] !== undefined ||
          this.options.globalQueueConcurrency[queue] !== undefined,
      );
    return limited || free < MIN_BATCH ? 1 : Math.min(free, this.options.claimBatchSize);
  }

  private execute(job: JobRecord): void {
    const scopes = this.globalScopes(job);
    if (scopes.length === 0) {
      this.run(job, []);
      return;
    }
    this.acquiring++;
    void this.acquireSlots(job, scopes).then((held) => {
      this.acquiring--;
      if (held) this.run(job, held);
      this.wake.wake();
    });
  }

  private run(job: JobRecord, heldScopes: string[]): void {
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
    if (heldScopes.length > 0) this.heldSlots.set(key, heldScopes);
    increment(this.runningByType, job.type, 1);
    increment(this.runningByQueue, job.queue, 1);
    void execution.done.then(async () => {
      this.running.delete(key);
      this.heldSlots.delete(key);
      increment(this.runningByType, job.type, -1);
      increment(this.runningByQueue, job.queue, -1);
      for (const scope of heldScopes) {
        await this.deps.slots
          .release(scope, job._id, job.fence)
          .catch((error: unknown) => this.report(error, `releasing a slot of ${scope} failed`));
        this.fullUntil.delete(scope);
      }
      this.wake.wake();
    });
  }

  /** The global concurrency limits a job is subject to. */
  private globalScopes(job: JobRecord): Array<{ scope: string; limit: number }> {
    const scopes: Array<{ scope: string; limit: number }> = [];
    const typeLimit = this.deps.registry.get(job.type)?.options.globalConcurrency;
    if (typeLimit !== undefined) scopes.push({ scope: `type:${job.type}`, limit: typeLimit });
    const queueLimit = this.options.globalQueueConcurrency[job.queue];
    if (queueLimit !== undefined) scopes.push({ scope: `queue:${job.queue}`, limit: queueLimit });
    return scopes;
  }

  /**
   * Takes the job's global slots; when one is full, gives back what was taken, puts the job
   * back in its queue (the attempt does not count) and leaves that scope alone for a poll
   * interval. Returns the scopes held, or null.
   */
  private async acquireSlots(
    job: JobRecord,
    scopes: Array<{ scope: string; limit: number }>,
  ): Promise<string[] | null> {
    const now = this.deps.clock.now();
    const holder: SlotHolder = {
      jobId: job._id,
      fence: job.fence,
      serverId: this.id,
      expiresAt: new Date(now.getTime() + this.options.leaseMs),
    };
    const held: string[] = [];
    let blocked: string | undefined;
    try {
      for (const { scope, limit } of scopes) {
        if (!(await this.deps.slots.acquire(scope, limit, holder, now))) {
          blocked = scope;
          break;
        }
        held.push(scope);
      }
      if (!blocked) return held;
      this.fullUntil.set(blocked, now.getTime() + this.options.pollIntervalMs);
    } catch (error) {
      this.report(error, `taking a global concurrency slot for job ${job._id} failed`);
    }
    await Promise.all(
      held.map((scope) =>
        this.deps.slots.release(scope, job._id, job.fence).catch(() => undefined),
      ),
    );
    await this.deps.store
      .release(
        [{ jobId: job._id, fence: job.fence }],
        this.id,
        this.deps.clock.now(),
        blocked
          ? `global concurrency limit of ${blocked} reached`
          : 'a global concurrency slot could not be taken',
      )
      .catch((error: unknown) => this.report(error, `giving job ${job._id} back failed`));
    return null;
  }

  /** How long to sleep when nothing is claimable: until a full scope may be tried again. */
  private untilNextRetry(): number {
    const now = this.deps.clock.now().getTime();
    let next = Infinity;
    for (const until of this.fullUntil.values()) next = Math.min(next, until - now);
    return Math.max(0, next);
  }

  private isFull(scope: string): boolean {
    const until = this.fullUntil.get(scope);
    return until !== undefined && until > this.deps.clock.now().getTime();
  }

  /** Job types with handlers whose per-type limit is not reached. */
  private claimableTypes(): string[] {
    return this.deps.registry
      .all()
      .filter(
        (r) =>
          (r.options.concurrency === undefined ||
            (this.runningByType.get(r.jobType) ?? 0) < r.options.concurrency) &&
          !this.isFull(`type:${r.jobType}`),
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
        !this.isFull(`queue:${queue}`) &&
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
      // libuv measures timers from its cached loop time, which can lag the clock by a few
      // ms: a timer set for exactly the due time may fire before the job is due.
      Math.min(delay + DUE_WAKE_MARGIN_MS, 2_147_483_647),
    );
    timer.unref();
    this.nextDueWake = { at, timer };
  }

  /** Extends every running job's lease in one round trip; aborts the jobs whose lease is gone. */
  private async heartbeat(): Promise<void> {
    const executions = [...this.running.values()];
    if (executions.length === 0) return;
    const expiresAt = new Date(this.deps.clock.now().getTime() + this.options.leaseMs);
    const held = [...this.heldSlots.values()].flat();
    const [lost] = await Promise.all([
      this.deps.store.extendLeases(
        executions.map((e) => e.lease),
        expiresAt,
      ),
      this.deps.slots.extend(
        [...new Set(held)],
        this.id,
        executions.map((e) => e.lease.jobId),
        expiresAt,
      ),
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
