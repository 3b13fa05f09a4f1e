import { InvalidOptionsError } from '../errors/invalid-options.error';
import { MissingPeerDependencyError } from '../errors/missing-peer-dependency.error';
import { startMongodFromMemoryServer } from './mongod-memory-server';
import { requireOptional } from './optional-peer';

/** The package holding Docket's in-memory MongoDB stand-in. */
const STAND_IN_PACKAGE = '@docket/mongo-stand-in';

/** Which kind of server {@link startEphemeralMongo} handed out. */
export type EphemeralMongoKind = 'external' | 'mongod' | 'stand-in';

/** A running MongoDB and how to reach it. */
export interface EphemeralMongo {
  /** Connection string for the official driver. */
  readonly uri: string;
  /** `external` (MONGODB_URI or a server shared by a parent process), `mongod`, or `stand-in`. */
  readonly kind: EphemeralMongoKind;
  /** Why this kind was chosen (for `stand-in`: why no `mongod` could be had). */
  readonly reason: string;
  /** Stops the server if this call started it; leaves external and shared servers alone. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startEphemeralMongo}. */
export interface EphemeralMongoOptions {
  /**
   * Environment to read `MONGODB_URI` and the shared-server variables from.
   * @defaultValue `process.env`
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Which kinds may be used. `auto` tries MONGODB_URI, then `mongod`, then the stand-in;
   * `stand-in` skips the `mongod` attempt.
   * @defaultValue `'auto'`
   */
  prefer?: 'auto' | 'stand-in';
  /**
   * Announce the stand-in on stderr when it is chosen (once per process).
   * @defaultValue `true`
   */
  announce?: boolean;
  /**
   * What to start when a server is started: a one-member replica set (what production runs:
   * cluster time, retryable writes, change streams, transactions), whose URI names the set,
   * or a standalone, for tests of how an application behaves on one. Ignored for
   * `MONGODB_URI` and shared servers, which are what they are.
   * @defaultValue `'replica-set'`
   */
  topology?: EphemeralMongoTopology;
  /**
   * How often a started server deletes the expired documents of TTL indexes, so that tests
   * of expiry need not wait a minute: the stand-in's `ttlMonitorIntervalMs`, or for a
   * `mongod` its `ttlMonitorSleepSecs` parameter (whole seconds, rounded up). Ignored for
   * `MONGODB_URI` and shared servers, whose settings are their own.
   * @defaultValue `60000`, as on mongod
   */
  ttlMonitorIntervalMs?: number;
}

/** The kinds of deployment {@link startEphemeralMongo} can start. */
export type EphemeralMongoTopology = 'standalone' | 'replica-set';

/** The replica set name of a started one-member set. */
const REPLICA_SET_NAME = 'docket';

/**
 * Variables through which a process that owns a server (jest's globalSetup, a sample that
 * spawns workers) shares it with its children, so that they neither start their own nor
 * repeat a failed `mongod` attempt.
 */
export const SHARED_MONGO_ENV = {
  uri: 'DOCKET_SHARED_MONGO_URI',
  kind: 'DOCKET_SHARED_MONGO_KIND',
  mongodUnavailable: 'DOCKET_MONGOD_UNAVAILABLE',
} as const;

let mongodUnavailableReason: string | undefined;

let announced = false;

/**
 * Gives a running MongoDB and its connection string, in this order:
 * 1. `MONGODB_URI` set: that server (`external`);
 * 2. a server shared by a parent process through `DOCKET_SHARED_MONGO_URI` (its kind in
 *    `DOCKET_SHARED_MONGO_KIND`);
 * 3. `mongodb-memory-server`: a real `mongod` (`mongod`), when its binary is cached or can be
 *    downloaded; an unreachable download host is detected in milliseconds and remembered;
 * 4. otherwise Docket's in-memory stand-in (`stand-in`), announced once on stderr.
 *
 * The stand-in exists for tests and samples only; production uses a real MongoDB. Both
 * `mongodb-memory-server` and the stand-in (`@docket/mongo-stand-in`) are optional peer
 * dependencies: install one of them as a dev dependency, or set `MONGODB_URI`.
 * @throws MissingPeerDependencyError when neither a server nor a package to start one is
 *   available; its message says what to install.
 */
export async function startEphemeralMongo(
  options: EphemeralMongoOptions = {},
): Promise<EphemeralMongo> {
  const env = options.env ?? process.env;
  const external = env.MONGODB_URI;
  if (external) {
    return { uri: external, kind: 'external', reason: 'MONGODB_URI is set', stop: noop };
  }
  const shared = env[SHARED_MONGO_ENV.uri];
  if (shared) {
    const kind = parseKind(env[SHARED_MONGO_ENV.kind]);
    return { uri: shared, kind, reason: 'shared by the parent process', stop: noop };
  }

  const topology = options.topology ?? 'replica-set';
  const ttlMonitorIntervalMs = ttlMonitorInterval(options.ttlMonitorIntervalMs);
  let reason = 'the stand-in was requested';
  if ((options.prefer ?? 'auto') === 'auto') {
    const mongod = await tryMongod(env, topology, ttlMonitorIntervalMs);
    if (typeof mongod !== 'string') return mongod;
    reason = mongod;
  }
  const server = await startStandInServer(reason, topology, ttlMonitorIntervalMs);
  if (options.announce !== false && !announced) {
    announced = true;
    process.stderr.write(
      `docket: using the in-memory MongoDB stand-in (tests and samples only) at ${server.uri}: ${reason}\n`,
    );
  }
  return { uri: server.uri, kind: 'stand-in', reason, stop: once(() => server.stop()) };
}

/** Starts a real mongod through mongodb-memory-server, or says why it cannot. */
async function tryMongod(
  env: NodeJS.ProcessEnv,
  topology: EphemeralMongoTopology,
  ttlMonitorIntervalMs: number | undefined,
): Promise<EphemeralMongo | string> {
  const known = mongodUnavailableReason ?? env[SHARED_MONGO_ENV.mongodUnavailable];
  if (known) return known;
  const started = await startMongodFromMemoryServer({
    replicaSet: topology === 'replica-set' ? REPLICA_SET_NAME : undefined,
    ttlMonitorSleepSecs:
      ttlMonitorIntervalMs === undefined ? undefined : Math.ceil(ttlMonitorIntervalMs / 1000),
  });
  if ('kind' in started) return remember(started.reason);
  return { uri: started.uri, kind: 'mongod', reason: started.reason, stop: once(started.stop) };
}

function remember(reason: string): string {
  mongodUnavailableReason = reason;
  return reason;
}

/** The stand-in package's entry point, as far as this module uses it. */
interface StandInModule {
  startStandIn(options?: {
    replicaSet?: string;
    ttlMonitorIntervalMs?: number;
  }): Promise<{ readonly uri: string; stop(): Promise<void> }>;
}

/**
 * Starts the stand-in from its own package (an optional peer dependency, so that
 * production installs never carry it).
 * @throws MissingPeerDependencyError when the package is not installed.
 */
async function startStandInServer(
  mongodReason: string,
  topology: EphemeralMongoTopology,
  ttlMonitorIntervalMs: number | undefined,
): Promise<{ readonly uri: string; stop(): Promise<void> }> {
  const standIn = requireOptional<StandInModule>(STAND_IN_PACKAGE);
  if (!standIn) {
    throw new MissingPeerDependencyError(
      `startEphemeralMongo() found no MongoDB: MONGODB_URI is not set, ${mongodReason}, and ` +
        `${STAND_IN_PACKAGE} is not installed. Install one of them as a dev dependency ` +
        `(npm install --save-dev ${STAND_IN_PACKAGE}, or npm install --save-dev mongodb-memory-server), ` +
        'or set MONGODB_URI to a running server.',
      [STAND_IN_PACKAGE, 'mongodb-memory-server'],
    );
  }
  return standIn.startStandIn({
    ...(topology === 'replica-set' ? { replicaSet: REPLICA_SET_NAME } : {}),
    ...(ttlMonitorIntervalMs === undefined ? {} : { ttlMonitorIntervalMs }),
  });
}

/** Shortest TTL interval accepted, the stand-in's (a tighter loop would only burn CPU). */
const MIN_TTL_MONITOR_INTERVAL_MS = 10;
/** Longest, the largest delay Node timers support. */
const MAX_TTL_MONITOR_INTERVAL_MS = 2_147_483_647;

/**
 * Checks `ttlMonitorIntervalMs` before any server starts, with one rule for both kinds.
 * @throws InvalidOptionsError when it is not an integer in range.
 */
function ttlMonitorInterval(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < MIN_TTL_MONITOR_INTERVAL_MS ||
    value > MAX_TTL_MONITOR_INTERVAL_MS
  ) {
    throw new InvalidOptionsError(
      `ttlMonitorIntervalMs must be an integer from ${MIN_TTL_MONITOR_INTERVAL_MS} to ` +
        `${MAX_TTL_MONITOR_INTERVAL_MS}, got ${String(value)}`,
      { option: 'ttlMonitorIntervalMs' },
    );
  }
  return value;
}

function parseKind(value: string | undefined): EphemeralMongoKind {
  return value === 'mongod' || value === 'stand-in' ? value : 'external';
}

function once(action: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => (pending ??= action());
}

async function noop(): Promise<void> {}
