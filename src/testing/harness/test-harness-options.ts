import { randomBytes } from 'node:crypto';
import type { DependencyContainer } from 'tsyringe';
import { createLogger, transports, type Logger } from 'winston';
import { InvalidOptionsError } from '../../errors';
import type { HandlerClass } from '../../handlers';
import {
  checkInteger,
  checkKnownKeys,
  checkPlainObject,
  checkString,
} from '../../options/option-checks';
import type { Clock } from '../../server/clock';
import {
  resolveJobServerOptions,
  type JobServerOptions,
  type ResolvedJobServerOptions,
} from '../../server/job-server-options';
import { ManualClock } from './manual-clock';
import { WAIT_FOR_JOB_DEFAULTS } from './wait-for-job';

/** Options of `createTestHarness`. */
export interface TestHarnessOptions<C extends Clock = ManualClock> {
  /** The app's tsyringe container: handlers resolve their dependencies from it. */
  readonly container: DependencyContainer;
  /**
   * Handler classes the harness runs.
   * @defaultValue every class decorated with `@JobHandler` that has been loaded
   */
  readonly handlers?: readonly HandlerClass[];
  /**
   * Options of the harness's job server, over {@link TEST_SERVER_DEFAULTS} (then Docket's own
   * defaults). Given a `leaseMs` but no `heartbeatIntervalMs`, the heartbeat is a third of it.
   * @defaultValue {@link TEST_SERVER_DEFAULTS}
   */
  readonly server?: JobServerOptions;
  /**
   * The clock Docket reads: a {@link ManualClock} (one with its own `startAt`, or shared by
   * several harnesses) or any other clock, the system clock included. The harness's `clock`
   * has this option's type, so `advance` is typed only where the clock can be moved.
   * @defaultValue a new {@link ManualClock}, at the current time rounded down to the minute
   */
  readonly clock?: C;
  /**
   * The winston logger Docket logs through.
   * @defaultValue a console logger at `warn`, silent unless `DOCKET_TEST_LOGS` is set
   */
  readonly logger?: Logger;
  /**
   * The MongoDB to use (the harness neither starts nor stops it).
   * @defaultValue `startEphemeralMongo()`: `MONGODB_URI`, a server shared by jest's
   *   globalSetup, a `mongod`, or the in-memory stand-in; stopped by `close()` if started
   */
  readonly mongo?: {
    /** Its connection string, e.g. `mongodb://127.0.0.1:27017/?replicaSet=rs0`. */
    readonly uri: string;
  };
  /**
   * The harness's own database, dropped by `close()`.
   * @defaultValue `docket_test_<12 random hex digits>`
   */
  readonly dbName?: string;
  /**
   * Default deadline of `waitForJob` and `drain`, in real ms; integer ≥ 0. It stays under
   * jest's default test timeout (5 s), so that the harness's typed error, which says what
   * was pending, fails the test rather than jest's timeout.
   * @defaultValue `4000`
   */
  readonly timeoutMs?: number;
}

/**
 * Server settings for tests. Short polls, so that work made due by another process (or by a
 * clock that does not report its moves) is claimed within a few ms; a manual clock's moves
 * wake the server at once.
 * A long lease, so that moving a manual clock by minutes or hours while a job runs does not
 * make the recovery sweep take it for abandoned (see {@link ManualClock} on leases).
 */
export const TEST_SERVER_DEFAULTS = {
  /** `JobServerOptions.pollIntervalMs`: an idle server looks for due work every 25 ms. */
  pollIntervalMs: 25,
  /** `JobServerOptions.minPollIntervalMs`: 5 ms. */
  minPollIntervalMs: 5,
  /** `JobServerOptions.recurringPollIntervalMs`: the ticker looks every 25 ms. */
  recurringPollIntervalMs: 25,
  /** `JobServerOptions.queueRefreshIntervalMs`: pauses made elsewhere apply within 100 ms. */
  queueRefreshIntervalMs: 100,
  /** `JobServerOptions.recoveryIntervalMs`: expired leases are swept every second. */
  recoveryIntervalMs: 1_000,
  /** `JobServerOptions.leaseMs`: one hour (see above). */
  leaseMs: 3_600_000,
  /** `JobServerOptions.heartbeatIntervalMs`: 20 minutes, a third of the lease. */
  heartbeatIntervalMs: 1_200_000,
  /** `JobServerOptions.shutdownGraceMs`: `close()` waits 2 s for running jobs. */
  shutdownGraceMs: 2_000,
  /** `JobServerOptions.abortGraceMs`: 200 ms after aborting before releasing. */
  abortGraceMs: 200,
} as const satisfies JobServerOptions;

