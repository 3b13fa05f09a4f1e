import { IsString } from 'class-validator';
import {
  DuplicateJobIdError,
  JOB_SCHEDULER,
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
} from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

@Job('caller-ids.note')
class NoteJob implements IJob {
  @IsString() text!: string;
}

@JobHandler(NoteJob)
class NoteHandler implements IJobHandler<NoteJob> {
  handle(): Promise<void> {
    return Promise.resolve();
  }
}

function note(text: string): NoteJob {
  return Object.assign(new NoteJob(), { text });
}

describe('caller-chosen job ids and tags', () => {
  let db: TestDatabase;
  let docket: Docket;
  let scheduler: IJobScheduler;

  const jobs = () => db.client.db(db.dbName).collection('docket.jobs');
  const idsOf = async (filter: Parameters<IJobScheduler['findJobs']>[0]) =>
    (await scheduler.findJobs(filter, { limit: 100 })).jobs.map((job) => job._id).sort();

  beforeAll(async () => {
    db = await openTestDatabase('caller_ids_tags');
    const created = await createTestDocket(db, { handlers: [NoteHandler] });
    docket = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  describe('ids', () => {
    it('stores a job under the id the caller chose', async () => {
      const id = await scheduler.enqueue(note('first'), { id: 'order-1001:confirm' });
      expect(id).toBe('order-1001:confirm');
      expect((await docket.getJob(id))?.payload).toEqual({ text: 'first' });
      expect(await scheduler.schedule(note('later'), { delayMs: 60_000 }, { id: 'later.1' })).toBe(
        'later.1',
      );
    });

    it('refuses a duplicate id with DuplicateJobIdError and leaves the job as it was', async () => {
      await scheduler.enqueue(note('original'), { id: 'dup-1' });
      const before = await jobs().countDocuments();
      const error: unknown = await scheduler
        .enqueue(note('impostor'), { id: 'dup-1', queue: 'other' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateJobIdError);
      expect(error).toMatchObject({ jobId: 'dup-1', code: 'DUPLICATE_JOB_ID' });
      await expect(
        scheduler.schedule(note('impostor'), { delayMs: 10 }, { id: 'dup-1' }),
      ).rejects.toBeInstanceOf(DuplicateJobIdError);
      expect(await jobs().countDocuments()).toBe(before);
      expect(await docket.getJob('dup-1')).toMatchObject({
        payload: { text: 'original' },
        queue: 'default',
      });
    });

    it("returns the existing job's id, whatever its state, when asked", async () => {
      const server = await docket.startServer({ ...FAST_SERVER });
      try {
        await scheduler.enqueue(note('done'), { id: 'finished-1' });
        await waitFor(async () => (await docket.getJob('finished-1'))?.state === 'succeeded');
      } finally {
        await server.stop();
      }
      const before = await jobs().countDocuments();
      await expect(
        scheduler.enqueue(note('again'), { id: 'finished-1', onDuplicateId: 'return' }),
      ).resolves.toBe('finished-1');
      await expect(scheduler.enqueue(note('again'), { id: 'finished-1' })).rejects.toBeInstanceOf(
        DuplicateJobIdError,
      );
      expect(await jobs().countDocuments()).toBe(before);
      expect((await docket.getJob('finished-1'))?.payload).toEqual({ text: 'done' });
    });

    it('refuses a duplicate continuation id before marking the parent', async () => {
      const parent = await scheduler.schedule(note('parent'), { delayMs: 60_000 });
      await scheduler.enqueue(note('taken'), { id: 'cont-1' });
      await expect(
        scheduler.continueWith(parent, note('child'), { id: 'cont-1' }),
      ).rejects.toBeInstanceOf(DuplicateJobIdError);
      expect(await jobs().findOne({ _id: parent as never })).not.toHaveProperty('hasContinuations');
      await expect(
        scheduler.continueWith(parent, note('child'), { id: 'cont-1', onDuplicateId: 'return' }),
      ).resolves.toBe('cont-1');
      expect(await scheduler.continueWith(parent, note('child'), { id: 'cont-2' })).toBe('cont-2');
      expect(await docket.getJob('cont-2')).toMatchObject({ state: 'awaiting', parentId: parent });
    });

    it('looks for a duplicate id before inserting in a transaction, which goes on', async () => {
      await scheduler.enqueue(note('outside'), { id: 'tx-dup' });
      const txParent = await scheduler.schedule(note('tx parent'), { delayMs: 60_000 });
      const session = db.client.startSession();
      try {
        await session.withTransaction(async () => {
          await expect(
            scheduler.enqueue(note('inside'), { id: 'tx-dup', session }),
          ).rejects.toBeInstanceOf(DuplicateJobIdError);
          await expect(
            scheduler.enqueue(note('inside'), { id: 'tx-dup', onDuplicateId: 'return', session }),
          ).resolves.toBe('tx-dup');
          await scheduler.enqueue(note('inside'), { id: 'tx-new', session });
          // A continuation's id is looked for before its parent is marked.
          await expect(
            scheduler.continueWith(txParent, note('child'), { id: 'tx-dup', session }),
          ).rejects.toBeInstanceOf(DuplicateJobIdError);
        });
      } finally {
        await session.endSession();
      }
      expect((await docket.getJob('tx-new'))?.payload).toEqual({ text: 'inside' });
      expect((await docket.getJob('tx-dup'))?.payload).toEqual({ text: 'outside' });
      expect(await jobs().findOne({ _id: txParent as never })).not.toHaveProperty(
        'hasContinuations',
      );
    });

    it.each([
      ['', 'id'],
      ['has space', 'id'],
      ['recurring@2030-01-01T00:00:00.000Z', 'id'],
      ['x'.repeat(201), 'id'],
      [42, 'id'],
      [{ $ne: null }, 'id'],
    ])('refuses the id %j at the call and writes nothing', async (id, option) => {
      const before = await jobs().countDocuments();
      await expect(scheduler.enqueue(note('bad'), { id } as never)).rejects.toMatchObject({
        name: 'InvalidOptionsError',
        option,
      });
      expect(await jobs().countDocuments()).toBe(before);
    });

    it('refuses an id where it cannot name one job, and onDuplicateId without an id', async () => {
      await expect(
        scheduler.enqueueMany([note('a'), note('b')], { id: 'many' }),
      ).rejects.toMatchObject({ name: 'InvalidOptionsError', option: 'id' });
      await expect(
        scheduler.enqueue(note('a'), { id: 'deb', debounce: { key: 'k', windowMs: 10 } }),
      ).rejects.toMatchObject({ name: 'InvalidOptionsError', option: 'debounce' });
      await expect(scheduler.enqueue(note('a'), { onDuplicateId: 'return' })).rejects.toMatchObject(
        { name: 'InvalidOptionsError', option: 'onDuplicateId' },
      );
      await expect(
        scheduler.enqueue(note('a'), { id: 'x', onDuplicateId: 'ignore' } as never),
      ).rejects.toMatchObject({ name: 'InvalidOptionsError', option: 'onDuplicateId' });
      await expect(
        scheduler.createBatch({ jobs: [{ job: note('a'), options: { id: 'b1' } as never }] }),
      ).rejects.toMatchObject({ name: 'InvalidOptionsError' });
      expect(await docket.getJob('many')).toBeNull();
      expect(await docket.getJob('b1')).toBeNull();
    });
  });

  describe('tags', () => {
    let eu: string;
    let euVip: string;
    let us: string;

    beforeAll(async () => {
      eu = await scheduler.schedule(note('eu'), { delayMs: 60_000 }, { tags: ['tenant:eu'] });
      euVip = await scheduler.schedule(
        note('eu vip'),
        { delayMs: 60_000 },
        { tags: ['tenant:eu', 'vip', 'vip'] },
      );
      us = await scheduler.schedule(note('us'), { delayMs: 60_000 }, { tags: ['tenant:us'] });
      const many = await scheduler.enqueueMany([note('m1')], { tags: ['batch-import'] });
      await scheduler.delete(many[0]);
    });

    it('stores the tags, a repeated one once', async () => {
      expect((await docket.getJob(euVip))?.tags).toEqual(['tenant:eu', 'vip']);
      expect(await jobs().findOne({ _id: 'dup-1' as never })).not.toHaveProperty('tags');
    });

    it('finds and counts jobs by tag, every tag given, with the other filters', async () => {
      expect(await idsOf({ tags: ['tenant:eu'] })).toEqual([eu, euVip].sort());
      expect(await idsOf({ tags: ['tenant:eu', 'vip'] })).toEqual([euVip]);
      expect(await idsOf({ tags: ['tenant:us'], state: 'scheduled' })).toEqual([us]);
      expect(await idsOf({ tags: ['tenant:us'], state: 'failed' })).toEqual([]);
      expect(await idsOf({ tags: ['batch-import'], state: 'deleted' })).toHaveLength(1);
      expect(await scheduler.countJobs({ tags: ['tenant:eu'] })).toEqual({
        count: 2,
        exact: true,
      });
      const summary = (await scheduler.findJobs({ tags: ['vip'] })).jobs[0];
      expect(summary.tags).toEqual(['tenant:eu', 'vip']);
    });

    it("tags a batch's jobs, and bounds their start, from the batch's options or their own", async () => {
      const batchId = await scheduler.createBatch({
        jobs: [note('b1'), { job: note('b2'), options: { tags: ['batch-own'] } }],
        options: { tags: ['batch-default'], startWithinMs: 30_000, delayMs: 60_000 },
      });
      const byDefault = await idsOf({ tags: ['batch-default'], batchId });
      const own = await idsOf({ tags: ['batch-own'], batchId });
      expect(byDefault).toHaveLength(1);
      expect(own).toHaveLength(1);
      expect(await docket.getJob(own[0])).toMatchObject({ startWithinMs: 30_000 });
      await expect(
        scheduler.createBatch({ jobs: [{ job: note('b3'), options: { tags: 'x' } as never }] }),
      ).rejects.toMatchObject({ name: 'InvalidOptionsError' });
    });

    it('selects jobs by tag for a bulk action', async () => {
      const result = await scheduler.requeueJobs({ filter: { tags: ['tenant:us'] } });
      expect(result).toMatchObject({ matched: 1, changed: 1 });
      expect((await docket.getJob(us))?.state).toBe('enqueued');
      expect((await docket.getJob(eu))?.state).toBe('scheduled');
    });

    it.each([
      [[], 'tags'],
      ['vip', 'tags'],
      [Array.from({ length: 21 }, (_, i) => `t${i}`), 'tags'],
      [[''], 'tags[0]'],
      [['ok', 'x'.repeat(101)], 'tags[1]'],
      [['bad\u0000tag'], 'tags[0]'],
      [[7], 'tags[0]'],
    ])('refuses the tags %j at enqueue and in a search', async (tags, option) => {
      const before = await jobs().countDocuments();
      await expect(scheduler.enqueue(note('bad'), { tags } as never)).rejects.toMatchObject({
        name: 'InvalidOptionsError',
        option,
      });
      expect(await jobs().countDocuments()).toBe(before);
      await expect(scheduler.findJobs({ tags } as never)).rejects.toMatchObject({
        name: 'InvalidOptionsError',
        option: `filter.${option}`,
      });
    });
  });
});
