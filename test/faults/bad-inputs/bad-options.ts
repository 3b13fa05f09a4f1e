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
  NAME_PATTERN,
  type Arb,
} from './values';

const MAX_MS = 2_147_483_647;
const ENQUEUE_KEYS = [
  'queue',
  'priority',
  'maxAttempts',
  'timeoutMs',
  'uniqueKey',
  'id',
  'onDuplicateId',
  'tags',
  'startWithinMs',
];
const DAY_MS = 86_400_000;
const RECURRING_KEYS = [
  'queue',
  'priority',
  'maxAttempts',
  'timeoutMs',
  'timeZone',
  'missedRunPolicy',
  'overlap',
  'startAt',
  'endAt',
  'repeatLimit',
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

/** Tags that are not a list of 1 to 20 tags of 1 to 100 characters without control characters. */
const invalidJobTags: Arb = fc.oneof(
  notPlainObject.filter((value) => !Array.isArray(value) || value.length === 0),
  fc.constant([]),
  fc.array(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 21, maxLength: 25 }),
  fc
    .oneof(
      notAString,
      fc.constant(''),
      fc.string({ minLength: 101, maxLength: 120 }),
      fc.constant('a\u0000b'),
    )
    .map((tag) => ['ok', tag]),
);

export const invalidEnqueueOptions: Arb<{ value: unknown; input: string }> = labelled(
  fc.oneof(
    invalidEnqueueField,
    invalidString({ maxLength: 500 }).map((uniqueKey) => ({ uniqueKey })),
    invalidString({ maxLength: 200, pattern: NAME_PATTERN }).map((id) => ({ id })),
    fc.constantFrom('a@b', 'job@2026-12-03T10:00:00.000Z').map((id) => ({ id })),
    fc.constant({ onDuplicateId: 'return' }),
    fc
      .oneof(notAString, fc.string({ maxLength: 10 }))
      .filter((policy) => policy !== 'throw' && policy !== 'return')
      .map((onDuplicateId) => ({ id: 'faults-id', onDuplicateId })),
    invalidJobTags.map((tags) => ({ tags })),
    invalidInteger(1, MAX_MS).map((startWithinMs) => ({ startWithinMs })),
    unknownKey(ENQUEUE_KEYS).map((key) => ({ [key]: 1 })),
    notPlainObject,
    hostileObject('queue'),
  ),
);

/** Recurring schedules that are neither a cron expression nor `{ everyMs }` within bounds. */
export const invalidIntervalSchedule: Arb<{ value: unknown; input: string }> = labelled(
  fc.oneof(
    invalidInteger(1_000, 366 * DAY_MS).map((everyMs) => ({ everyMs })),
    fc.constant({}),
    unknownKey(['everyMs']).map((key) => ({ everyMs: 60_000, [key]: 1 })),
    fc.oneof(fc.constant(null), fc.integer(), fc.constant([])),
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
        fc.string({ maxLength: 10 }).filter((p) => !['runOnce', 'skip', 'backfill'].includes(p)),
        notAString,
      )
      .map((missedRunPolicy) => ({ missedRunPolicy })),
    invalidEnqueueField,
    unknownKey(RECURRING_KEYS).map((key) => ({ [key]: 1 })),
    fc.constant({ uniqueKey: 'one-per-occurrence' }),
    fc
      .oneof(notAString, fc.string({ maxLength: 10 }))
      .filter((policy) => policy !== null && !['allow', 'skip', 'queue'].includes(policy as string))
      .map((overlap) => ({ overlap })),
    nonNull(invalidInteger(1, 1_000_000_000)).map((repeatLimit) => ({ repeatLimit })),
    fc
      .oneof(
        fc.constant(new Date(NaN)),
        nonNull(notPlainObject).filter((v) => !(v instanceof Date)),
      )
      .map((startAt) => ({ startAt })),
    fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .chain((startAt) =>
        fc
          .integer({ min: 0, max: 365 * DAY_MS })
          .map((back) => ({ startAt, endAt: new Date(startAt.getTime() - back) })),
      ),
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
