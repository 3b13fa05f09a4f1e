/**
 * Generated calls of Docket's public API with exactly one bad argument each: payloads,
 * enqueue and schedule options, ids, cron expressions and time zones, recurring, queue,
 * server and Docket options. Every call must fail with a `DocketError` and write nothing.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import type { Docket, IJob, IJobScheduler } from '../../../src';
import { AnythingJob, InputJob, NotAJob, VALID_INPUT, validInput } from './input-jobs';
import {
  hostileObject,
  invalidCron,
  invalidInteger,
  invalidJobId,
  invalidQueueName,
  invalidQueueNameText,
  invalidRecurringId,
  invalidString,
  invalidTimeZone,
  notAString,
  notPlainObject,
  unknownKey,
  type Arb,
} from './values';

/** What a bad call is made against. */
export interface ApiUnderTest {
  readonly docket: Docket;
  readonly scheduler: IJobScheduler;
  /** An unfinished job of the scenario's database (a valid parent). */
  readonly jobId: string;
  /**
   * Docket.create on the scenario's client and database, with `options` merged in (a
   * `mongo.dbName` key replaces the database's name).
   */
  readonly create: (options: Record<string, unknown>) => Promise<Docket>;
}

/** One generated call. */
export interface BadCall {
  /** The API it calls, and which argument is bad. */
  readonly target: string;
  /** The bad input, shortly. */
  readonly input: string;
  readonly call: (api: ApiUnderTest) => Promise<unknown>;
}

/** A short, safe rendering of any value (getters and Proxy traps are not run). */
export function label(value: unknown): string {
  try {
    return inspect(value, {
      depth: 2,
      breakLength: Infinity,
      maxArrayLength: 4,
      maxStringLength: 40,
      getters: false,
      showProxy: true,
    }).slice(0, 120);
  } catch {
    return '(not inspectable)';
  }
}

const labelled = <T>(arb: Arb<T>, prefix = ''): Arb<{ value: T; input: string }> =>
  arb.map((value) => ({ value, input: `${prefix}${label(value)}` }));

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
  'recurring',
  'serverId',
];

// Payloads -------------------------------------------------------------------------------

const invalidField: Record<keyof typeof VALID_INPUT, Arb> = {
  email: fc.oneof(
    fc.string({ maxLength: 30 }).filter((s) => !s.includes('@')),
    fc.constantFrom('a@', '@b.co', 'a b@c.co', 'a@@b.co', 'a@b'),
    notAString,
    fc.constant(undefined),
  ),
  count: fc.oneof(invalidInteger(1, 100), fc.constant(undefined)),
  label: fc.oneof(notAString, fc.constant(undefined), fc.string({ minLength: 21, maxLength: 60 })),
  tags: fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.string({ maxLength: 5 }),
    fc.integer(),
    fc.constant({ 0: 'a', length: 1 }),
    fc.array(fc.string({ maxLength: 3 }), { minLength: 6, maxLength: 9 }),
    fc.tuple(fc.string({ maxLength: 3 }), notAString).map((tags) => tags),
  ),
};

/** An InputJob with one field breaking its rule. */
const invalidPayload: Arb<{ value: IJob; input: string }> = fc
  .constantFrom(...(Object.keys(invalidField) as Array<keyof typeof VALID_INPUT>))
  .chain((field) =>
    invalidField[field].map((value) => ({
      value: Object.assign(validInput(), { [field]: value }) as IJob,
      input: `${field}: ${label(value)}`,
    })),
  );

const makers: ReadonlyArray<() => unknown> = [
  () => new Map([['a', 1]]),
  () => new Set([1]),
  () => new WeakMap(),
  () => /re/g,
  () => new Error('stored'),
  () => Promise.resolve(1),
  () => new URL('https://example.com/'),
  () => new URLSearchParams('a=1'),
  () => Object(1),
  () => Object('s'),
  () => new ArrayBuffer(4),
  () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    return circular;
  },
  () => {
    const huge: unknown[] = [];
    huge.length = 2 ** 32 - 1;
    return huge;
  },
  () => ({ [Symbol('key')]: 1 }),
  () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
  () => Object.create({ _bsontype: 'Long' }) as unknown,
];

