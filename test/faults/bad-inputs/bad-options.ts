/**
 * Options that must be refused, each wrong in one way: enqueue, schedule (`when`), recurring,
 * server and Docket options.
 */
import fc from 'fast-check';
import {
  hostileObject,
  invalidInteger,
  invalidQueueName,
  invalidQueueNameText,
  invalidString,
  invalidTimeZone,
  labelled,
  notAString,
  notPlainObject,
  unknownKey,
  type Arb,
} from './values';

const MAX_MS = 2_147_483_647;
const ENQUEUE_KEYS = ['queue', 'priority', 'maxAttempts', 'timeoutMs', 'uniqueKey'];
const RECURRING_KEYS = [
  'queue',
  'priority',
  'maxAttempts',
  'timeoutMs',
  'timeZone',
  'missedRunPolicy',
];
const SERVER_KEYS = [
  'queues',
  'concurrency',
  'pollIntervalMs',
  'minPollIntervalMs',
  'leaseMs',
  'heartbeatIntervalMs',
  'recoveryIntervalMs',
  'shutdownGraceMs',
  'abortGraceMs',
  'queueRefreshIntervalMs',
  'recurringPollIntervalMs',
  'claimBatchSize',
  'queueConcurrency',
  'globalQueueConcurrency',
  'queueRateLimits',
  'recurring',
  'serverId',
];

/** Values but null, for options that read null as "not given" (server, recurring). */
export const nonNull = (arb: Arb): Arb => arb.filter((value) => value !== null);

const invalidEnqueueField: Arb = fc.oneof(
  invalidQueueName.map((queue) => ({ queue })),
  invalidInteger(-1000, 1000).map((priority) => ({ priority })),
  invalidInteger(1, 1000).map((maxAttempts) => ({ maxAttempts })),
  invalidInteger(1, MAX_MS).map((timeoutMs) => ({ timeoutMs })),
);

export const invalidEnqueueOptions: Arb<{ value: unknown; input: string }> = labelled(
  fc.oneof(
    invalidEnqueueField,
    invalidString({ maxLength: 500 }).map((uniqueKey) => ({ uniqueKey })),
    unknownKey(ENQUEUE_KEYS).map((key) => ({ [key]: 1 })),
    notPlainObject,
    hostileObject('queue'),
  ),
);

export const invalidWhen: Arb<{ value: unknown; input: string }> = labelled(
  fc.oneof(
    notPlainObject,
    fc.constant({}),
    fc.constant({ at: undefined, delayMs: undefined }),
    fc.record({ at: fc.date({ noInvalidDate: true }), delayMs: fc.nat(1_000) }).map((both) => both),
    fc
      .oneof(
        fc.constant(new Date(NaN)),
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        fc.integer(),
        fc.constant(null),
      )
      .map((at) => ({ at })),
    invalidInteger(0, 10 * 365 * 24 * 3_600_000).map((delayMs) => ({ delayMs })),
    unknownKey(['at', 'delayMs']).map((key) => ({ [key]: 1, delayMs: 10 })),
    hostileObject('delayMs'),
  ),
);

export const invalidRecurringOptions: Arb<{ value: unknown; input: string }> = labelled(
  fc.oneof(
    invalidTimeZone.map((timeZone) => ({ timeZone })),
    fc
      .oneof(
        fc.string({ maxLength: 10 }).filter((p) => p !== 'runOnce' && p !== 'skip'),
        notAString,
      )
      .map((missedRunPolicy) => ({ missedRunPolicy })),
    invalidEnqueueField,
    unknownKey(RECURRING_KEYS).map((key) => ({ [key]: 1 })),
    fc.constant({ uniqueKey: 'one-per-occurrence' }),
    // Recurring options read null as "not given" (enqueue options do not).
    nonNull(notPlainObject),
    hostileObject('timeZone'),
  ),
);

export const invalidServerOptions: Arb<{ value: unknown; input: string }> = labelled(
  fc.oneof(
    nonNull(invalidInteger(1, 10_000)).map((concurrency) => ({ concurrency })),
    nonNull(invalidInteger(10, MAX_MS)).map((pollIntervalMs) => ({ pollIntervalMs })),
    fc.constant({ pollIntervalMs: 100, minPollIntervalMs: 200 }),
    nonNull(invalidInteger(100, MAX_MS)).map((leaseMs) => ({ leaseMs })),
    fc.integer({ min: 501, max: 1_000 }).map((h) => ({ leaseMs: 1_000, heartbeatIntervalMs: h })),
    nonNull(invalidInteger(1, 1_000)).map((claimBatchSize) => ({ claimBatchSize })),
    nonNull(invalidInteger(0, MAX_MS)).map((shutdownGraceMs) => ({ shutdownGraceMs })),
    fc
      .oneof(
        fc.constant([]),
        fc.string({ maxLength: 5 }),
        fc.array(nonNull(invalidQueueName), { minLength: 1, maxLength: 2 }),
      )
      .map((queues) => ({ queues })),
    invalidQueueNameText.map((queue) => ({ queueConcurrency: { [queue]: 1 } })),
    nonNull(invalidInteger(1, 100_000)).map((limit) => ({ globalQueueConcurrency: { q: limit } })),
    invalidInteger(1, 10_000).map((max) => ({
      queueRateLimits: { q: { max, intervalMs: 1_000 } },
    })),
    invalidInteger(1, 86_400_000).map((intervalMs) => ({
      queueRateLimits: { q: { max: 1, intervalMs } },
    })),
    notPlainObject.map((limit) => ({ queueRateLimits: { q: limit } })),
    nonNull(notAString)
      .filter((value) => typeof value !== 'boolean')
      .map((recurring) => ({ recurring })),
    nonNull(invalidString({ maxLength: 200 })).map((serverId) => ({ serverId })),
    unknownKey(SERVER_KEYS).map((key) => ({ [key]: 1 })),
    notPlainObject,
  ),
);

export const invalidDocketOptions: Arb<{ value: Record<string, unknown>; input: string }> =
  labelled(
    fc.oneof(
      fc
        .oneof(
          notAString,
          fc.string({ minLength: 65, maxLength: 80 }),
          fc.constantFrom('a b', 'jobs/', '$x.', 'ü.', 'a\u0000'),
        )
        .map((collectionPrefix) => ({ collectionPrefix })),
      unknownKey([
        'mongo',
        'container',
        'collectionPrefix',
        'handlers',
        'logger',
        'clock',
        'retention',
      ]).map((key) => ({ [key]: 1 })),
      fc
        .oneof(
          notAString,
          fc.constant(''),
          fc.string({ minLength: 64, maxLength: 70 }),
          fc.constantFrom('a/b', 'a.b', 'a b', 'a$b', 'a"b', 'a*b'),
        )
        .map((dbName) => ({ 'mongo.dbName': dbName })),
      fc
        .oneof(notPlainObject, fc.constant({ uri: 'http://localhost' }))
        .map((mongo) => ({ mongo })),
      fc.oneof(notPlainObject, fc.constant({})).map((container) => ({ container })),
      fc.oneof(fc.string(), fc.integer(), fc.constant({})).map((handlers) => ({ handlers })),
    ),
  );
