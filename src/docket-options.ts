import type { MongoClient, MongoClientOptions } from 'mongodb';
import type { DependencyContainer } from 'tsyringe';
import type { Logger } from 'winston';
import { InvalidOptionsError } from './errors';
import type { HandlerClass } from './handlers';
import { checkFilterEntry, type DocketFilterEntry } from './filters';
import {
  checkBoolean,
  checkInteger,
  checkKnownKeys,
  checkPlainObject,
  checkString,
} from './options/option-checks';
import type { Clock } from './server/clock';
import type { RetentionOptions } from './storage/retention';
import type { JobLogOptions } from './logging/job-log-options';
import type { ArtefactOptions } from './storage/artefact-options';
import { resolveSchemaOptions, type SchemaOptions } from './schema/schema-options';

/** Where Docket keeps its collections: a connection string, or a client the caller owns. */
export type DocketMongoOptions =
  | {
      /** Connection string (`mongodb://…`); Docket opens and closes the client. */
      readonly uri: string;
      /** @defaultValue the database named in the URI, else `'docket'` */
      readonly dbName?: string;
      /** Passed to `new MongoClient(uri, clientOptions)`. */
      readonly clientOptions?: MongoClientOptions;
    }
  | {
      /** A connected client the caller owns (Docket never closes it). */
      readonly client: MongoClient;
      /** @defaultValue the client's default database, else `'docket'` */
      readonly dbName?: string;
    };

