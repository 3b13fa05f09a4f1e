import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DEFAULT_QUEUE } from '../constants';
import { InvalidOptionsError } from '../errors';
import {
  resolveIsolationOptions,
  type IsolationOptions,
  type ResolvedIsolationOptions,
} from '../isolation/isolation-options';
import {
  checkBoolean,
  checkInteger,
  checkKnownKeys,
  checkPlainObject,
  checkQueueName,
  checkString,
} from '../options/option-checks';
import {
  checkRateLimit,
  type RateLimitOptions,
  type ResolvedRateLimit,
} from '../options/rate-limit-options';

/** Options of `Docket.startServer`. */
export interface JobServerOptions {
  /**
   * Queues this server claims from.
   * @defaultValue `['default']`
   */
  queues?: readonly string[];
  /**
   * Jobs this server runs at once.
   * @defaultValue `10`
   */
  concurrency?: number;
  /**
   * Longest wait between claims while idle (ms). Polling starts at `minPollIntervalMs` after
   * each claimed job and doubles while nothing is due, up to this.
   * @defaultValue `1000`
   */
  pollIntervalMs?: number;
  /**
   * Shortest wait between empty claims (ms).
   * @defaultValue `50`
   */
  minPollIntervalMs?: number;
  /**
   * How long a claim holds a job without a heartbeat (ms): after it, another server may take
   * the job over (at-least-once).
   * @defaultValue `30000`
   */
  leaseMs?: number;
  /**
   * Interval of the heartbeat that extends the leases of running jobs in one round trip (ms);
   * must be under half of `leaseMs`.
   * @defaultValue `10000`
   */
  heartbeatIntervalMs?: number;
  /**
   * Interval of the sweep that re-enqueues jobs whose lease expired (ms).
   * @defaultValue `15000`
   */
  recoveryIntervalMs?: number;
  /**
   * How long `stop()` waits for running jobs before aborting their signals (ms).
   * @defaultValue `10000`
   */
  shutdownGraceMs?: number;
  /**
   * How long `stop()` waits after aborting before it releases the jobs still running (ms).
   * @defaultValue `1000`
   */
  abortGraceMs?: number;
  /**
   * Most jobs one batch claim takes (a batch costs one round trip when nothing is due, two
   * when something is, whatever its size; a few jobs just announced in this process are
   * claimed one per `findOneAndUpdate`). 1 turns batch claims off.
   * @defaultValue `50`
   */
  claimBatchSize?: number;
  /**
   * Most jobs of a queue running at once on this server, by queue name (queues not listed
   * are limited only by `concurrency`).
   * @defaultValue `{}`
   */
  queueConcurrency?: Readonly<Record<string, number>>;
  /**
   * Most jobs of a queue running at once across ALL servers, by queue name. Every server
   * serving the queue must be given the same limit. Costs as `globalConcurrency` on a handler:
   * one round trip to take a slot, one to give it back, one per heartbeat while held.
   * @defaultValue `{}`
   */
  globalQueueConcurrency?: Readonly<Record<string, number>>;
  /**
   * Rate limits by queue name: at most `max` jobs of the queue start in any window of
   * `intervalMs` across ALL servers (a sliding window by the database's clock, shared through
   * one document per queue). Every server serving the queue must be given the same limit:
   * each server holds the starts it grants to its own limit, so while servers disagree (a
   * rolling deploy), the fleet stays within the most lenient of them. Jobs over the limit
   * stay enqueued, unclaimed, and no attempt is spent on them.
   * @defaultValue `{}`
   */
  queueRateLimits?: Readonly<Record<string, RateLimitOptions>>;
  /**
   * How often this server re-reads which queues are paused (ms). A pause made in this
   * process applies at once; one made elsewhere within this interval.
   * @defaultValue `5000`
   */
  queueRefreshIntervalMs?: number;
  /**
   * Run the recurring-job ticker on this server (every server may: each occurrence is
   * enqueued exactly once).
   * @defaultValue `true`
   */
  recurring?: boolean;
  /**
   * Longest wait of the recurring ticker between two looks at the definitions (ms): how late
   * a definition added by another process is seen (local changes wake it at once; due
   * occurrences are waited for with a precise timer).
   * @defaultValue `5000`
   */
  recurringPollIntervalMs?: number;
  /**
   * This server's id in leases, history and logs.
   * @defaultValue `<hostname>:<pid>:<random>`
   */
  serverId?: string;
  /**
   * How handlers with `isolation: 'thread'` or `'process'` run: the bootstrap module of
   * their workers, the grace period before a worker that ignores its signal is terminated,
   * and the workers' memory limits. The server keeps up to `concurrency` workers of each
   * kind, started when first needed.
   * @defaultValue `{}` (a handler asking for isolation then fails the server's start)
   */
  isolation?: IsolationOptions;
}

/** {@link JobServerOptions} with every default applied, validated and frozen. */
export type ResolvedJobServerOptions = Readonly<
  Required<Omit<JobServerOptions, 'isolation' | 'queueRateLimits'>> & {
    isolation: ResolvedIsolationOptions;
    queueRateLimits: Readonly<Record<string, ResolvedRateLimit>>;
  }
>;

