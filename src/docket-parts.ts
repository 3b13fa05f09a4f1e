import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { MongoClient, type Db } from 'mongodb';
import type { Logger } from 'winston';
import { DocketError, StorageError } from './errors';
import { EventBus } from './events/event-bus';
import { HandlerRegistry, decoratedHandlerClasses } from './handlers';
import { JobFilters } from './filters';
import { createDefaultLogger } from './logging/create-logger';
import { JobWaits } from './scheduler/job-waits';
import { systemClock, type Clock } from './server/clock';
import type { JobRecord } from './storage/job-record';
import { MongoFinishedJobs } from './storage/mongo/finished-job-watch';
import { MongoJobStore } from './storage/mongo/mongo-job-store';
import { MongoJobLogs } from './storage/mongo/mongo-job-logs';
import { MongoJobArtefacts } from './storage/mongo/mongo-job-artefacts';
import { GridFsArtefactStorage } from './storage/mongo/gridfs-artefact-storage';
import { resolveArtefactOptions, type ResolvedArtefactOptions } from './storage/artefact-options';
import { resolveJobLogOptions, type ResolvedJobLogOptions } from './logging/job-log-options';
import { MongoQueueStore } from './storage/mongo/mongo-queue-store';
import { MongoServerRegistry } from './storage/mongo/mongo-server-registry';
import { MongoSlotStore } from './storage/mongo/mongo-slot-store';
import { MongoKeyStore } from './storage/mongo/mongo-key-store';
import { MongoRateLimitStore } from './storage/mongo/mongo-rate-limit-store';
import { MongoWaitingJobTypes } from './storage/mongo/mongo-waiting-job-types';
import { resolveRetention } from './storage/retention';
import { RecurringJobs } from './recurring';
import { openSchema, resolveSchemaOptions, type SchemaVersion } from './schema';
import {
  checkDocketOptions,
  dbNameFromUri,
  DOCKET_DEFAULTS,
  type DocketOptions,
} from './docket-options';

const DEFAULT_PREFIX = 'docket.';

/** The collaborators of one Docket instance, built by {@link assembleDocketParts}. */
export interface DocketParts {
  readonly options: DocketOptions;
  readonly client: MongoClient;
  readonly db: Db;
  readonly collectionPrefix: string;
  readonly ownsClient: boolean;
  readonly store: MongoJobStore;
  readonly queues: MongoQueueStore;
  readonly servers: MongoServerRegistry;
  readonly slots: MongoSlotStore;
  /** Concurrency keys and distributed locks. */
  readonly keys: MongoKeyStore;
  readonly rateLimits: MongoRateLimitStore;
  readonly waiting: MongoWaitingJobTypes;
  readonly recurring: RecurringJobs;
  /** The pending `waitForJob` calls and the change stream (or poll) they share. */
  readonly waits: JobWaits;
  /** Handlers' log lines, and what is kept of them. */
  readonly logs: MongoJobLogs;
  readonly logOptions: ResolvedJobLogOptions;
  /** Handlers' files, and their limits. */
  readonly artefacts: MongoJobArtefacts;
  readonly artefactOptions: ResolvedArtefactOptions;
  readonly registry: HandlerRegistry;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The job filters of the options and the container. */
  readonly filters: JobFilters;
  /** The largest result a job may store (the `maxResultBytes` option, defaulted). */
  readonly maxResultBytes: number;
  /** The database's schema version once opened (see `openSchema`). */
  readonly schemaVersion: SchemaVersion;
}

/**
 * Checks the options, connects (unless given a client), checks the database's schema version
 * (migrating an older one when allowed) before writing anything, builds the stores and
 * collaborators of a Docket instance, creates their indexes and applies the recurring jobs
 * declared with `@Recurring`. A client it opened is closed again when a step fails.
 * @throws InvalidOptionsError for invalid options (before connecting).
 * @throws SchemaVersionError for a database of a newer major schema version, or an older one
 *   under `schema.onOlder: 'throw'` (nothing written).
 * @throws DuplicateHandlerError when two handlers target one job type.
 * @throws StorageError when MongoDB cannot be reached or the indexes cannot be created.
 */
