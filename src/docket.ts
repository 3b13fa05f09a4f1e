import { MongoClient, type Db } from 'mongodb';
import type { Logger } from 'winston';
import { StorageError } from './errors';
import type { DocketEventName, DocketEvents } from './events/docket-events';
import { EventBus } from './events/event-bus';
import { HandlerRegistry, decoratedHandlerClasses } from './handlers';
import { createDefaultLogger } from './logging/create-logger';
import { JobScheduler } from './scheduler/job-scheduler';
import { JOB_SCHEDULER, type IJobScheduler } from './scheduler/job-scheduler.interface';
import { systemClock } from './server/clock';
import { JobServer } from './server/job-server';
import { resolveJobServerOptions, type JobServerOptions } from './server/job-server-options';
import type { JobRecord } from './storage/job-record';
import { MongoJobStore } from './storage/mongo/mongo-job-store';
import { checkDocketOptions, dbNameFromUri, type DocketOptions } from './docket-options';

const DEFAULT_PREFIX = 'docket.';

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
  private readonly servers = new Set<JobServer>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly options: DocketOptions,
    private readonly client: MongoClient,
    private readonly ownsClient: boolean,
    private readonly store: MongoJobStore,
    private readonly registry: HandlerRegistry,
    private readonly events: EventBus,
    private readonly logger: Logger,
  ) {
    this.scheduler = new JobScheduler(store, events, options.clock ?? systemClock);
    options.container.registerInstance(JOB_SCHEDULER, this.scheduler);
  }

  /**
   * Connects, creates the indexes and registers handlers and the scheduler.
   * @throws InvalidOptionsError for invalid options (before connecting).
   * @throws DuplicateHandlerError when two handlers target one job type.
   * @throws StorageError when MongoDB cannot be reached or the indexes cannot be created.
   */
  static async create(options: DocketOptions): Promise<Docket> {
    checkDocketOptions(options);
    const registry = HandlerRegistry.build(options.container, options.handlers ?? decoratedHandlerClasses());
    const logger = options.logger ?? createDefaultLogger();
    const { mongo } = options;
    const ownsClient = !('client' in mongo);
    const client = 'client' in mongo ? mongo.client : new MongoClient(mongo.uri, mongo.clientOptions);
    try {
      if (ownsClient) await client.connect();
      const db: Db = client.db(
        mongo.dbName ?? ('uri' in mongo ? dbNameFromUri(mongo.uri) : undefined) ?? 'docket',
      );
      const store = new MongoJobStore(db, options.collectionPrefix ?? DEFAULT_PREFIX);
      await store.ensureIndexes();
      return new Docket(options, client, ownsClient, store, registry, new EventBus(logger), logger);
    } catch (error) {
      if (ownsClient) await client.close().catch(() => undefined);
      if (error instanceof StorageError) throw error;
      throw new StorageError(`Could not connect to MongoDB: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /**
   * Starts a job server in this process (several may run, e.g. one per queue group).
   * @throws InvalidOptionsError for invalid options.
   */
  async startServer(options?: JobServerOptions): Promise<JobServer> {
    const resolved = resolveJobServerOptions(options);
    if (this.closing) throw new StorageError('Docket is closed: cannot start a server');
    const server = new JobServer(resolved, {
      store: this.store,
      registry: this.registry,
      container: this.options.container,
      events: this.events,
      logger: this.logger,
      clock: this.options.clock ?? systemClock,
    });
    this.servers.add(server);
    await server.start();
    return server;
  }

  /** Listens to a Docket event; returns a function that removes the listener. */
  on<K extends DocketEventName>(event: K, listener: (payload: DocketEvents[K]) => unknown): () => void {
    return this.events.on(event, listener);
  }

  /** Reads a job as stored (state, attempts, history, error, progress), or null. */
  getJob(jobId: string): Promise<JobRecord | null> {
    return this.store.findById(jobId);
  }

  /** Job types this instance has handlers for. */
  get jobTypes(): string[] {
    return this.registry.jobTypes();
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
    await Promise.all([...this.servers].map((server) => server.stop().catch((error: unknown) => failures.push(error))));
    if (this.ownsClient) await this.client.close().catch((error: unknown) => failures.push(error));
    for (const error of failures) {
      this.events.emit('error', { error: error instanceof Error ? error : new Error(String(error)), context: 'closing Docket' });
    }
  }
}