export const JOB_SERVER_DEFAULTS = {
  queues: [DEFAULT_QUEUE],
  concurrency: 10,
  pollIntervalMs: 1_000,
  minPollIntervalMs: 50,
  leaseMs: 30_000,
  heartbeatIntervalMs: 10_000,
  recoveryIntervalMs: 15_000,
  shutdownGraceMs: 10_000,
  abortGraceMs: 1_000,
  queueRefreshIntervalMs: 5_000,
  recurringPollIntervalMs: 5_000,
  claimBatchSize: 50,
} satisfies Omit<
  ResolvedJobServerOptions,
  | 'serverId'
  | 'queueConcurrency'
  | 'globalQueueConcurrency'
  | 'queueRateLimits'
  | 'recurring'
  | 'isolation'
>;

const MAX_MS = 2_147_483_647;

/** Validates server options once; throws `InvalidOptionsError` naming the option. */
export function resolveJobServerOptions(options: JobServerOptions = {}): ResolvedJobServerOptions {
  checkPlainObject('server options', options);
  checkKnownKeys('server options', options, [
    ...Object.keys(JOB_SERVER_DEFAULTS),
    'serverId',
    'queueConcurrency',
    'globalQueueConcurrency',
    'queueRateLimits',
    'recurring',
    'isolation',
  ]);
  const queues = options.queues ?? JOB_SERVER_DEFAULTS.queues;
  if (!Array.isArray(queues) || queues.length === 0) {
    throw new InvalidOptionsError(`queues must be a non-empty array of queue names`, {
      option: 'queues',
    });
  }
  queues.forEach((queue, i) => checkQueueName(`queues[${i}]`, queue));
  const ms = (name: keyof typeof JOB_SERVER_DEFAULTS, min: number): number =>
    checkInteger(name, options[name] ?? JOB_SERVER_DEFAULTS[name], { min, max: MAX_MS });
  const resolved: ResolvedJobServerOptions = {
    queues: Object.freeze([...new Set(queues)]),
    concurrency: checkInteger(
      'concurrency',
      options.concurrency ?? JOB_SERVER_DEFAULTS.concurrency,
      {
        min: 1,
        max: 10_000,
      },
    ),
    pollIntervalMs: ms('pollIntervalMs', 10),
    minPollIntervalMs: ms('minPollIntervalMs', 1),
    leaseMs: ms('leaseMs', 100),
    heartbeatIntervalMs: ms('heartbeatIntervalMs', 10),
    recoveryIntervalMs: ms('recoveryIntervalMs', 10),
    shutdownGraceMs: ms('shutdownGraceMs', 0),
    abortGraceMs: ms('abortGraceMs', 0),
    queueRefreshIntervalMs: ms('queueRefreshIntervalMs', 10),
    claimBatchSize: checkInteger(
      'claimBatchSize',
      options.claimBatchSize ?? JOB_SERVER_DEFAULTS.claimBatchSize,
      {
        min: 1,
        max: 1_000,
      },
    ),
    recurringPollIntervalMs: ms('recurringPollIntervalMs', 10),
    queueConcurrency: resolveQueueLimits('queueConcurrency', options.queueConcurrency),
    globalQueueConcurrency: resolveQueueLimits(
      'globalQueueConcurrency',
      options.globalQueueConcurrency,
    ),
    queueRateLimits: resolveQueueRateLimits(options.queueRateLimits),
    recurring:
      options.recurring === undefined ? true : checkBoolean('recurring', options.recurring),
    serverId:
      options.serverId === undefined
        ? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
        : checkString('serverId', options.serverId, { maxLength: 200 }),
    isolation: resolveIsolationOptions(options.isolation),
  };
  if (resolved.minPollIntervalMs > resolved.pollIntervalMs) {
    throw new InvalidOptionsError(
      `minPollIntervalMs must be ≤ pollIntervalMs (${resolved.pollIntervalMs}), got ${resolved.minPollIntervalMs}`,
      { option: 'minPollIntervalMs' },
    );
  }
  if (resolved.heartbeatIntervalMs * 2 > resolved.leaseMs) {
    throw new InvalidOptionsError(
      `heartbeatIntervalMs must be at most half of leaseMs (${resolved.leaseMs}), got ${resolved.heartbeatIntervalMs}`,
      { option: 'heartbeatIntervalMs' },
    );
  }
  return Object.freeze(resolved);
}

function resolveQueueLimits(
  name: string,
  value: Readonly<Record<string, number>> | undefined,
): Readonly<Record<string, number>> {
  if (value === undefined) return Object.freeze({});
  checkPlainObject(name, value);
  const resolved: Record<string, number> = {};
  for (const [queue, limit] of Object.entries(value)) {
    checkQueueName(`${name} key`, queue);
    resolved[queue] = checkInteger(`${name}.${queue}`, limit, { min: 1, max: 100_000 });
  }
  return Object.freeze(resolved);
}

function resolveQueueRateLimits(
  value: Readonly<Record<string, RateLimitOptions>> | undefined,
): Readonly<Record<string, ResolvedRateLimit>> {
  if (value === undefined) return Object.freeze({});
  checkPlainObject('queueRateLimits', value);
  const resolved: Record<string, ResolvedRateLimit> = {};
  for (const [queue, limit] of Object.entries(value)) {
    checkQueueName('queueRateLimits key', queue);
    resolved[queue] = checkRateLimit(`queueRateLimits.${queue}`, limit);
  }
  return Object.freeze(resolved);
}
