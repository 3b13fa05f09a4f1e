import { IsInt, IsString, Max } from 'class-validator';
import {
  InvalidOptionsError,
  JOB_SCHEDULER,
  Job,
  JobHandler,
  JobValidationError,
  PayloadTooLargeError,
  type Docket,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import { MongoClient } from 'mongodb';
import type { ClaimRequest } from '../../../src/storage/job-store';
import { MongoJobStore } from '../../../src/storage/mongo/mongo-job-store';
import { RETENTION_DEFAULTS } from '../../../src/storage/retention';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

/** A payload of two fields that a replacement changes together: a torn read would mix them. */
@Job('edits.report')
class ReportJob implements IJob {
  @IsString() first!: string;
  @IsString() second!: string;
  @IsInt() @Max(100) copies!: number;
}

@Job('edits.other')
class OtherJob implements IJob {
  @IsString() first!: string;
}

/** What each run of a report saw, by job id. */
const seen = new Map<string, Array<{ first: string; second: string }>>();
let behaviour: (ctx: JobContext) => Promise<void> = async () => undefined;

@JobHandler(ReportJob, { retries: 0 })
class ReportHandler implements IJobHandler<ReportJob> {
  async handle(job: ReportJob, ctx: JobContext): Promise<void> {
    const runs = seen.get(ctx.jobId) ?? [];
    runs.push({ first: job.first, second: job.second });
    seen.set(ctx.jobId, runs);
    await behaviour(ctx);
  }
}

const report = (version: string, copies = 1) =>
  Object.assign(new ReportJob(), { first: version, second: version, copies });

/** Idle polls far apart: within a test, only a wake-up finds new work. */
const NO_POLLING = { ...FAST_SERVER, pollIntervalMs: 600_000, minPollIntervalMs: 600_000 };

const CLAIM: Omit<ClaimRequest, 'now'> = {
  queues: ['default'],
  jobTypes: ['edits.report'],
  serverId: 'race-claimer',
  leaseMs: 60_000,
};

describe('editing a waiting job', () => {
  let db: TestDatabase;
  let docket: Docket;
  let scheduler: IJobScheduler;
  let store: MongoJobStore;

  const jobs = () => db.client.db(db.dbName).collection<JobRecord>('docket.jobs');
  const read = async (id: string) => (await docket.getJob(id))!;
  const claim = () => store.claim({ ...CLAIM, now: new Date() });

  beforeAll(async () => {
    db = await openTestDatabase('waiting_edits');
    const created = await createTestDocket(db, { handlers: [ReportHandler] });
    docket = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
    store = new MongoJobStore(db.client.db(db.dbName), 'docket.', RETENTION_DEFAULTS);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    behaviour = async () => undefined;
    seen.clear();
    await jobs().deleteMany({});
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  describe('run now, reschedule, change priority', () => {
    it('runNow makes a scheduled job due now and records why', async () => {
      const id = await scheduler.schedule(report('a'), { delayMs: 3_600_000 });
      const before = Date.now();
      await expect(scheduler.runNow(id)).resolves.toBe(true);
      const job = await read(id);
      expect(job.state).toBe('enqueued');
      expect(job.dueAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(job.dueAt.getTime()).toBeLessThanOrEqual(Date.now());
      expect(job.history.at(-1)).toMatchObject({
        state: 'enqueued',
        reason: 'enqueued now (was scheduled)',
      });
    });

    it('runNow leaves a due job in its place in line', async () => {
      const id = await scheduler.enqueue(report('a'));
      const before = await read(id);
      await expect(scheduler.runNow(id)).resolves.toBe(true);
      const after = await read(id);
      expect(after.dueAt).toEqual(before.dueAt);
      expect(after.history).toHaveLength(before.history.length);
      // A scheduled job already due (a retry whose backoff passed) keeps its due time too.
      const retry = await scheduler.schedule(report('b'), { delayMs: 3_600_000 });
      const past = new Date(Date.now() - 60_000);
      await jobs().updateOne({ _id: retry }, { $set: { dueAt: past } });
      await expect(scheduler.runNow(retry)).resolves.toBe(true);
      expect(await read(retry)).toMatchObject({ state: 'enqueued', dueAt: past });
    });

    it('runNow wakes a server of this process at once', async () => {
      // Without the wake, the job would wait for a poll ten minutes away.
      const server = await docket.startServer(NO_POLLING);
      try {
        const id = await scheduler.schedule(report('a'), { delayMs: 3_600_000 });
        await scheduler.runNow(id);
        await waitFor(async () => (await read(id)).state === 'succeeded', { timeoutMs: 5_000 });
      } finally {
        await server.stop();
      }
    });

    it("a due time moved earlier wakes another process's server through its change stream", async () => {
      // The server's own Docket never hears of the edit: only the stream can wake it before
      // its poll, ten minutes away. The job stays scheduled, so only its due time changes.
      const other = await createTestDocket(db, { handlers: [ReportHandler] });
      const server = await other.docket.startServer(NO_POLLING);
      try {
        const id = await scheduler.schedule(report('a'), { delayMs: 3_600_000 });
        await waitFor(async () => (await read(id)).state === 'scheduled');
        await expect(scheduler.reschedule(id, { delayMs: 300 })).resolves.toBe(true);
        expect((await read(id)).state).toBe('scheduled');
        await waitFor(async () => (await read(id)).state === 'succeeded', { timeoutMs: 8_000 });
      } finally {
        await server.stop();
        await other.docket.close();
      }
    });

    it('reschedule moves the due time by a date or a delay, either way', async () => {
      const id = await scheduler.enqueue(report('a'));
      const later = new Date(Date.now() + 3_600_000);
      await expect(scheduler.reschedule(id, { at: later })).resolves.toBe(true);
      expect(await read(id)).toMatchObject({ state: 'scheduled', dueAt: later });
      expect((await read(id)).history.at(-1)?.reason).toBe(`rescheduled to ${later.toISOString()}`);
      await expect(scheduler.reschedule(id, { delayMs: 0 })).resolves.toBe(true);
      const job = await read(id);
      expect(job.state).toBe('enqueued');
      expect(job.dueAt.getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('changePriority sets a waiting job’s priority, an awaiting one’s too', async () => {
      const parent = await scheduler.schedule(report('p'), { delayMs: 3_600_000 });
      const child = await scheduler.continueWith(parent, report('c'));
      await expect(scheduler.changePriority(parent, 500)).resolves.toBe(true);
      await expect(scheduler.changePriority(child, -7)).resolves.toBe(true);
      expect((await read(parent)).priority).toBe(500);
      expect(await read(child)).toMatchObject({ priority: -7, state: 'awaiting' });
      expect((await read(child)).history.at(-1)).toMatchObject({
        state: 'awaiting',
        reason: 'priority changed from 0 to -7',
      });
    });

    it('refuses jobs that do not wait: false, and nothing written', async () => {
      const parent = await scheduler.schedule(report('p'), { delayMs: 3_600_000 });
      const awaiting = await scheduler.continueWith(parent, report('c'));
      const running = await scheduler.enqueue(report('r'));
      expect(await claim()).toMatchObject({ _id: running });
      const finished = await scheduler.enqueue(report('f'));
      await scheduler.delete(finished);
      const snapshot = async () => jobs().find({}).sort({ _id: 1 }).toArray();
      const before = await snapshot();
      for (const id of [running, finished, 'no-such-job']) {
        await expect(scheduler.runNow(id)).resolves.toBe(false);
        await expect(scheduler.reschedule(id, { delayMs: 10 })).resolves.toBe(false);
        await expect(scheduler.changePriority(id, 1)).resolves.toBe(false);
        await expect(scheduler.replacePayload(id, report('x'))).resolves.toBe(false);
      }
      // An awaiting job's due time is its parent's to decide.
      await expect(scheduler.runNow(awaiting)).resolves.toBe(false);
      await expect(scheduler.reschedule(awaiting, { delayMs: 10 })).resolves.toBe(false);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses invalid arguments with typed errors before reading anything', async () => {
      const id = await scheduler.enqueue(report('a'));
      const bad = [
        () => scheduler.runNow(''),
        () => scheduler.reschedule(id, {} as never),
        () => scheduler.reschedule(id, { delayMs: -1 }),
        () => scheduler.changePriority(id, 1001),
        () => scheduler.changePriority(id, 1.5),
        () => scheduler.changePriority(undefined as never, 1),
      ];
      for (const call of bad) await expect(call()).rejects.toBeInstanceOf(InvalidOptionsError);
      await expect(scheduler.changePriority(id, 1001)).rejects.toThrow(
        'priority must be an integer between -1000 and 1000, got 1001',
      );
      expect((await read(id)).priority).toBe(0);
    });
  });

  describe('replacePayload', () => {
    it('replaces the payload, keeping id, due time, attempts, and records it', async () => {
      const id = await scheduler.schedule(report('old'), { delayMs: 3_600_000 });
      const before = await read(id);
      await expect(scheduler.replacePayload(id, report('new', 3))).resolves.toBe(true);
      const after = await read(id);
      expect(after.payload).toEqual({ first: 'new', second: 'new', copies: 3 });
      expect(after).toMatchObject({ dueAt: before.dueAt, attempt: 0, state: 'scheduled' });
      expect(after.history.at(-1)).toMatchObject({
        state: 'scheduled',
        reason: 'payload replaced',
      });
    });

    it('checks the replacement as enqueue does, and writes nothing when it fails', async () => {
      const id = await scheduler.enqueue(report('old'));
      const before = await read(id);
      await expect(scheduler.replacePayload(id, report('new', 101))).rejects.toBeInstanceOf(
        JobValidationError,
      );
      const other = Object.assign(new OtherJob(), { first: 'x' });
      const wrongType = await scheduler.replacePayload(id, other).catch((e: unknown) => e);
      expect(wrongType).toBeInstanceOf(InvalidOptionsError);
      expect((wrongType as Error).message).toBe(
        "job must be of the job's own type 'edits.report', got a 'edits.other' job",
      );
      const huge = report('x'.repeat(9 * 1024 * 1024));
      await expect(scheduler.replacePayload(id, huge)).rejects.toBeInstanceOf(PayloadTooLargeError);
      expect(await read(id)).toEqual(before);
    });
  });

  describe('a replacement racing a claim', () => {
    it('claim first: the replacement resolves false and the attempt runs the old payload', async () => {
      const id = await scheduler.enqueue(report('old'));
      const claimed = await claim();
      await expect(scheduler.replacePayload(id, report('new'))).resolves.toBe(false);
      expect(claimed?.payload).toMatchObject({ first: 'old', second: 'old' });
      expect((await read(id)).payload).toMatchObject({ first: 'old', second: 'old' });
    });

    it('replacement first: the claim takes the new payload', async () => {
      const id = await scheduler.enqueue(report('old'));
      await expect(scheduler.replacePayload(id, report('new'))).resolves.toBe(true);
      expect(await claim()).toMatchObject({ _id: id, payload: { first: 'new', second: 'new' } });
    });

    it('a claim between the replacement’s read and its write wins; the replacement resolves false', async () => {
      const id = await scheduler.enqueue(report('old'));
      let claimed: JobRecord | null = null;
      const edit = MongoJobStore.prototype.editWaiting;
      jest.spyOn(MongoJobStore.prototype, 'editWaiting').mockImplementation(async function (
        this: MongoJobStore,
        ...args
      ) {
        claimed ??= await claim();
        return edit.apply(this, args);
      });
      await expect(scheduler.replacePayload(id, report('new'))).resolves.toBe(false);
      expect(claimed).toMatchObject({ _id: id, payload: { first: 'old', second: 'old' } });
      expect(await read(id)).toMatchObject({
        state: 'processing',
        payload: { first: 'old', second: 'old' },
      });
    });

    it('a batch claim that read the job before the replacement no longer takes it', async () => {
      const id = await scheduler.enqueue(report('old'));
      const request = { ...CLAIM, now: new Date() };
      const candidates = await store.findClaimCandidates(request, 10);
      expect(candidates.map((job) => job.payload.first)).toEqual(['old']);
      await expect(scheduler.replacePayload(id, report('new'))).resolves.toBe(true);
      // Without the fence moved by the edit, this claim would run the payload read before it.
      const taken = await store.claimCandidates(request, candidates);
      expect(taken.jobs).toEqual([]);
      const next = await store.claimBatch({ ...CLAIM, now: new Date() }, 10);
      expect(next.jobs.map((job) => job.payload)).toEqual([
        { first: 'new', second: 'new', copies: 1 },
      ]);
    });

    it('against a running server, each job ends replaced or claimed with its old payload, never torn', async () => {
      const server = await docket.startServer({ ...FAST_SERVER, pollIntervalMs: 10 });
      try {
        const outcomes: Array<{ id: string; replaced: boolean }> = [];
        for (let round = 0; round < 40; round++) {
          // Due from now to a few ms ahead: the server's claim and the replacement meet at
          // different points of each other's way.
          const id = await scheduler.schedule(report(`old-${round}`), { delayMs: round % 8 });
          const replaced = await scheduler.replacePayload(id, report(`new-${round}`));
          outcomes.push({ id, replaced });
        }
        for (const { id } of outcomes) {
          await waitFor(async () => (await read(id)).state === 'succeeded');
        }
        outcomes.forEach(({ id, replaced }, round) => {
          const expected = replaced ? `new-${round}` : `old-${round}`;
          expect(seen.get(id)).toEqual([{ first: expected, second: expected }]);
        });
      } finally {
        await server.stop();
      }
    });
  });

  describe("upsert by uniqueKey: onDuplicateKey 'replace'", () => {
    const upsert = { uniqueKey: 'report:acme', onDuplicateKey: 'replace' } as const;

    it('inserts when no job holds the key, then replaces the waiting holder', async () => {
      const id = await scheduler.schedule(report('v1'), { delayMs: 3_600_000 }, upsert);
      const before = await read(id);
      const again = await scheduler.enqueue(report('v2', 2), {
        ...upsert,
        priority: 9,
        queue: 'reports',
        tags: ['acme'],
      });
      expect(again).toBe(id);
      const after = await read(id);
      expect(after).toMatchObject({
        payload: { first: 'v2', second: 'v2', copies: 2 },
        priority: 9,
        queue: 'reports',
        tags: ['acme'],
        state: 'enqueued',
        attempt: 0,
        createdAt: before.createdAt,
      });
      expect(after.dueAt.getTime()).toBeLessThan(before.dueAt.getTime());
      expect(after.history.at(-1)).toMatchObject({
        state: 'enqueued',
        reason: 'replaced by an enqueue with uniqueKey "report:acme"',
      });
      expect(await jobs().countDocuments({})).toBe(1);
    });

    it("without it, a held key keeps the holder's payload, as before", async () => {
      const id = await scheduler.enqueue(report('v1'), { uniqueKey: 'report:acme' });
      await expect(scheduler.enqueue(report('v2'), { uniqueKey: 'report:acme' })).resolves.toBe(id);
      expect((await read(id)).payload.first).toBe('v1');
    });

    it('a running holder keeps its payload and its id is returned, nothing stored', async () => {
      const id = await scheduler.enqueue(report('v1'), upsert);
      expect(await claim()).toMatchObject({ _id: id });
      await expect(scheduler.enqueue(report('v2'), upsert)).resolves.toBe(id);
      expect(await read(id)).toMatchObject({ state: 'processing', payload: { first: 'v1' } });
      expect(await jobs().countDocuments({})).toBe(1);
    });

    it('an awaiting holder takes the payload and keeps waiting for its parent', async () => {
      const parent = await scheduler.schedule(report('p'), { delayMs: 3_600_000 });
      const child = await scheduler.continueWith(parent, report('v1'), {
        uniqueKey: 'report:acme',
      });
      await expect(scheduler.enqueue(report('v2'), upsert)).resolves.toBe(child);
      expect(await read(child)).toMatchObject({
        state: 'awaiting',
        parentId: parent,
        payload: { first: 'v2' },
      });
    });

    it('concurrent upserts of one key store one job, with one of their payloads whole', async () => {
      const ids = await Promise.all(
        Array.from({ length: 20 }, (_, i) => scheduler.enqueue(report(`v${i}`), upsert)),
      );
      expect(new Set(ids).size).toBe(1);
      const stored = await jobs().find({}).toArray();
      expect(stored).toHaveLength(1);
      expect(stored[0].payload.first).toBe(stored[0].payload.second);
      expect(Array.from({ length: 20 }, (_, i) => `v${i}`)).toContain(stored[0].payload.first);
    });

    it('a batch claim that read the holder before the replacement no longer takes it', async () => {
      await scheduler.enqueue(report('v1'), upsert);
      const request = { ...CLAIM, now: new Date() };
      const candidates = await store.findClaimCandidates(request, 10);
      await scheduler.enqueue(report('v2'), upsert);
      expect((await store.claimCandidates(request, candidates)).jobs).toEqual([]);
      expect(await claim()).toMatchObject({ payload: { first: 'v2', second: 'v2' } });
    });

    it('costs one round trip to replace a claimable holder, two to insert', async () => {
      const monitored = await new MongoClient(db.uri, { monitorCommands: true }).connect();
      const counted = await createTestDocket(db, {
        mongo: { client: monitored, dbName: db.dbName },
      });
      const commands: string[] = [];
      monitored.on('commandStarted', (event) => {
        if (event.command[event.commandName] === 'docket.jobs') commands.push(event.commandName);
      });
      try {
        const upserts = counted.container.resolve(JOB_SCHEDULER);
        const id = await upserts.enqueue(report('v1'), upsert);
        expect(commands.splice(0)).toEqual(['findAndModify', 'insert']);
        await expect(upserts.enqueue(report('v2'), upsert)).resolves.toBe(id);
        expect(commands.splice(0)).toEqual(['findAndModify']);
        await upserts.replacePayload(id, report('v3'));
        expect(commands.splice(0)).toEqual(['find', 'findAndModify']);
      } finally {
        await counted.docket.close();
        await monitored.close();
      }
    });

    it('refuses options it does not go with, writing nothing', async () => {
      const session = db.client.startSession();
      try {
        const refused = [
          () => scheduler.enqueue(report('a'), { onDuplicateKey: 'replace' }),
          () => scheduler.enqueue(report('a'), { ...upsert, onDuplicateKey: 'merge' as never }),
          () => scheduler.enqueue(report('a'), { ...upsert, session }),
          () => scheduler.enqueueMany([report('a')], upsert),
          () => scheduler.continueWith('parent', report('a'), upsert),
        ];
        for (const call of refused) {
          await expect(call()).rejects.toBeInstanceOf(InvalidOptionsError);
        }
        await expect(refused[0]()).rejects.toThrow(
          'onDuplicateKey needs a uniqueKey: it says what a key held by an unfinished job does',
        );
      } finally {
        await session.endSession();
      }
      expect(await jobs().countDocuments({})).toBe(0);
    });
  });
});
