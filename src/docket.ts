import type { Readable } from 'node:stream';
import type { Db } from 'mongodb';
import { DocketClosedError, UnknownQueueError } from './errors';
import type { DocketEventName, DocketEvents } from './events/docket-events';
import { checkHandlerDependencies } from './handlers';
import { JobScheduler } from './scheduler/job-scheduler';
import type { BatchPage, ListBatchesOptions } from './batches/batch-verbs';
import { JOB_SCHEDULER, type IJobScheduler } from './scheduler/job-scheduler.interface';
import { JobServerEngine } from './server/job-server';
import { checkIsolation } from './isolation';
import type { JobServer } from './server/job-server.interface';
import { resolveJobServerOptions, type JobServerOptions } from './server/job-server-options';
import type { JobRecord } from './storage/job-record';
import type { ArtefactInfo } from './storage/artefacts';
import type { JobLogPage } from './storage/job-logs';
import type { QueueInfo } from './storage/mongo/mongo-queue-store';
import type { ServerInfo } from './storage/mongo/mongo-server-registry';
import type { RateLimitInfo } from './storage/rate-limit-store';
import type { WaitingJobType } from './storage/waiting-job-types';
import {
  checkInteger,
  checkJobId,
  checkKnownKeys,
  checkPlainObject,
  checkQueueName,
  checkString,
} from './options/option-checks';
import {
  resolveQueueStateOptions,
  type DocketOptions,
  type QueueStateOptions,
} from './docket-options';
import { assembleDocketParts, type DocketParts } from './docket-parts';
import { readSchemaStatus, type SchemaStatus } from './schema/schema-status';
import {
  openJobEventStream,
  resolveJobEventStreamOptions,
  type JobEventStream,
  type JobEventStreamOptions,
} from './job-events';
import type { DistributedLocks } from './locks';
import {
  activeRegistry,
  createJobScheduler,
  createJobServer,
  createLocks,
  jobEventStreamDeps,
} from './docket-wiring';
import { shutDownDocket } from './docket-shutdown';

/**
 * Docket in one object: it connects to MongoDB, creates the indexes, registers the
 * handlers and {@link JOB_SCHEDULER} in the caller's container, and starts job servers.
 *
 * ```ts
 * const docket = await Docket.create({ mongo: { uri }, container });
 * await docket.startServer({ queues: ['default'], concurrency: 20 });
 * const scheduler = container.resolve(JOB_SCHEDULER);
 * ```
 */
export class Docket {
  /** The scheduler also registered in the container under {@link JOB_SCHEDULER}. */
  readonly scheduler: IJobScheduler;
  /**
   * Distributed locks for application code: exclusive across every process sharing the
   * database, under a lease, with fencing tokens (see `DistributedLocks`, and "Distributed
   * locks" in docs/guides/jobs-and-handlers.md).
   */
  readonly locks: DistributedLocks;
  private readonly servers = new Set<JobServerEngine>();
  private readonly jobScheduler: JobScheduler;
  /** The job event streams open, closed by `close()` before the client. */
  private readonly eventStreams = new Set<JobEventStream>();
  private closing: Promise<void> | undefined;
  /** Set once `close()` has stopped the servers, before the client closes. */
  private closed = false;

  private constructor(private readonly parts: DocketParts) {
    const checkOpen = (operation: string): void => this.checkOpen(operation);
    this.scheduler = this.jobScheduler = createJobScheduler(parts, checkOpen);
    parts.options.container.registerInstance(JOB_SCHEDULER, this.scheduler);
    this.locks = createLocks(parts, checkOpen);
  }

  /**
   * Connects, creates the indexes, registers handlers and the scheduler, and applies the
   * recurring jobs declared with `@Recurring` (idempotent).
   * @throws InvalidOptionsError for invalid options (before connecting).
   * @throws DuplicateHandlerError when two handlers target one job type.
   * @throws StorageError when MongoDB cannot be reached or the indexes cannot be created.
   */
  static async create(options: DocketOptions): Promise<Docket> {
    return new Docket(await assembleDocketParts(options));
  }

  /**
   * Starts a job server in this process (several may run, e.g. one per queue group). Before
   * it claims anything, it checks that the container can resolve every handler's constructor
   * parameters (without constructing them).
   *
   * `ExecuteCommandJobHandler` is among the default handlers only when the container has a
   * `COMMAND_BUS` by then (`CommandBus.register`, before or after `Docket.create`); listed in
   * `handlers` explicitly, it needs one like any dependency.
   * @throws DocketClosedError once `close()` was called.
   * @throws InvalidOptionsError for invalid options, or (`option: 'isolation.bootstrap'`) when
   *   handlers ask for `'thread'` or `'process'` isolation and no bootstrap module is given.
   * @throws UnresolvableDependencyError when a handler's constructor needs a token the
   *   container does not provide, or a class it cannot construct.
   * @throws ServerStartError when a step of the start failed (its `cause` says why, e.g. a
   *   `StorageError`); nothing of the server keeps running.
   */
  async startServer(options?: JobServerOptions): Promise<JobServer> {
    if (this.closing) throw new DocketClosedError('startServer');
    const resolved = resolveJobServerOptions(options);
    const { container } = this.parts.options;
    const registry = activeRegistry(this.parts);
    checkHandlerDependencies(container, registry.all());
    checkIsolation(resolved.isolation, registry.all());
    const server = createJobServer(this.parts, resolved, registry);
    this.servers.add(server);
    try {
      await server.start();
    } catch (error) {
      // A failed start released what it had acquired: close() has nothing to stop.
      this.servers.delete(server);
      throw error;
    }
    return server;
  }