export async function assembleDocketParts(options: DocketOptions): Promise<DocketParts> {
  checkDocketOptions(options);
  const retention = resolveRetention(options.retention);
  const logOptions = resolveJobLogOptions(options.jobLogs);
  const artefactOptions = resolveArtefactOptions(options.artefacts);
  const registry = HandlerRegistry.build(
    options.container,
    options.handlers ?? decoratedHandlerClasses(),
  );
  const schemaOptions = resolveSchemaOptions(options.schema);
  const logger = options.logger ?? createDefaultLogger();
  const clock = options.clock ?? systemClock;
  const { mongo } = options;
  const ownsClient = !('client' in mongo);
  const client = 'client' in mongo ? mongo.client : new MongoClient(mongo.uri, mongo.clientOptions);
  try {
    if (ownsClient) await client.connect();
    const db: Db = client.db(
      mongo.dbName ?? ('uri' in mongo ? dbNameFromUri(mongo.uri) : undefined) ?? 'docket',
    );
    const collectionPrefix = options.collectionPrefix ?? DEFAULT_PREFIX;
    // Before any index or document is written: a database this code must not use is left as
    // it was found.
    const schema = await openSchema({
      db,
      collectionPrefix,
      options: schemaOptions,
      logger,
      owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    });
    const events = new EventBus(logger);
    const store = new MongoJobStore(db, collectionPrefix, retention, (error) =>
      events.emit('error', {
        error: error instanceof Error ? error : new Error(String(error)),
        context: 'a new-work notice was not written: servers find the job at their next poll',
      }),
    );
    const filters = new JobFilters(options.filters ?? [], options.container);
    filters.watch(events);
    const recurring = new RecurringJobs({
      db,
      collectionPrefix,
      store,
      clock,
      events,
      logger,
      filters,
    });
    const logs = new MongoJobLogs(db, collectionPrefix);
    const keys = new MongoKeyStore(db, collectionPrefix);
    const rateLimits = new MongoRateLimitStore(db, collectionPrefix);
    const gridFs = artefactOptions.storage
      ? undefined
      : new GridFsArtefactStorage(db, `${collectionPrefix}artefacts`);
    const artefacts = new MongoJobArtefacts(
      db,
      collectionPrefix,
      artefactOptions.storage ?? gridFs!,
    );
    await Promise.all([
      store.ensureIndexes(),
      recurring.ensureIndexes(),
      logs.ensureIndexes(),
      rateLimits.ensureIndexes(),
      keys.ensureIndexes(),
      gridFs?.ensureIndexes(),
    ]);
    await recurring.applyDeclared();
    const queues = new MongoQueueStore(db, collectionPrefix);
    const servers = new MongoServerRegistry(db, collectionPrefix);
    const slots = new MongoSlotStore(db, collectionPrefix);
    const waiting = new MongoWaitingJobTypes(db, collectionPrefix);
    const waits = new JobWaits({
      source: new MongoFinishedJobs(db, db.collection<JobRecord>(`${collectionPrefix}jobs`)),
      pollIntervalMs: options.waitPollIntervalMs ?? DOCKET_DEFAULTS.waitPollIntervalMs,
      report: (error, context) =>
        events.emit('error', {
          error: error instanceof Error ? error : new Error(String(error)),
          context: `waitForJob: ${context}`,
        }),
    });
    return {
      options,
      client,
      db,
      collectionPrefix,
      ownsClient,
      store,
      queues,
      servers,
      slots,
      keys,
      rateLimits,
      waiting,
      recurring,
      waits,
      logs,
      logOptions,
      artefacts,
      artefactOptions,
      registry,
      events,
      logger,
      clock,
      filters,
      maxResultBytes: options.maxResultBytes ?? DOCKET_DEFAULTS.maxResultBytes,
      schemaVersion: schema.version,
    };
  } catch (error) {
    if (ownsClient) await client.close().catch(() => undefined);
    if (error instanceof DocketError) throw error;
    throw new StorageError(
      `Could not connect to MongoDB: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