/** Options of `Docket.create`. */
export interface DocketOptions {
  /** The MongoDB deployment. */
  readonly mongo: DocketMongoOptions;
  /** The caller's tsyringe container: handlers are registered in it, `JOB_SCHEDULER` too. */
  readonly container: DependencyContainer;
  /**
   * Prefix of every collection name, so several apps can share a database.
   * @defaultValue `'docket.'`
   */
  readonly collectionPrefix?: string;
  /**
   * Handler classes this instance runs.
   * @defaultValue every class decorated with `@JobHandler` that has been loaded
   */
  readonly handlers?: readonly HandlerClass[];
  /**
   * The winston logger Docket logs through (a child per server and per job).
   * @defaultValue a console logger at `DOCKET_LOG_LEVEL` (default `info`)
   */
  readonly logger?: Logger;
  /**
   * How long finished jobs are kept (a TTL index deletes them afterwards).
   * @defaultValue succeeded 1 day, failed 14 days, deleted 1 day
   */
  readonly retention?: RetentionOptions;
  /**
   * What is kept of the lines handlers log through `JobContext.logger`: per job, in batches,
   * removed with the job (readable with `Docket.jobLogs`).
   * @defaultValue level `info`, 1,000 lines and 256 KiB per job, written every 500 ms
   */
  readonly jobLogs?: JobLogOptions;
  /**
   * Where the files handlers store through `JobContext.artefacts` go, and their limits.
   * @defaultValue a GridFS bucket `<prefix>artefacts`; 100 MiB per file, 1 GiB per job
   */
  readonly artefacts?: ArtefactOptions;
  /**
   * The largest result a handler may return, as BSON (bytes, 1 KiB to 8 MiB): a larger one
   * fails its attempt with `ResultTooLargeError`.
   * @defaultValue `1048576` (1 MiB)
   */
  readonly maxResultBytes?: number;
  /**
   * Job filters: hooks around enqueue, around attempts and on state changes (see
   * `DocketFilter` for their order and what a failing hook does). A class is constructed by
   * the container; filters registered in the container under `DOCKET_FILTER` run too, after
   * these when their `order` is equal.
   * @defaultValue none
   */
  readonly filters?: readonly DocketFilterEntry[];
  /**
   * How often `waitForJob` looks for finished jobs where no change stream tells it: on a
   * standalone server, and while a failed stream is reopened. One query per interval covers
   * every pending wait of this instance (ms, integer 10..60000).
   * @defaultValue `1000`
   */
  readonly waitPollIntervalMs?: number;
  /**
   * What `Docket.create` does with the database's schema version (see the production guide,
   * "Upgrading and schema versions"): an older database is migrated (`onOlder: 'migrate'`) or
   * refused (`'throw'`); a newer major is always refused with `SchemaVersionError`.
   * @defaultValue `{ onOlder: 'migrate', lockMs: 60000 }`
   */
  readonly schema?: SchemaOptions;
  /**
   * The clock (tests inject one).
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
}

/** The defaults of {@link DocketOptions} given as values. */
export const DOCKET_DEFAULTS = {
  waitPollIntervalMs: 1_000,
  maxResultBytes: 1_048_576,
} as const satisfies Partial<DocketOptions>;

const OPTION_KEYS = [
  'mongo',
  'container',
  'collectionPrefix',
  'handlers',
  'logger',
  'clock',
  'retention',
  'jobLogs',
  'artefacts',
  'maxResultBytes',
  'waitPollIntervalMs',
  'filters',
  'schema',
];
const PREFIX_PATTERN = /^[A-Za-z0-9_.-]*$/;

/** Validates {@link DocketOptions} at the call; throws `InvalidOptionsError` naming the option. */
export function checkDocketOptions(options: DocketOptions): void {
  checkPlainObject('options', options);
  checkKnownKeys('options', options, OPTION_KEYS);
  checkPlainObject('mongo', options.mongo);
  const mongo = options.mongo as Record<string, unknown>;
  if ('client' in mongo) {
    checkKnownKeys('mongo', mongo, ['client', 'dbName']);
    if (typeof (mongo.client as MongoClient | null)?.db !== 'function') {
      throw new InvalidOptionsError('mongo.client must be a MongoClient', {
        option: 'mongo.client',
      });
    }
  } else {
    checkKnownKeys('mongo', mongo, ['uri', 'dbName', 'clientOptions']);
    const uri = checkString('mongo.uri', mongo.uri, { maxLength: 10_000 });
    if (!/^mongodb(\+srv)?:\/\//.test(uri)) {
      throw new InvalidOptionsError(
        `mongo.uri must start with mongodb:// or mongodb+srv://, got ${JSON.stringify(uri.slice(0, 40))}`,
        { option: 'mongo.uri' },
      );
    }
  }
  if (mongo.dbName !== undefined) {
    checkString('mongo.dbName', mongo.dbName, { pattern: /^[^/\\. "$*<>:|?]+$/, maxLength: 63 });
  }
  if (
    typeof (options.container as DependencyContainer | null)?.createChildContainer !== 'function'
  ) {
    throw new InvalidOptionsError('container must be a tsyringe DependencyContainer', {
      option: 'container',
    });
  }
  if (options.collectionPrefix !== undefined) {
    checkString('collectionPrefix', options.collectionPrefix, {
      pattern: PREFIX_PATTERN,
      maxLength: 64,
    });
  }
  if (options.maxResultBytes !== undefined) {
    checkInteger('maxResultBytes', options.maxResultBytes, { min: 1_024, max: 8 * 1_048_576 });
  }
  if (options.waitPollIntervalMs !== undefined) {
    checkInteger('waitPollIntervalMs', options.waitPollIntervalMs, { min: 10, max: 60_000 });
  }
  if (options.filters !== undefined) {
    if (!Array.isArray(options.filters)) {
      throw new InvalidOptionsError('filters must be an array of filters or filter classes', {
        option: 'filters',
      });
    }
    options.filters.forEach((entry, i) => checkFilterEntry(`filters[${i}]`, entry));
  }
  resolveSchemaOptions(options.schema);
  if (options.handlers !== undefined && !Array.isArray(options.handlers)) {
    throw new InvalidOptionsError('handlers must be an array of @JobHandler classes', {
      option: 'handlers',
    });
  }
}

/** The database named in a connection string's path, if any. */
export function dbNameFromUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(uri);
  return match ? decodeURIComponent(match[1]) : undefined;
}

/** Options of `Docket.pauseQueue` and `Docket.resumeQueue`. */
export interface QueueStateOptions {
  /**
   * Accept a queue that no job, server, recurring job or stored queue state names yet.
   * Pausing it stores its paused state ahead of time, so servers started later find it
   * paused; resuming it changes nothing and resolves false. Without it such a name is
   * taken for a typo and refused with `UnknownQueueError`.
   * @defaultValue false
   */
  readonly allowUnknown?: boolean;
}

/** Validates {@link QueueStateOptions}; returns whether unknown queues are accepted. */
export function resolveQueueStateOptions(options: QueueStateOptions | undefined): boolean {
  if (options === undefined) return false;
  checkPlainObject('options', options);
  checkKnownKeys('options', options, ['allowUnknown']);
  return options.allowUnknown === undefined
    ? false
    : checkBoolean('allowUnknown', options.allowUnknown);
}