  /** Listens to a Docket event; returns a function that removes the listener. */
  on<K extends DocketEventName>(
    event: K,
    listener: (payload: DocketEvents[K]) => unknown,
  ): () => void {
    return this.parts.events.on(event, listener);
  }

  /**
   * Opens a stream of the lifecycle events of jobs written by any process sharing the
   * database (enqueued, started, progress, retried, succeeded, failed...): no server needs to
   * run here. On a replica set or sharded cluster it follows the jobs collection's change
   * stream; on a standalone it reads the jobs' histories every `pollIntervalMs`. Neither
   * writes anything. It resolves once the stream is armed: every event written from then on
   * is delivered (or, with `after`, every event after that position). `close()` closes it.
   * See the production guide, section "Events across processes".
   * @throws DocketClosedError once `close()` was called.
   * @throws InvalidOptionsError for invalid options (an unknown event name, an empty filter,
   *   a position that no stream gave or that belongs to the other kind of deployment).
   * @throws StorageError when the deployment cannot be asked.
   */
  async jobEvents(options?: JobEventStreamOptions): Promise<JobEventStream> {
    this.checkOpen('jobEvents');
    const resolved = resolveJobEventStreamOptions(options);
    const stream = await openJobEventStream(
      jobEventStreamDeps(this.parts, (closed) => this.eventStreams.delete(closed)),
      resolved,
    );
    if (this.closing) {
      await stream.close();
      throw new DocketClosedError('jobEvents');
    }
    this.eventStreams.add(stream);
    return stream;
  }

  /**
   * Reads a job as stored (state, attempts, history, error, progress), or null.
   * @throws InvalidOptionsError when `jobId` is not a non-empty string (a query operator
   *   from an untyped caller would otherwise match any job).
   */
  async getJob<TResult = unknown>(jobId: string): Promise<JobRecord<TResult> | null> {
    const job = await this.parts.store.findById(checkJobId('jobId', jobId));
    return job as JobRecord<TResult> | null;
  }

  /**
   * Reads a page of the lines a job's handlers logged through `JobContext.logger`, in the
   * order they were logged, over all attempts (each line says its attempt). Lines are kept
   * per the `jobLogs` option, and removed some time after their job.
   * @param page - `after`: the `seq` of the first line to read (default 0, the start; pass
   *   the previous page's `next` to go on, or the last line's `seq` + 1 to follow new lines);
   *   `limit`: lines per page (1..1000, default 100).
   * @throws InvalidOptionsError for an invalid id or page.
   */
  async getJobLogs(
    jobId: string,
    page: { after?: number; limit?: number } = {},
  ): Promise<JobLogPage> {
    checkPlainObject('page', page);
    checkKnownKeys('page', page, ['after', 'limit']);
    return this.parts.logs.read(
      checkJobId('jobId', jobId),
      checkInteger('page.after', page.after ?? 0, { min: 0 }),
      checkInteger('page.limit', page.limit ?? 100, { min: 1, max: 1_000 }),
    );
  }

  /**
   * Opens a file a job's handler stored through `JobContext.artefacts` (by name; the job's
   * artefacts are listed in `getJob(id).artefacts`): its entry and a stream of its bytes, or
   * null when the job or the name is unknown.
   * @throws InvalidOptionsError for an invalid id or name.
   */
  async openArtefact(
    jobId: string,
    name: string,
  ): Promise<{
    /** The artefact's entry: name, size, content type, when it was stored. */
    info: ArtefactInfo;
    /** Its bytes. */
    stream: Readable;
  } | null> {
    checkString('name', name, { maxLength: 255 });
    const { artefacts } = this.parts;
    const info = await artefacts.find(checkJobId('jobId', jobId), name);
    return info && { info, stream: artefacts.storage.read({ jobId, id: info.id }) };
  }

  /**
   * Pauses a queue: no server claims from it until it is resumed; running jobs finish.
   * Servers in this process stop at once, others at their next `queueRefreshIntervalMs`.
   *
   * A name that no job, server, recurring job or stored queue state uses is refused as a
   * likely typo (which would pause nothing while the real queue keeps running); to pause a
   * queue ahead of time, before anything uses it, pass `{ allowUnknown: true }`.
   * @returns true when the queue was paused now, false when it was paused already.
   * @throws InvalidOptionsError for an invalid queue name or options.
   * @throws UnknownQueueError for an unknown queue without `allowUnknown`.
   * @throws DocketClosedError after `close()`.
   */
  async pauseQueue(queue: string, options?: QueueStateOptions): Promise<boolean> {
    return this.setQueuePaused('pauseQueue', queue, true, options);
  }