/** A value storage cannot hold faithfully (or at all). */
const unstorableValue: Arb = fc.oneof(
  fc.constant(() => 1),
  fc.constant(Symbol('value')),
  fc.constantFrom(...makers).map((make) => make()),
  fc.integer({ min: 100, max: 130 }).map((depth) => {
    let nested: unknown = 1;
    for (let i = 0; i < depth; i++) nested = i % 2 === 0 ? { n: nested } : [nested];
    return nested;
  }),
  fc.string({ maxLength: 8 }).map((key) => ({ [`$${key}`]: 1 })),
  fc.constantFrom('constructor', 'prototype', '_bsontype').map((key) => ({ [key]: 1 })),
  fc.string({ maxLength: 5 }).map((key) => ({ [`a\u0000${key}`]: 1 })),
  fc.bigInt({ min: 2n ** 63n, max: 2n ** 80n }),
  fc.bigInt({ min: -(2n ** 80n), max: -(2n ** 63n) - 1n }),
  hostileObject('x'),
  fc.constantFrom({ _bsontype: 'ObjectId', id: 'x' }, { _bsontype: 'Code', code: 'x' }),
);

/** An AnythingJob holding an unstorable value somewhere in its payload. */
const unstorablePayload: Arb<{ value: IJob; input: string }> = fc
  .tuple(unstorableValue, fc.nat(3))
  .map(([bad, depth]) => {
    let data = bad;
    for (let i = 0; i < depth; i++) data = i % 2 === 0 ? [data] : { inner: data };
    return { value: Object.assign(new AnythingJob(), { data }) as IJob, input: label(bad) };
  });

/** Not a job at all. */
const notAJob: Arb<{ value: IJob; input: string }> = labelled(
  fc
    .constantFrom<() => unknown>(
      () => null,
      () => undefined,
      () => 42,
      () => 'job',
      () => [],
      () => ({}),
      () => ({ ...VALID_INPUT }),
      () => new NotAJob(),
      () => NotAJob,
      () => InputJob,
      () => Object.create(null) as unknown,
      () => new Date(),
    )
    .map((make) => make() as IJob),
);

const badJob = fc.oneof(
  { arbitrary: invalidPayload, weight: 4 },
  { arbitrary: unstorablePayload, weight: 4 },
  { arbitrary: notAJob, weight: 1 },
);

// Options --------------------------------------------------------------------------------

/** Values but null, for options that read null as "not given" (server, recurring). */
const nonNull = (arb: Arb): Arb => arb.filter((value) => value !== null);

const invalidEnqueueField: Arb = fc.oneof(
  invalidQueueName.map((queue) => ({ queue })),
  invalidInteger(-1000, 1000).map((priority) => ({ priority })),
  invalidInteger(1, 1000).map((maxAttempts) => ({ maxAttempts })),
  invalidInteger(1, MAX_MS).map((timeoutMs) => ({ timeoutMs })),
);

const invalidEnqueueOptions: Arb<{ value: unknown; input: string }> = labelled(
  fc.oneof(
    invalidEnqueueField,
    invalidString({ maxLength: 500 }).map((uniqueKey) => ({ uniqueKey })),
    unknownKey(ENQUEUE_KEYS).map((key) => ({ [key]: 1 })),
    notPlainObject,
    hostileObject('queue'),
  ),
);

const invalidWhen: Arb<{ value: unknown; input: string }> = labelled(
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

const invalidRecurringOptions: Arb<{ value: unknown; input: string }> = labelled(
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

const invalidServerOptions: Arb<{ value: unknown; input: string }> = labelled(
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
    nonNull(notAString)
      .filter((value) => typeof value !== 'boolean')
      .map((recurring) => ({ recurring })),
    nonNull(invalidString({ maxLength: 200 })).map((serverId) => ({ serverId })),
    unknownKey(SERVER_KEYS).map((key) => ({ [key]: 1 })),
    notPlainObject,
  ),
);

const invalidDocketOptions: Arb<{ value: Record<string, unknown>; input: string }> = labelled(
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
    fc.oneof(notPlainObject, fc.constant({ uri: 'http://localhost' })).map((mongo) => ({ mongo })),
    fc.oneof(notPlainObject, fc.constant({})).map((container) => ({ container })),
    fc.oneof(fc.string(), fc.integer(), fc.constant({})).map((handlers) => ({ handlers })),
  ),
);

