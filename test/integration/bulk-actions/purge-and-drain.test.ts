import type { MongoClient } from 'mongodb';
import { InvalidOptionsError, type Docket, type JobServer } from '../../../src';
import { BULK_BATCH_SIZE } from '../../../src/bulk-actions';
import { MongoJobStore } from '../../../src/storage/mongo/mongo-job-store';
import { FAST_SERVER } from '../../helpers/docket';
import { MatchedCommands } from '../../helpers/matched-commands';
import { openBulkDocket, type BulkDocket } from './bulk-docket';
import {
  Customer,
  InvoiceJob,
  jobsOf,
  seedJobs,
  type SeededJob,
} from '../job-search/search-fixture';

describe('bulk actions: purgeJobs and drainQueue', () => {
  let opened: BulkDocket;
  let client: MongoClient;
  let docket: Docket;
  let server: JobServer | undefined;

  const stateOf = async (id: string) => (await docket.getJob(id))?.state ?? 'gone';
  const states = async (ids: readonly string[]) => Promise.all(ids.map(stateOf));

  beforeAll(async () => {
    opened = await openBulkDocket('purge_drain');
    ({ client, docket } = opened);
  });

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  afterAll(() => opened.close());

  it('purges finished jobs for good, by filter and by ids; unfinished ones are never matched', async () => {
    const ids = await seedJobs(docket, [
      { state: 'succeeded', queue: 'purge-q' },
      { state: 'failed', queue: 'purge-q' },
      { state: 'deleted', queue: 'purge-q' },
      { state: 'enqueued', queue: 'purge-q' },
      { state: 'scheduled', queue: 'purge-q', dueAt: new Date(Date.now() + 3_600_000) },
      { state: 'processing', queue: 'purge-q' },
      { state: 'succeeded', queue: 'purge-other' },
      { state: 'succeeded', queue: 'purge-q' },
    ]);
    await expect(
      docket.scheduler.purgeJobs({ filter: { queue: 'purge-q', state: ['succeeded', 'failed'] } }),
    ).resolves.toEqual({ matched: 3, changed: 3, conflicts: 0 });
    expect(await states(ids)).toEqual([
      'gone',
      'gone',
      'deleted',
      'enqueued',
      'scheduled',
      'processing',
      'succeeded',
      'gone',
    ]);
    // Ids in unfinished states are not matched; finished ones are, whatever their queue.
    await expect(
      docket.scheduler.purgeJobs({ ids: [ids[2], ids[3], ids[4], ids[5], ids[6], 'no-such'] }),
    ).resolves.toEqual({ matched: 2, changed: 2, conflicts: 0 });
    expect(await states(ids.slice(2, 7))).toEqual([
      'gone',
      'enqueued',
      'scheduled',
      'processing',
      'gone',
    ]);
    // A purged job cannot be requeued: it is gone.
    await expect(docket.scheduler.requeue(ids[0])).resolves.toBe(false);
  });

  it('leaves a finished parent whose continuations are not released yet', async () => {
    const [done, stalled] = await seedJobs(docket, [
      { state: 'succeeded', queue: 'purge-parents' },
      { state: 'succeeded', queue: 'purge-parents' },
    ]);
    // Its worker stopped between the finish and the release: the recovery sweep needs it.
    await jobsOf(docket).updateOne({ _id: stalled }, { $set: { hasContinuations: true } });
    await jobsOf(docket).updateOne(
      { _id: done },
      { $set: { hasContinuations: true, continuationsResolved: true } },
    );
    await expect(
      docket.scheduler.purgeJobs({ filter: { queue: 'purge-parents' } }),
    ).resolves.toEqual({ matched: 2, changed: 1, conflicts: 0 });
    expect(await states([done, stalled])).toEqual(['gone', 'succeeded']);
  });

  it(`purges 100,000 jobs in batches of ${BULK_BATCH_SIZE} while a server keeps claiming`, async () => {
    const total = 100_000;
    const seeded: SeededJob[] = Array.from({ length: total }, () => ({
      state: 'succeeded',
      queue: 'purge-big',
    }));
    for (let start = 0; start < total; start += 10_000) {
      await seedJobs(docket, seeded.slice(start, start + 10_000));
    }
    server = await docket.startServer({ ...FAST_SERVER, queues: ['purge-live'] });
    const jobs = jobsOf(docket).collectionName;
    const deletes: number[] = [];
    const commands = new MatchedCommands(client, (command, name) => {
      if (name !== 'delete' || command.delete !== jobs) return false;
      for (const statement of command.deletes as Array<{ q: unknown }>) {
        deletes.push(idsPinned(statement.q));
      }
      return true;
    });
    // Halfway through, the purge waits for jobs enqueued then to be claimed and run: were
    // claims held up by the purge, this would never end.
    const purgeMany = MongoJobStore.prototype.purgeMany;
    let calls = 0;
    let ranMidway: string[] = [];
    const spy = jest.spyOn(MongoJobStore.prototype, 'purgeMany').mockImplementation(async function (
      this: MongoJobStore,
      ...args
    ) {
      calls += 1;
      if (calls === total / BULK_BATCH_SIZE / 2) {
        const ids = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            docket.scheduler.enqueue(invoiceJob(`live-${i}`), { queue: 'purge-live' }),
          ),
        );
        ranMidway = ids;
        await Promise.all(ids.map((id) => docket.scheduler.waitForJob(id, { timeoutMs: 30_000 })));
      }
      return purgeMany.apply(this, args);
    });
    try {
      const result = await docket.scheduler.purgeJobs({
        filter: { queue: 'purge-big', state: 'succeeded' },
      });
      expect(result).toEqual({ matched: total, changed: total, conflicts: 0 });
    } finally {
      spy.mockRestore();
      commands.close();
    }
    expect(calls).toBe(total / BULK_BATCH_SIZE);
    expect(await states(ranMidway)).toEqual(ranMidway.map(() => 'succeeded'));
    // One deleteMany per batch, each pinned to the batch's ids.
    expect(deletes).toEqual(Array.from({ length: total / BULK_BATCH_SIZE }, () => BULK_BATCH_SIZE));
    expect(await jobsOf(docket).countDocuments({ queue: 'purge-big' })).toBe(0);
    // Storing and purging 100,000 jobs takes seconds on a loaded machine.
  }, 180_000);

  it('drains a queue: its enqueued jobs are deleted; scheduled ones only when asked', async () => {
    const later = new Date(Date.now() + 3_600_000);
    const ids = await seedJobs(docket, [
      { state: 'enqueued', queue: 'drain-q' },
      { state: 'enqueued', queue: 'drain-q' },
      { state: 'scheduled', queue: 'drain-q', dueAt: later },
      { state: 'processing', queue: 'drain-q' },
      { state: 'awaiting', queue: 'drain-q' },
      { state: 'enqueued', queue: 'drain-other' },
      { state: 'succeeded', queue: 'drain-q' },
    ]);
    await expect(docket.scheduler.drainQueue('drain-q')).resolves.toEqual({
      matched: 2,
      changed: 2,
      conflicts: 0,
    });
    expect(await states(ids)).toEqual([
      'deleted',
      'deleted',
      'scheduled',
      'processing',
      'awaiting',
      'enqueued',
      'succeeded',
    ]);
    await expect(
      docket.scheduler.drainQueue('drain-q', { includeScheduled: true }),
    ).resolves.toEqual({ matched: 1, changed: 1, conflicts: 0 });
    expect(await stateOf(ids[2])).toBe('deleted');
    // Deleted, not gone: a drained job can be requeued.
    await expect(docket.scheduler.requeue(ids[0])).resolves.toBe(true);
  });

  it('refuses bad input with a typed error naming the field, and writes nothing', async () => {
    const ids = await seedJobs(docket, [
      { state: 'succeeded', queue: 'purge-bad' },
      { state: 'enqueued', queue: 'purge-bad' },
    ]);
    const before = await jobsOf(docket).find({ queue: 'purge-bad' }).toArray();
    const refused = async (call: () => Promise<unknown>, option: string) => {
      const error = await call().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect(error).toMatchObject({ option });
    };
    const scheduler = docket.scheduler as unknown as Record<
      'purgeJobs' | 'drainQueue',
      (...args: unknown[]) => Promise<unknown>
    >;
    await refused(() => scheduler.purgeJobs({ filter: {} }), 'filter');
    await refused(() => scheduler.purgeJobs({ ids, filter: { queue: 'purge-bad' } }), 'filter');
    await refused(() => scheduler.purgeJobs({ filter: { queue: { $ne: '' } } }), 'filter.queue');
    await refused(() => scheduler.drainQueue({ $ne: '' }), 'queue');
    await refused(() => scheduler.drainQueue('bad queue'), 'queue');
    await refused(
      () => scheduler.drainQueue('purge-bad', { includeScheduled: 'yes' }),
      'options.includeScheduled',
    );
    await refused(
      () => scheduler.drainQueue('purge-bad', { scheduled: true }),
      'options.scheduled',
    );
    await refused(() => scheduler.drainQueue('purge-bad', 7), 'options');
    expect(await jobsOf(docket).find({ queue: 'purge-bad' }).toArray()).toEqual(before);
  });
});

function invoiceJob(number: string) {
  return Object.assign(new InvoiceJob(), {
    number,
    customer: Object.assign(new Customer(), { id: 1, region: 'eu' }),
  });
}

/** How many ids a delete's filter pins it to (its `_id: { $in: [...] }`, however nested). */
function idsPinned(filter: unknown): number {
  if (Array.isArray(filter)) return filter.reduce((sum: number, part) => sum + idsPinned(part), 0);
  if (typeof filter !== 'object' || filter === null) return 0;
  const record = filter as Record<string, unknown>;
  const id = record._id as { $in?: unknown[] } | undefined;
  if (id?.$in !== undefined) return id.$in.length;
  return Object.values(record).reduce((sum: number, part) => sum + idsPinned(part), 0);
}