/** The defaults of {@link TestHarnessOptions}. */
export const TEST_HARNESS_DEFAULTS = {
  /** {@link TestHarnessOptions.timeoutMs}: that of `waitForJob`, 4 seconds. */
  timeoutMs: WAIT_FOR_JOB_DEFAULTS.timeoutMs,
  /** {@link TestHarnessOptions.server}: {@link TEST_SERVER_DEFAULTS}. */
  server: TEST_SERVER_DEFAULTS,
} as const satisfies Pick<TestHarnessOptions, 'timeoutMs' | 'server'>;

/** {@link TestHarnessOptions} checked, with every default applied; frozen. */
export interface ResolvedTestHarnessOptions<C extends Clock> {
  readonly container: DependencyContainer;
  /** undefined: Docket's default (every decorated handler). */
  readonly handlers: readonly HandlerClass[] | undefined;
  readonly server: ResolvedJobServerOptions;
  readonly clock: C;
  readonly logger: Logger;
  /** undefined: start (or reuse) an ephemeral MongoDB. */
  readonly mongoUri: string | undefined;
  readonly dbName: string;
  readonly timeoutMs: number;
}

const OPTION_KEYS = [
  'container',
  'handlers',
  'server',
  'clock',
  'logger',
  'mongo',
  'dbName',
  'timeoutMs',
];

/**
 * Checks the options and applies the defaults, before anything starts (the container,
 * handlers and dbName are checked by `Docket.create`, also before it connects).
 * @throws InvalidOptionsError - naming the option.
 */
export function resolveTestHarnessOptions<C extends Clock>(
  options: TestHarnessOptions<C>,
): ResolvedTestHarnessOptions<C> {
  checkPlainObject('options', options);
  checkKnownKeys('options', options, OPTION_KEYS);
  let mongoUri: string | undefined;
  if (options.mongo !== undefined) {
    checkPlainObject('mongo', options.mongo);
    checkKnownKeys('mongo', options.mongo, ['uri']);
    mongoUri = checkString('mongo.uri', options.mongo.uri, { maxLength: 10_000 });
  }
  return Object.freeze({
    container: options.container,
    handlers: options.handlers,
    server: resolveServer(options.server ?? {}),
    clock: resolveClock(options.clock),
    logger: options.logger ?? quietLogger(),
    mongoUri,
    dbName: options.dbName ?? `docket_test_${randomBytes(6).toString('hex')}`,
    timeoutMs: checkInteger('timeoutMs', options.timeoutMs ?? TEST_HARNESS_DEFAULTS.timeoutMs, {
      min: 0,
      max: 2_147_483_647,
    }),
  });
}

function resolveServer(server: JobServerOptions): ResolvedJobServerOptions {
  checkPlainObject('server', server);
  const heartbeatIntervalMs =
    server.heartbeatIntervalMs ??
    (server.leaseMs === undefined
      ? TEST_SERVER_DEFAULTS.heartbeatIntervalMs
      : Math.max(10, Math.floor(server.leaseMs / 3)));
  return resolveJobServerOptions({ ...TEST_SERVER_DEFAULTS, ...server, heartbeatIntervalMs });
}

function resolveClock<C extends Clock>(clock: C | undefined): C {
  // Without a clock, C is its default, ManualClock (unless a caller names another type
  // argument explicitly, which the TSDoc of createTestHarness warns against).
  if (clock === undefined) return new ManualClock() as unknown as C;
  if (typeof (clock as Clock | null)?.now !== 'function') {
    throw new InvalidOptionsError(`clock must be an object with a now() method`, {
      option: 'clock',
    });
  }
  return clock;
}

/** Warnings and errors on the console, shown only when `DOCKET_TEST_LOGS` is set. */
function quietLogger(): Logger {
  return createLogger({
    level: 'warn',
    transports: [
      new transports.Console({
        silent: !process.env.DOCKET_TEST_LOGS,
        stderrLevels: ['error', 'warn'],
      }),
    ],
  });
}
