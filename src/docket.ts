import { MongoClient, type Db } from 'mongodb';
import type { Logger } from 'winston';
import { DocketError, StorageError } from './errors';
import type { DocketEventName, DocketEvents } from './events/docket-events';
import { EventBus } from './events/event-bus';
import { HandlerRegistry, decoratedHandlerClasses } from './handlers';
import { createDefaultLogger } from './logging/create-logger';
import { JobScheduler } from './scheduler/job-scheduler';
import { JOB_SCHEDULER, type IJobScheduler } from './scheduler/job-scheduler.interface';
import { systemClock } from './server/clock';
import { JobServerEngine } from './server/job-server';
import type { JobServer } from './server/job-server.interface';
import { resolveJobServerOptions, type JobServerOptions } from './server/job-server-options';
import type { JobRecord } from './storage/job-record';
import { MongoJobStore } from './storage/mongo/mongo-job-store';
import { MongoQueueStore, type QueueInfo } from './storage/mongo/mongo-queue-store';
import { MongoServerRegistry, type ServerInfo } from './storage/mongo/mongo-server-registry';
import { MongoSlotStore } from './storage/mongo/mongo-slot-store';
import { resolveRetention } from './storage/retention';
import { RecurringJobs } from './recurring';
import { checkQueueName } from './options/option-checks';
import type { Clock } from './server/clock';
import { checkDocketOptions, dbNameFromUri, type DocketOptions } from './docket-options';

const DEFAULT_PREFIX = 'docket.';

/** The collaborators of one Docket instance, built by {@link Docket.create}. */
interface DocketParts {
  readonly options: DocketOptions;
  readonly client: MongoClient;
  readonly db: Db;
  readonly collectionPrefix: string;
  readonly ownsClient: boolean;
  readonly store: MongoJobStore;
  readonly queues: MongoQueueStore;
  readonly servers: MongoServerRegistry;
  readonly slots: MongoSlotStore;
  readonly recurring: RecurringJobs;
  readonly registry: HandlerRegistry;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly clock: Clock;
}

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
  private readonly servers = new Set<JobServerEngine>();
  private closing: Promise<void> | undefined;

  private constructor(private readonly parts: DocketParts) {
    this.scheduler = new JobScheduler(parts.store, parts.recurring, parts.events, parts.clock);
    parts.options.container.registerInstance(JOB_SCHEDULER, this.scheduler);
  }

  /**
   * Connects, creates the indexes, registers handlers and the scheduler, and applies the
   * recurring jobs declared with `@Recurring` (idempotent).
   * @throws InvalidOptionsError for invalid options (before connecting).
   * @throws DuplicateHandlerError when two handlers target one job type.
   * @throws StorageError when MongoDB cannot be reached or the indexes cannot be created.
   */
  static async create(options: DocketOptions): Promise<Docket> {
    checkDocketOptions(options);
    const retention = resolveRetention(options.retention);
    const registry = HandlerRegistry.build(
      options.container,
      options.handlers ?? decoratedHandlerClasses(),
    );
    const logger = options.logger ?? createDefaultLogger();
    const clock = options.clock ?? systemClock;
    const { mongo } = options;
    const ownsClient = !('client' in mongo);
    const client =
      'client' in mongo ? mongo.client : new MongoClient(mongo.uri, mongo.clientOptions);
    try {
      if (ownsClient) await client.connect();
      const db: Db = client.db(
        mongo.dbName ?? ('uri' in mongo ? dbNameFromUri(mongo.uri) : undefined) ?? 'docket',
      );
      const collectionPrefix = options.collectionPrefix ?? DEFAULT_PREFIX;
      const events = new EventBus(logger);
      const store = new MongoJobStore(db, collectionPrefix, retention);
      const recurring = new RecurringJobs({ db, collectionPrefix, store, clock, events, logger });
      await Promise.all([store.ensureIndexes(), recurring.ensureIndexes()]);
      await recurring.applyDeclared();
      const queues = new MongoQueueStore(db, collectionPrefix);
      const servers = new MongoServerRegistry(db, collectionPrefix);
      const slots = new MongoSlotStore(db, collectionPrefix);
      return new Docket({
        options,
        client,
        db,
        collectionPrefix,
        ownsClient,
        store,
        queues,
        servers,
        slots,
        recurring,
        registry,
        events,
        logger,
        clock,
      });
    } catch (error) {
      if (ownsClient) await client.close().catch(() => undefined);
      if (error instanceof DocketError) throw error;
      throw new StorageError(
        `Could not connect to MongoDB: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Starts a job server in this process (several may run, e.g. one per queue group).
   * @throws InvalidOptionsError for invalid options.
   */
  async startServer(options?: JobServerOptions): Promise<JobServer> {
    const resolved = resolveJobServerOptions(options);
    if (this.closing) throw new StorageError('Docket is closed: cannot start a server');
    const { store, queues, servers, slots, recurring, registry, events, logger, clock } =
      this.parts;
    const server = new JobServerEngine(resolved, {
      store,
      servers,
      slots,
      queueStates: queues,
      recurring,
      registry,
      container: this.parts.options.container,
      events,
      logger,
      clock,
    });
    this.servers.add(server);
    await server.start();
    return server;
  }

  /** Listens to a Docket event; returns a function that removes the listener. */
  on<K extends DocketEventName>(
    event: K,
    listener: (payload: DocketEvents[K]) => unknown,
  ): () => void {
    return this.parts.events.on(event, listener);
  }

  /** Reads a job as stored (state, attempts, history, error, progress), or null. */
  getJob(jobId: string): Promise<JobRecord | null> {
    return this.parts.store.findById(jobId);
  }

  /**
   * Pauses a queue: no server claims from it until it is resumed; running jobs finish.
   * Servers in this process stop at once, others at their next `queueRefreshIntervalMs`.
   * Resolves false when it was paused already.
   * @throws InvalidOptionsError for an invalid queue name.
   */
  async pauseQueue(queue: string): Promise<boolean> {
    checkQueueName('queue', queue);
    const changed = await this.parts.queues.setPaused(queue, true, this.parts.clock.now());
    this.parts.events.emit('queue.paused', { queue });
    return changed;
  }

  /** Resumes a paused queue; resolves false when it was not paused. */
  async resumeQueue(queue: string): Promise<boolean> {
    checkQueueName('queue', queue);
    const changed = await this.parts.queues.setPaused(queue, false, this.parts.clock.now());
    this.parts.events.emit('queue.resumed', { queue });
    return changed;
  }

  /** Queues with unfinished jobs or a stored state: paused or not, and counts by state. */
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

  /** The database holding Docket's collections (for tooling such as the dashboard). */
  get database(): Db {
    return this.parts.db;
  }

  /** The prefix of Docket's collection names (`<prefix>jobs`, `<prefix>recurring`, ...). */
  get collectionPrefix(): string {
    return this.parts.collectionPrefix;
  }

  /** Job types this instance has handlers for. */
  get jobTypes(): string[] {
    return this.parts.registry.jobTypes();
  }

  /**
   * Stops every server gracefully, then closes the MongoDB client if Docket opened it.
   * Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async doClose(): Promise<void> {
    const failures: unknown[] = [];
    await Promise.all(
      [...this.servers].map((server) =>
        server.stop().catch((error: unknown) => failures.push(error)),
      ),
    );
    if (this.parts.ownsClient) {
      await this.parts.client.close().catch((error: unknown) => failures.push(error));
    }
    for (const error of failures) {
      this.parts.events.emit('error', {
        error: error instanceof Error ? error : new Error(String(error)),
        context: 'closing Docket',
      });
    }
  }
}
