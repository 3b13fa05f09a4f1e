import type { MongoClient } from 'mongodb';
import {
  InvalidOptionsError,
  JobDeletedError,
  type Docket,
  type JobSelection,
  type JobServer,
} from '../../../src';
import { BULK_BATCH_SIZE, BulkJobActions } from '../../../src/bulk-actions';
import { EventBus } from '../../../src/events/event-bus';
import { JobSearch } from '../../../src/job-search';
import { systemClock } from '../../../src/server/clock';
import { MongoJobSearch } from '../../../src/storage/mongo/mongo-job-search';
import { MongoJobStore } from '../../../src/storage/mongo/mongo-job-store';
import { resolveRetention } from '../../../src/storage/retention';
import { FAST_SERVER } from '../../helpers/docket';
import { quietLogger } from '../../helpers/logger';
import { MatchedCommands } from '../../helpers/matched-commands';
import { openBulkDocket, type BulkDocket } from './bulk-docket';
import { nextEvent, waitFor } from '../../helpers/wait-for';
import {
  Customer,
  invoiceBehaviour,
  InvoiceJob,
  jobsOf,
  seedJobs,
} from '../job-search/search-fixture';

const invoice = (number: string) =>
  Object.assign(new InvoiceJob(), {
    number,
    customer: Object.assign(new Customer(), { id: 1, region: 'eu' }),
  });

