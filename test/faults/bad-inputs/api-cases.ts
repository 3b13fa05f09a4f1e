/**
 * Generated calls of Docket's public API with exactly one bad argument each: payloads,
 * enqueue and schedule options, ids, cron expressions and time zones, recurring, queue,
 * server and Docket options. Every call must fail with a `DocketError` and write nothing.
 */
import fc from 'fast-check';
import type { Docket, IJob, IJobScheduler } from '../../../src';
import { badJob } from './bad-payloads';
import {
  invalidDocketOptions,
  invalidEnqueueOptions,
  invalidIntervalSchedule,
  invalidRecurringOptions,
  invalidServerOptions,
  invalidWhen,
  nonNull,
} from './bad-options';
import { validInput } from './input-jobs';
import {
  invalidCron,
  invalidInteger,
  invalidJobId,
  invalidString,
  invalidQueueName,
  invalidRecurringId,
  labelled,
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

const STATES = [
  'enqueued',
  'scheduled',
  'processing',
  'succeeded',
  'failed',
  'deleted',
  'awaiting',
];

/** A payload path as a filter takes it: identifiers joined by dots. */
const PAYLOAD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Job filters refused whole: a field of another type (an operator object included), a state
 * that is none, a payload path that is not identifiers, a payload value that is not a
 * scalar, a malformed time range, an unknown field.
 */
const invalidJobFilter: Arb<{ value: unknown; input: string }> = fc.oneof(
  labelled(
    fc
      .tuple(
        fc.constantFrom('queue', 'type', 'typePrefix', 'idPrefix', 'errorContains'),
        notAString,
      )
      .map(([field, value]) => ({ [field]: value })),
  ),
  labelled(
    fc
      .oneof(
        fc.string({ maxLength: 8 }).filter((state) => !STATES.includes(state)),
        fc.constantFrom<unknown>({ $in: ['failed'] }, { $ne: null }, [], ['failed', 'lost'], 1),
      )
      .map((state) => ({ state })),
  ),
  labelled(
    fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((path) => !PAYLOAD_PATH.test(path))
      .map((path) => ({ payload: { [path]: 1 } })),
  ),
  labelled(
    fc
      .constantFrom<unknown>({ $ne: null }, { $gt: '' }, [{ $gt: 1 }], null, [], Number.NaN)
      .map((value) => ({ payload: { 'customer.id': value } })),
  ),
  labelled(
    fc
      .constantFrom<unknown>({}, { from: 'today' }, { $gte: new Date() }, 'today', {
        from: new Date(2),
        to: new Date(1),
      })
      .map((createdAt) => ({ createdAt })),
  ),
  labelled(notPlainObject.filter((value) => value !== undefined)),
  labelled(unknownKey(['state', 'queue', 'type', 'payload']).map((key) => ({ [key]: 1 }))),
);

/** Selections of a bulk action refused whole: none of them may change a job. */
const invalidSelection: Arb<{ value: unknown; input: string }> = fc.oneof(
  invalidJobFilter.map(({ value, input }) => ({
    value: { filter: value },
    input: `filter ${input}`,
  })),
  labelled(
    fc.constantFrom<unknown>(
      {},
      { filter: {} },
      { ids: [] },
      { ids: 'x' },
      { ids: [{ $ne: null }] },
      { ids: ['x'], filter: { state: 'failed' } },
      { ids: Array.from({ length: 1_001 }, (_, i) => `id-${i}`) },
      null,
      ['x'],
    ),
  ),
);

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
    weight: 1,
    arbitrary: call(
      'runNow/reschedule/changePriority/markSucceeded(id)',
      labelled(invalidJobId),
      (id: never, api) =>
        [
          () => api.scheduler.runNow(id),
          () => api.scheduler.reschedule(id, { delayMs: 0 }),
          () => api.scheduler.changePriority(id, 1),
          () => api.scheduler.markSucceeded(id),
        ][Math.abs(String(id).length) % 4](),
    ),
  },
  {
    weight: 1,
    arbitrary: call('reschedule(id, when)', invalidWhen, (when: never, api) =>
      api.scheduler.reschedule(api.jobId, when),
    ),
  },
  {
    weight: 1,
    arbitrary: call(
      'changePriority(id, priority)',
      labelled(invalidInteger(-1000, 1000)),
      (priority: never, api) => api.scheduler.changePriority(api.jobId, priority),
    ),
  },
  {
    weight: 2,
    arbitrary: call('replacePayload(id, job)', badJob, (job: IJob, api) =>
      api.scheduler.replacePayload(api.jobId, job),
    ),
  },
  {
    weight: 1,
    arbitrary: call(
      'markFailed(id, options)',
      labelled(
        fc.oneof(
          notPlainObject,
          fc.constant({}),
          invalidString({ maxLength: 4_000 }).map((message) => ({ message })),
          unknownKey(['message']).map((key) => ({ message: 'x', [key]: 1 })),
        ),
      ),
      (options: never, api) => api.scheduler.markFailed(api.jobId, options),
    ),
  },
  {
    weight: 1,
    arbitrary: call(
      'markSucceeded(id, options)',
      labelled(
        fc.oneof(
          notPlainObject.filter((value) => value !== undefined),
          unknownKey(['result']).map((key) => ({ [key]: 1 })),
          fc.constant({ result: { run: () => 1 } }),
          fc.constant({ result: new Map([['a', 1]]) }),
        ),
      ),
      (options: never, api) => api.scheduler.markSucceeded(api.jobId, options),
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
    arbitrary: call('findJobs(filter)', invalidJobFilter, (filter: never, api) =>
      api.scheduler.findJobs(filter),
    ),
  },
  {
    weight: 1,
    arbitrary: call('countJobs(filter)', invalidJobFilter, (filter: never, api) =>
      api.scheduler.countJobs(filter),
    ),
  },
  {
    weight: 1,
    arbitrary: call(
      'findJobs(filter, options)',
      labelled(
        fc.constantFrom<unknown>(
          { limit: 0 },
          { limit: 1_001 },
          { sort: 'payload' },
          { direction: 'up' },
          { cursor: 'not a cursor' },
          { cursor: { $gt: '' } },
          { colour: 'red' },
        ),
      ),
      (options: never, api) => api.scheduler.findJobs({ state: 'failed' }, options),
    ),
  },
  {
    weight: 4,
    arbitrary: call(
      'retry/requeue/delete/purgeJobs(selection)',
      fc.tuple(invalidSelection, fc.nat(3)).map(([selection, verb]) => ({
        value: [selection.value, verb],
        input: `${['retry', 'requeue', 'delete', 'purge'][verb]}: ${selection.input}`,
      })),
      ([selection, verb]: [never, number], api) =>
        [
          api.scheduler.retryJobs,
          api.scheduler.requeueJobs,
          api.scheduler.deleteJobs,
          api.scheduler.purgeJobs,
        ][verb].call(api.scheduler, selection),
    ),
  },
  {
    weight: 1,
    arbitrary: call(
      'drainQueue(queue, options)',
      fc.oneof(
        labelled(invalidQueueName).map(({ value, input }) => ({
          value: [value, undefined],
          input,
        })),
        labelled(
          fc.oneof(
            notPlainObject.filter((value) => value !== undefined),
            nonNull(notAString)
              .filter((value) => typeof value !== 'boolean')
              .map((includeScheduled) => ({ includeScheduled })),
            unknownKey(['includeScheduled']).map((key) => ({ [key]: true })),
          ),
        ).map(({ value, input }) => ({ value: ['default', value], input: `options ${input}` })),
      ),
      ([queue, options]: [never, never], api) => api.scheduler.drainQueue(queue, options),
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
    weight: 3,
    arbitrary: call(
      'addOrUpdateRecurring(interval)',
      invalidIntervalSchedule,
      (schedule: never, api) =>
        api.scheduler.addOrUpdateRecurring('faults.bad-interval', valid(), schedule),
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
