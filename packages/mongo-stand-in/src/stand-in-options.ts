import { StandInOptionsError } from './stand-in-options.error';

/** Options of {@link startStandIn}. */
export interface StandInOptions {
  /**
   * TCP port to listen on; `0` picks a free one.
   * @defaultValue `0`
   */
  port?: number;
  /**
   * Interface to listen on. Only the loopback interface is allowed: the stand-in has no
   * authentication and is meant for tests and samples on one machine.
   * @defaultValue `'127.0.0.1'`
   */
  host?: '127.0.0.1';
  /**
   * How often expired documents of TTL indexes are deleted, like mongod's TTL monitor
   * (`ttlMonitorSleepSecs`, 60 s). Tests may shorten it.
   * @defaultValue `60000`
   */
  ttlMonitorIntervalMs?: number;
  /**
   * How long a cursor opened outside any session may stay idle before the stand-in closes
   * it, as mongod's `cursorTimeoutMillis` (10 minutes). Tests may shorten it.
   * @defaultValue `600000`
   */
  cursorTimeoutMs?: number;
  /**
   * How long a logical session may go unused before the stand-in ends it and closes its
   * cursors, as mongod's `localLogicalSessionTimeoutMinutes` (30 minutes). `hello` still
   * reports 30 minutes to drivers. Tests may shorten it.
   * @defaultValue `1800000`
   */
  sessionTimeoutMs?: number;
  /**
   * How long a multi-document transaction (replica-set mode) may stay open before the
   * stand-in aborts it, as mongod's `transactionLifetimeLimitSeconds` (60 s): its later
   * commands, commit included, then fail with 251 NoSuchTransaction. Tests may shorten it.
   * @defaultValue `60000`
   */
  transactionLifetimeLimitMs?: number;
  /**
   * The name of a replica set to present as its only member, the primary: drivers then see
   * what production runs (cluster time, sessions, retryable writes) and the URI names the
   * set. Unset, the stand-in is a standalone server.
   * @defaultValue `undefined` (standalone)
   */
  replicaSet?: string;
}

/** {@link StandInOptions} with every default applied, validated and frozen. */
export interface ResolvedStandInOptions {
  readonly port: number;
  readonly host: '127.0.0.1';
  readonly ttlMonitorIntervalMs: number;
  readonly cursorTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly transactionLifetimeLimitMs: number;
  readonly replicaSet: string | undefined;
}

const DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  ttlMonitorIntervalMs: 60_000,
  cursorTimeoutMs: 600_000,
  sessionTimeoutMs: 1_800_000,
  transactionLifetimeLimitMs: 60_000,
  replicaSet: undefined,
} as const satisfies ResolvedStandInOptions;

/** Smallest interval or timeout accepted (a tighter loop would only burn CPU). */
const MIN_TIMER_MS = 10;
/** Largest delay Node timers support. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * Applies defaults and validates.
 * @throws StandInOptionsError naming the option, what is allowed and what was given.
 */
export function resolveStandInOptions(options: StandInOptions = {}): ResolvedStandInOptions {
  if (options === null || typeof options !== 'object') {
    throw new StandInOptionsError(
      'options',
      `stand-in options must be an object, got ${describe(options)}`,
    );
  }
  const port = options.port ?? DEFAULTS.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new StandInOptionsError(
      'port',
      `stand-in option port must be an integer from 0 to 65535 (0: any free port), got ${describe(port)}`,
    );
  }
  const host = options.host ?? DEFAULTS.host;
  if (host !== '127.0.0.1') {
    throw new StandInOptionsError(
      'host',
      `stand-in option host must be '127.0.0.1' (loopback only), got ${describe(host)}`,
    );
  }
  const ttlMonitorIntervalMs = timerOption(options, 'ttlMonitorIntervalMs');
  const cursorTimeoutMs = timerOption(options, 'cursorTimeoutMs');
  const sessionTimeoutMs = timerOption(options, 'sessionTimeoutMs');
  const transactionLifetimeLimitMs = timerOption(options, 'transactionLifetimeLimitMs');
  const replicaSet = replicaSetOption(options.replicaSet);
  return Object.freeze({
    port,
    host,
    ttlMonitorIntervalMs,
    cursorTimeoutMs,
    sessionTimeoutMs,
    transactionLifetimeLimitMs,
    replicaSet,
  });
}

/** A replica set name mongod accepts: not empty, no `/`, `,` or whitespace, at most 128. */
function replicaSetOption(name: unknown): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || !/^[^/,\s]{1,128}$/.test(name)) {
    throw new StandInOptionsError(
      'replicaSet',
      `stand-in option replicaSet must be a replica set name (1 to 128 characters, no '/', ',' or whitespace), got ${describe(name)}`,
    );
  }
  return name;
}

/** A duration option in milliseconds, defaulted, between the smallest and largest timer delays. */
function timerOption(
  options: StandInOptions,
  name:
    'ttlMonitorIntervalMs' | 'cursorTimeoutMs' | 'sessionTimeoutMs' | 'transactionLifetimeLimitMs',
): number {
  const value = options[name] ?? DEFAULTS[name];
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < MIN_TIMER_MS ||
    value > MAX_TIMER_DELAY_MS
  ) {
    throw new StandInOptionsError(
      name,
      `stand-in option ${name} must be an integer from ${MIN_TIMER_MS} to ` +
        `${MAX_TIMER_DELAY_MS}, got ${describe(value)}`,
    );
  }
  return value;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