describe('bulk actions: retryJobs, requeueJobs, deleteJobs', () => {
  let opened: BulkDocket;
  let client: MongoClient;
  let docket: Docket;
  let server: JobServer | undefined;

  const stateOf = async (id: string) => (await docket.getJob(id))?.state;
  const states = async (ids: readonly string[]) => Promise.all(ids.map(stateOf));

  beforeAll(async () => {
    opened = await openBulkDocket('bulk_actions');
    ({ client, docket } = opened);
  });

  afterEach(async () => {
    await server?.stop();
    server = undefined;
    invoiceBehaviour.run = async () => undefined;
  });

  afterAll(() => opened.close());

  it('retries a filtered set of failed jobs, says how many, and they run again', async () => {
    const smtp = { name: 'SmtpError', message: 'SMTP timeout' };
    const ids = await seedJobs(docket, [
      { state: 'failed', queue: 'retry-q', error: smtp },
      { state: 'failed', queue: 'retry-q', error: smtp },
      { state: 'failed', queue: 'retry-q', error: { name: 'Error', message: 'card declined' } },
      { state: 'failed', queue: 'retry-other', error: smtp },
      { state: 'succeeded', queue: 'retry-q' },
    ]);
    const result = await docket.scheduler.retryJobs({
      filter: { queue: 'retry-q', errorContains: 'smtp' },
    });
    expect(result).toEqual({ matched: 2, changed: 2, conflicts: 0 });
    expect(await states(ids)).toEqual(['enqueued', 'enqueued', 'failed', 'failed', 'succeeded']);
    const retried = await docket.getJob(ids[0]);
    expect(retried).toMatchObject({ attempt: 0, error: null, finishedAt: null, expireAt: null });
    expect(retried?.history.at(-1)).toMatchObject({
      state: 'enqueued',
      reason: 'requeued from failed',
    });
    server = await docket.startServer({ ...FAST_SERVER, queues: ['retry-q'] });
    for (const id of ids.slice(0, 2)) {
      await expect(docket.scheduler.waitForJob(id, { timeoutMs: 10_000 })).resolves.toMatchObject({
        state: 'succeeded',
      });
    }
  });

  it('requeues finished jobs afresh and makes scheduled ones due now; a held uniqueKey is a conflict', async () => {
    const enqueued: string[] = [];
    const off = docket.on('job.enqueued', (event) => enqueued.push(event.jobId));
    try {
      const later = new Date(Date.now() + 3_600_000);
      const ids = await seedJobs(docket, [
        { state: 'succeeded', queue: 'requeue-q' },
        { state: 'deleted', queue: 'requeue-q' },
        { state: 'scheduled', queue: 'requeue-q', dueAt: later },
        { state: 'succeeded', queue: 'requeue-q', uniqueKey: 'report-7' },
        { state: 'enqueued', queue: 'requeue-held', uniqueKey: 'report-7' },
        { state: 'processing', queue: 'requeue-q' },
      ]);
      await docket.getJob(ids[2]).then((job) =>
        jobsOf(docket)
          .updateOne({ _id: ids[2] }, { $set: { attempt: 2 } })
          .then(() => job),
      );
      const result = await docket.scheduler.requeueJobs({ ids });
      // The enqueued holder and the processing job are in no state requeue applies to.
      expect(result).toEqual({ matched: 4, changed: 3, conflicts: 1 });
      expect(await states(ids)).toEqual([
        'enqueued',
        'enqueued',
        'enqueued',
        'succeeded',
        'enqueued',
        'processing',
      ]);
      const scheduled = await docket.getJob(ids[2]);
      expect(scheduled?.attempt).toBe(2);
      expect(scheduled!.dueAt.getTime()).toBeLessThan(later.getTime());
      expect(scheduled?.history.at(-1)?.reason).toBe('enqueued now (was scheduled)');
      expect(enqueued.sort()).toEqual([ids[0], ids[1], ids[2]].sort());
      // Once the holder is gone, the key is free again.
      await docket.scheduler.delete(ids[4]);
      await expect(docket.scheduler.requeueJobs({ ids: [ids[3]] })).resolves.toEqual({
        matched: 1,
        changed: 1,
        conflicts: 0,
      });
      expect((await docket.getJob(ids[3]))?.activeUniqueKey).toBe('report-7');
    } finally {
      off();
    }
  });

  it('deletes jobs in any state but deleted, finished ones included; continuations follow', async () => {
    const deleted: string[] = [];
    const off = docket.on('job.deleted', (event) => deleted.push(event.jobId));
    try {
      const ids = await seedJobs(docket, [
        { state: 'enqueued', queue: 'delete-q', uniqueKey: 'nightly' },
        { state: 'scheduled', queue: 'delete-q' },
        { state: 'succeeded', queue: 'delete-q' },
        { state: 'failed', queue: 'delete-q' },
        { state: 'deleted', queue: 'delete-q' },
      ]);
      // A waiting parent with a continuation (cancelled with it), and a succeeded parent whose
      // worker stopped before releasing its continuation (released now, as it succeeded).
      const waitingParent = await docket.scheduler.schedule(invoice('P-1'), { delayMs: 600_000 });
      const cancelled = await docket.scheduler.continueWith(waitingParent, invoice('C-1'));
      const [finishedParent] = await seedJobs(docket, [{ state: 'succeeded', queue: 'delete-q' }]);
      const released = await docket.scheduler.continueWith(finishedParent, invoice('C-2'));
      await jobsOf(docket).updateMany({ _id: { $in: [finishedParent, released] } }, [
        { $set: { state: { $cond: [{ $eq: ['$_id', released] }, 'awaiting', '$state'] } } },
      ]);
      await jobsOf(docket).updateOne(
        { _id: finishedParent },
        { $set: { hasContinuations: true }, $unset: { continuationsResolved: '' } },
      );
      const result = await docket.scheduler.deleteJobs({
        ids: [...ids, waitingParent, finishedParent],
      });
      expect(result).toEqual({ matched: 6, changed: 6, conflicts: 0 });
      expect(await states(ids)).toEqual(['deleted', 'deleted', 'deleted', 'deleted', 'deleted']);
      expect(await stateOf(cancelled)).toBe('deleted');
      expect(await stateOf(released)).toBe('enqueued');
      const finished = await docket.getJob(ids[2]);
      expect(finished?.history.at(-1)).toMatchObject({ state: 'deleted', reason: 'deleted' });
      expect(finished?.expireAt).not.toBeNull();
      // The uniqueKey is free again, as after a single delete.
      expect((await docket.getJob(ids[0]))?.activeUniqueKey).toBeUndefined();
      expect(deleted).toEqual(
        expect.arrayContaining([...ids.slice(0, 4), waitingParent, cancelled]),
      );
      expect(deleted).not.toContain(ids[4]);
    } finally {
      off();
    }
  });

  it('aborts a running job it deletes, as the single delete does', async () => {
    let aborted: unknown;
    invoiceBehaviour.run = (_job, ctx) =>
      new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => {
          aborted = ctx.signal.reason;
          reject(ctx.signal.reason);
        }),
      );
    server = await docket.startServer({ ...FAST_SERVER, queues: ['delete-running'] });
    const started = nextEvent<{ jobId: string }>((listener) => docket.on('job.started', listener));
    const id = await docket.scheduler.enqueue(invoice('R-1'), { queue: 'delete-running' });
    await started;
    await expect(
      docket.scheduler.deleteJobs({ filter: { state: 'processing', queue: 'delete-running' } }),
    ).resolves.toEqual({ matched: 1, changed: 1, conflicts: 0 });
    await expect(docket.scheduler.waitForJob(id, { timeoutMs: 10_000 })).rejects.toBeInstanceOf(
      JobDeletedError,
    );
    await waitFor(() => aborted !== undefined, { what: 'the handler to be aborted' });
    expect(aborted).toBeInstanceOf(JobDeletedError);
  });

  it('leaves a job that changed state between its batch read and write as it is', async () => {
    const ids = await seedJobs(
      docket,
      Array.from({ length: 4 }, () => ({ state: 'failed' as const, queue: 'race-q' })),
    );
    const store = new MongoJobStore(
      docket.database,
      docket.collectionPrefix,
      resolveRetention(undefined),
    );
    const search = new MongoJobSearch(jobsOf(docket));
    // Between the read of the batch and its write, another caller retries one job (which
    // starts running) and deletes another.
    const racing: typeof search = Object.create(search) as typeof search;
    racing.findTargets = async (...args) => {
      const targets = await search.findTargets(...args);
      await docket.scheduler.requeue(ids[1]);
      await jobsOf(docket).updateOne({ _id: ids[1] }, { $set: { state: 'processing' } });
      await docket.scheduler.delete(ids[2]);
      return targets;
    };
    const events = new EventBus(quietLogger());
    const enqueued: string[] = [];
    events.on('job.enqueued', (event) => enqueued.push(event.jobId));
    const bulk = new BulkJobActions({
      store,
      search: racing,
      events,
      clock: systemClock,
      ready: () => new JobSearch(search).ready(),
    });
    const result = await bulk.run('retry', { filter: { state: 'failed', queue: 'race-q' } });
    expect(result).toEqual({ matched: 4, changed: 2, conflicts: 0 });
    expect(await states(ids)).toEqual(['enqueued', 'processing', 'deleted', 'enqueued']);
    // Told only of the jobs it changed; the others' histories hold no entry of it (the one
    // requeue entry of the raced job is the other caller's).
    expect(enqueued.sort()).toEqual([ids[0], ids[3]].sort());
    const raced = await docket.getJob(ids[1]);
    expect(raced?.history.filter((entry) => entry.state === 'enqueued')).toHaveLength(1);
    expect((await docket.getJob(ids[2]))?.history.at(-1)?.state).toBe('deleted');
  });

  it('works through more than one batch: one read and one write per batch', async () => {
    const count = 2 * BULK_BATCH_SIZE + 234;
    const ids = await seedJobs(
      docket,
      Array.from({ length: count }, (_, i) => ({
        state: 'failed' as const,
        queue: 'many-q',
        finishedAt: new Date(Date.UTC(2020, 0, 2) + (i % 7) * 1_000),
      })),
    );
    await seedJobs(docket, [{ state: 'failed', queue: 'many-other' }]);
    const jobs = jobsOf(docket).collectionName;
    const commands = new MatchedCommands(
      client,
      (command, name) => (name === 'update' || name === 'find') && command[name] === jobs,
    );
    try {
      const result = await docket.scheduler.retryJobs({ filter: { queue: 'many-q' } });
      expect(result).toEqual({ matched: count, changed: count, conflicts: 0 });
      expect(commands.started).toBe(3 + 3);
    } finally {
      commands.close();
    }
    await expect(
      docket.scheduler.countJobs({ queue: 'many-q', state: 'enqueued' }),
    ).resolves.toEqual({ count, exact: true });
    await expect(
      docket.scheduler.countJobs({ queue: 'many-other', state: 'failed' }),
    ).resolves.toEqual({ count: 1, exact: true });
    await jobsOf(docket).deleteMany({ _id: { $in: ids } });
  });

  it('takes up to 1,000 ids; repeats count once; unknown ids and other states are not matched', async () => {
    const ids = await seedJobs(docket, [
      { state: 'failed', queue: 'ids-q' },
      { state: 'succeeded', queue: 'ids-q' },
    ]);
    await expect(
      docket.scheduler.retryJobs({ ids: [ids[0], ids[0], ids[1], 'no-such-job'] }),
    ).resolves.toEqual({ matched: 1, changed: 1, conflicts: 0 });
    const many = Array.from({ length: 1_000 }, (_, i) => `missing-${i}`);
    await expect(docket.scheduler.deleteJobs({ ids: many })).resolves.toEqual({
      matched: 0,
      changed: 0,
      conflicts: 0,
    });
  });

  it('refuses bad selections with a typed error naming the field, and writes nothing', async () => {
    const ids = await seedJobs(docket, [
      { state: 'failed', queue: 'bad-q' },
      { state: 'enqueued', queue: 'bad-q' },
    ]);
    const before = await jobsOf(docket).find({ queue: 'bad-q' }).toArray();
    const refused = async (selection: unknown, field: string) => {
      for (const verb of ['retryJobs', 'requeueJobs', 'deleteJobs'] as const) {
        const error = await docket.scheduler[verb](selection as JobSelection).catch(
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(InvalidOptionsError);
        expect(error).toMatchObject({ option: field });
      }
    };
    await refused({ ids, filter: { queue: 'bad-q' } }, 'filter');
    await refused({}, 'ids');
    await refused({ filter: {} }, 'filter');
    await refused({ ids: [] }, 'ids');
    await refused({ ids: ids[0] }, 'ids');
    await refused({ ids: Array.from({ length: 1_001 }, (_, i) => `id-${i}`) }, 'ids');
    await refused({ ids: [ids[0], { $ne: null }] }, 'ids[1]');
    await refused({ filter: { queue: { $ne: null } } }, 'filter.queue');
    await refused({ filter: { payload: { $where: 'true' } } }, 'filter.payload.$where');
    await refused({ filter: { payload: { 'a[$ne]': 1 } } }, 'filter.payload.a[$ne]');
    await refused({ filter: { payload: { a: { $gt: '' } } } }, 'filter.payload.a');
    await refused({ filter: { queue: 'bad-q', state: 'lost' } }, 'filter.state');
    await refused({ filter: { queue: 'bad-q' }, colour: 'red' }, 'colour');
    await refused(null, 'selection');
    await refused(['a'], 'selection');
    expect(await jobsOf(docket).find({ queue: 'bad-q' }).toArray()).toEqual(before);
  });
});