  /**
   * Resumes a paused queue. An unknown name is refused as in {@link pauseQueue} (a typo
   * would leave the real queue paused); with `{ allowUnknown: true }` it resolves false.
   * @returns true when the queue was resumed now, false when it was not paused.
   * @throws InvalidOptionsError for an invalid queue name or options.
   * @throws UnknownQueueError for an unknown queue without `allowUnknown`.
   * @throws DocketClosedError after `close()`.
   */
  async resumeQueue(queue: string, options?: QueueStateOptions): Promise<boolean> {
    return this.setQueuePaused('resumeQueue', queue, false, options);
  }

  /**
   * Queues with unfinished jobs, a stored state or a server serving them (so an empty queue
   * stays listed while served or paused): paused or not, and counts by state.
   */
  listQueues(): Promise<QueueInfo[]> {
    return this.parts.queues.list();
  }

  /**
   * Servers of every process sharing this database: queues, concurrency, running jobs, and
   * whether their heartbeat is recent (within `staleAfterMs`).
   * @defaultValue staleAfterMs: 30000 (three default heartbeat intervals)
   */
  listServers(staleAfterMs = 30_000): Promise<ServerInfo[]> {
    return this.parts.servers.list(this.parts.clock.now(), staleAfterMs);
  }

  /**
   * Job types whose due jobs wait while no live server (heartbeat within `staleAfterMs`)
   * handles them, with how many wait; sorted by type. Empty when a live server predates the
   * record of handled types (it may handle any).
   * @defaultValue staleAfterMs: 30000, as {@link listServers}
   */
  async listUnhandledJobTypes(staleAfterMs = 30_000): Promise<WaitingJobType[]> {
    const now = this.parts.clock.now();
    const handled = await this.parts.servers.handledJobTypes(now, staleAfterMs);
    return handled === null ? [] : this.parts.waiting.waitingJobTypes([...handled], now);
  }

  /**
   * Batches (`IJobScheduler.createBatch`), newest first, one page at a time: all, those in
   * a state, or those nested in one (`parentBatchId`; `null` for outermost ones only).
   * @throws InvalidOptionsError for invalid options.
   */
  listBatches(options?: ListBatchesOptions): Promise<BatchPage> {
    return this.jobScheduler.listBatches(options);
  }

  /**
   * The rate limits servers have reserved starts under lately (job types' `rateLimit`,
   * servers' `queueRateLimits`), each with its count in the window ending now and, while it
   * is full, when it frees (by the database's clock); sorted by scope, then name. One round
   * trip.
   */
  listRateLimits(): Promise<RateLimitInfo[]> {
    return this.parts.rateLimits.list();
  }

  /**
   * Where the database stands against this code's schema version: its version, the
   * migration steps it has run, those it still lacks, and a migration under way (see the
   * production guide, "Upgrading and schema versions"). One round trip.
   * @throws StorageError when MongoDB fails.
   */
  getSchemaStatus(): Promise<SchemaStatus> {
    return readSchemaStatus(this.parts.db, this.parts.collectionPrefix);
  }

  /** The database holding Docket's collections (for tooling such as the dashboard). */
  get database(): Db {
    return this.parts.db;
  }

  /** The prefix of Docket's collection names (`<prefix>jobs`, `<prefix>recurring`, ...). */
  get collectionPrefix(): string {
    return this.parts.collectionPrefix;
  }

  /** Job types this instance's servers handle (see {@link startServer} for the command job). */
  get jobTypes(): string[] {
    return activeRegistry(this.parts).jobTypes();
  }

  /**
   * Stops every server gracefully, then closes the MongoDB client if Docket opened it.
   * Idempotent: every call returns the same promise.
   * @throws the error of a step that failed (an `AggregateError` of them when several did),
   *   once every step has run; each is also emitted as an `error` event.
   */
  close(): Promise<void> {
    this.closing ??= shutDownDocket({
      parts: this.parts,
      servers: this.servers,
      eventStreams: this.eventStreams,
      onServersStopped: () => {
        this.closed = true;
      },
    });
    return this.closing;
  }

  /** {@link Docket.close} for `await using docket = ...`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @throws DocketClosedError once `close()` has stopped the servers. */
  private checkOpen(operation: string): void {
    if (this.closed) throw new DocketClosedError(operation);
  }

  private async setQueuePaused(
    operation: 'pauseQueue' | 'resumeQueue',
    queue: string,
    paused: boolean,
    options: QueueStateOptions | undefined,
  ): Promise<boolean> {
    this.checkOpen(operation);
    checkQueueName('queue', queue);
    const allowUnknown = resolveQueueStateOptions(options);
    const { queues, clock, events } = this.parts;
    const changed = await queues.setPaused(queue, paused, clock.now(), allowUnknown);
    if (changed === null) throw new UnknownQueueError(queue, operation);
    events.emit(paused ? 'queue.paused' : 'queue.resumed', { queue });
    return changed;
  }
}