// Calls ----------------------------------------------------------------------------------

const valid = () => validInput();

const call = (
  target: string,
  arb: Arb<{ value: unknown; input: string }>,
  run: (value: never, api: ApiUnderTest) => Promise<unknown>,
): Arb<BadCall> =>
  arb.map(({ value, input }) => ({
    target,
    input,
    call: (api: ApiUnderTest) => run(value as never, api),
  }));

/** Every kind of bad call, weighted by how many ways there are to get each wrong. */
export const badCalls: Arb<BadCall> = fc.oneof(
  {
    weight: 8,
    arbitrary: call('enqueue(job)', badJob, (job: IJob, api) => api.scheduler.enqueue(job)),
  },
  {
    weight: 4,
    arbitrary: call('enqueue(job, options)', invalidEnqueueOptions, (options: never, api) =>
      api.scheduler.enqueue(valid(), options),
    ),
  },
  {
    weight: 3,
    arbitrary: call('enqueueMany(jobs)', badJob, (job: IJob, api) =>
      api.scheduler.enqueueMany([valid(), job, valid()]),
    ),
  },
  {
    weight: 1,
    arbitrary: call('enqueueMany(jobs, options)', invalidEnqueueOptions, (options: never, api) =>
      api.scheduler.enqueueMany([valid(), valid()], options),
    ),
  },
  {
    weight: 1,
    arbitrary: call(
      'enqueueMany(jobs, { uniqueKey })',
      labelled(fc.string({ minLength: 1, maxLength: 20 })),
      (uniqueKey: string, api) => api.scheduler.enqueueMany([valid()], { uniqueKey }),
    ),
  },
  {
    weight: 4,
    arbitrary: call('schedule(job, when)', invalidWhen, (when: never, api) =>
      api.scheduler.schedule(valid(), when),
    ),
  },
  {
    weight: 2,
    arbitrary: call('schedule(job)', badJob, (job: IJob, api) =>
      api.scheduler.schedule(job, { delayMs: 1_000 }),
    ),
  },
  {
    weight: 1,
    arbitrary: call('schedule(job, when, options)', invalidEnqueueOptions, (options: never, api) =>
      api.scheduler.schedule(valid(), { delayMs: 1_000 }, options),
    ),
  },
  {
    weight: 2,
    arbitrary: call('getJob(id)', labelled(invalidJobId), (id: never, api) =>
      api.docket.getJob(id),
    ),
  },
  {
    weight: 2,
    arbitrary: call('delete(id)', labelled(invalidJobId), (id: never, api) =>
      api.scheduler.delete(id),
    ),
  },
  {
    weight: 2,
    arbitrary: call('requeue(id)', labelled(invalidJobId), (id: never, api) =>
      api.scheduler.requeue(id),
    ),
  },
  {
    weight: 2,
    arbitrary: call('continueWith(parentId)', labelled(invalidJobId), (id: never, api) =>
      api.scheduler.continueWith(id, valid()),
    ),
  },
  {
    weight: 1,
    arbitrary: call(
      'continueWith(unknown parent)',
      labelled(fc.string({ minLength: 1, maxLength: 24 }).map((id) => `no-such-job-${id}`)),
      (id: string, api) => api.scheduler.continueWith(id, valid()),
    ),
  },
  {
    weight: 1,
    arbitrary: call(
      'continueWith(parent, job, options)',
      fc.oneof(
        invalidEnqueueOptions,
        labelled(
          fc
            .oneof(
              fc.string({ maxLength: 8 }).filter((p) => p !== 'cancel' && p !== 'run'),
              notAString,
            )
            .map((onParentFailure) => ({ onParentFailure })),
        ),
      ),
      (options: never, api) => api.scheduler.continueWith(api.jobId, valid(), options),
    ),
  },
  {
    weight: 3,
    arbitrary: call('addOrUpdateRecurring(id)', labelled(invalidRecurringId), (id: never, api) =>
      api.scheduler.addOrUpdateRecurring(id, valid(), '0 3 * * *'),
    ),
  },
  {
    weight: 3,
    arbitrary: call('addOrUpdateRecurring(job)', badJob, (job: IJob, api) =>
      api.scheduler.addOrUpdateRecurring('faults.bad-job', job, '0 3 * * *'),
    ),
  },
  {
    weight: 5,
    arbitrary: call('addOrUpdateRecurring(cron)', labelled(invalidCron), (cron: never, api) =>
      api.scheduler.addOrUpdateRecurring('faults.bad-cron', valid(), cron),
    ),
  },
  {
    weight: 5,
    arbitrary: call(
      'addOrUpdateRecurring(options)',
      invalidRecurringOptions,
      (options: never, api) =>
        api.scheduler.addOrUpdateRecurring('faults.bad-options', valid(), '0 3 * * *', options),
    ),
  },
  {
    weight: 3,
    arbitrary: call(
      'remove/trigger/pause/resumeRecurring(id)',
      fc.tuple(labelled(invalidRecurringId), fc.nat(3)).map(([id, verb]) => ({
        value: [id.value, verb],
        input: `${['remove', 'trigger', 'pause', 'resume'][verb]}: ${id.input}`,
      })),
      ([id, verb]: [never, number], api) =>
        [
          () => api.scheduler.removeRecurring(id),
          () => api.scheduler.triggerRecurring(id),
          () => api.scheduler.pauseRecurring(id),
          () => api.scheduler.resumeRecurring(id),
        ][verb](),
    ),
  },
  {
    weight: 1,
    arbitrary: call(
      'triggerRecurring(unknown id)',
      labelled(fc.stringMatching(/^[a-z0-9]{1,12}$/).map((id) => `no-such-recurring.${id}`)),
      (id: string, api) => api.scheduler.triggerRecurring(id),
    ),
  },
  {
    weight: 2,
    arbitrary: call(
      'pauseQueue/resumeQueue(name, options)',
      fc
        .tuple(
          fc.oneof(
            labelled(invalidQueueName).map(({ value, input }) => ({
              value: [value, undefined],
              input,
            })),
            labelled(fc.stringMatching(/^[a-z]{1,10}$/).map((q) => `no-such-queue-${q}`)).map(
              ({ value, input }) => ({ value: [value, undefined], input: `unknown ${input}` }),
            ),
            labelled(
              fc.oneof(
                notPlainObject,
                nonNull(notAString)
                  .filter((value) => typeof value !== 'boolean')
                  .map((allowUnknown) => ({ allowUnknown })),
                unknownKey(['allowUnknown']).map((key) => ({ [key]: true })),
              ),
            ).map(({ value, input }) => ({ value: ['default', value], input: `options ${input}` })),
          ),
          fc.boolean(),
        )
        .map(([{ value, input }, pause]) => ({
          value: [...(value as unknown[]), pause],
          input: `${pause ? 'pause' : 'resume'} ${input}`,
        })),
      ([queue, options, pause]: [never, never, boolean], api) =>
        pause ? api.docket.pauseQueue(queue, options) : api.docket.resumeQueue(queue, options),
    ),
  },
  {
    weight: 3,
    arbitrary: call('startServer(options)', invalidServerOptions, async (options: never, api) => {
      const server = await api.docket.startServer(options);
      // Accepted: stop it at once, so that its heartbeats do not count as further writes.
      await server.stop();
      return server;
    }),
  },
  {
    weight: 2,
    arbitrary: call('Docket.create(options)', invalidDocketOptions, async (options: never, api) => {
      const docket = await api.create(options);
      await docket.close();
      return docket;
    }),
  },
);
