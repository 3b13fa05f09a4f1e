import type { Collection } from 'mongodb';
import {
  InvalidCronExpressionError,
  InvalidOptionsError,
  Job,
  JobHandler,
  JobValidationError,
  NonSerializablePayloadError,
  UnknownJobTypeError,
  type IJob,
  type IJobHandler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import { RecurringJobNotFoundError } from '../../../src/errors';
import {
  MongoRecurringStore,
  Recurring,
  nextOccurrence,
  occurrenceJobId,
  type RecurringJobs,
  type RecurringRecord,
  type RecurringTicker,
} from '../../../src/recurring';
import type { Clock } from '../../../src/server/clock';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';
import { TickJob, tick } from '../fixtures/recurring-jobs';
import { occurrenceJobsOf, openRecurring, type RecurringSetup } from '../fixtures/recurring-setup';

/** The system clock shifted by `offsetMs`, so a test can let time pass without waiting. */
class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

const HOUR = 3_600_000;
const utcSchedule = (cron: string, id: string) => ({ cron, timeZone: 'UTC', hashSeed: id });

class NotAJob implements IJob {
  name = 'x';
}

describe('recurring jobs', () => {
  let db: TestDatabase;
  let setup: RecurringSetup;
  let recurring: RecurringJobs;
  let definitions: Collection<RecurringRecord>;
  let jobs: Collection<JobRecord>;
  const clock = new ShiftedClock();
  const tickers: RecurringTicker[] = [];
  const changed: string[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('recurring');
    setup = await openRecurring(db.client, db.dbName, { clock });
    recurring = setup.recurring;
    setup.events.on('recurring.changed', (event) => changed.push(event.recurringId));
    definitions = db.client.db(db.dbName).collection<RecurringRecord>('docket.recurring');
    jobs = db.client.db(db.dbName).collection<JobRecord>('docket.jobs');
  });

  afterEach(async () => {
    await Promise.all(tickers.splice(0).map((ticker) => ticker.stop()));
    clock.offsetMs = 0;
  });

  afterAll(async () => {
    await db.cleanup();
  });

  const startTicker = (serverId = 'ticker-a', pollIntervalMs = 100): RecurringTicker => {
    const ticker = recurring.createTicker({ serverId, pollIntervalMs });
    tickers.push(ticker);
    ticker.start();
    return ticker;
  };

  describe('definitions', () => {
    it('adds a recurring job, stored like an enqueue, with its next run', async () => {
      const before = clock.now();
      await recurring.addOrUpdate('r.add', tick('add', 7), '0 * * * *', {
        queue: 'reports',
        priority: 5,
      });
      const stored = await definitions.findOne({ _id: 'r.add' });
      expect(stored).toEqual({
        _id: 'r.add',
        type: 'recurring-test.tick',
        payload: { name: 'add', n: 7 },
        cron: '0 * * * *',
        timeZone: 'UTC',
        queue: 'reports',
        priority: 5,
        maxAttempts: null,
        timeoutMs: null,
        missedRunPolicy: 'runOnce',
        everyMs: null,
        anchor: null,
        startAt: null,
        endAt: null,
        repeatLimit: null,
        overlap: 'allow',
        runCount: 0,
        skippedCount: 0,
        lastSkippedAt: null,
        waiting: false,
        paused: false,
        nextRunAt: nextOccurrence(utcSchedule('0 * * * *', 'r.add'), before),
        lastRunAt: null,
        lastJobId: null,
        createdAt: expect.any(Date),
        updatedAt: stored!.createdAt,
      });
      expect(changed).toContain('r.add');
      const info = await recurring.get('r.add');
      expect(info).toMatchObject({
        id: 'r.add',
        jobType: 'recurring-test.tick',
        cron: '0 * * * *',
        queue: 'reports',
        paused: false,
        nextRunAt: stored!.nextRunAt,
        lastRunAt: null,
        lastJobId: null,
      });
    });

    it('an identical re-add writes nothing: updatedAt and nextRunAt stay', async () => {
      await recurring.addOrUpdate('r.same', tick('same'), '*/5 * * * *', {
        timeZone: 'Europe/Berlin',
      });
      const first = await definitions.findOne({ _id: 'r.same' });
      changed.length = 0;
      clock.offsetMs = 2 * HOUR; // anything written now would carry a later time
      await recurring.addOrUpdate('r.same', tick('same'), '*/5 * * * *', {
        timeZone: 'Europe/Berlin',
      });
      await recurring.addOrUpdate('r.same', tick('same'), '*/5 * * * *', {
        timeZone: 'Europe/Berlin',
        missedRunPolicy: 'runOnce',
        queue: 'default',
      });
      expect(await definitions.findOne({ _id: 'r.same' })).toEqual(first);
      expect(changed).toEqual([]);
    });

    it('payload values that MongoDB gives back in another form (Buffer, bigint) still compare equal', async () => {
      @Job('recurring-test.rich')
      class RichJob implements IJob {
        data = Buffer.from([1, 2, 3]);
        big = 9_007_199_254_740_993n;
        at = new Date('2026-01-01T00:00:00Z');
        nested = { list: [1, 'two', null] };
      }
      await recurring.addOrUpdate('r.rich', new RichJob(), '@daily');
      const first = await definitions.findOne({ _id: 'r.rich' });
      clock.offsetMs = HOUR;
      await recurring.addOrUpdate('r.rich', new RichJob(), '@daily');
      expect(await definitions.findOne({ _id: 'r.rich' })).toEqual(first);
    });

    it('a new cron or time zone reschedules from now; other changes keep the next run', async () => {
      await recurring.addOrUpdate('r.change', tick('change'), '0 3 * * *');
      const original = (await definitions.findOne({ _id: 'r.change' }))!;

      clock.offsetMs = 60_000;
      await recurring.addOrUpdate('r.change', tick('change', 2), '0 3 * * *', {
        queue: 'other',
        maxAttempts: 2,
      });
      const sameSchedule = (await definitions.findOne({ _id: 'r.change' }))!;
      expect(sameSchedule).toMatchObject({
        queue: 'other',
        maxAttempts: 2,
        payload: { name: 'change', n: 2 },
      });
      expect(sameSchedule.nextRunAt).toEqual(original.nextRunAt);
      expect(sameSchedule.updatedAt.getTime()).toBeGreaterThan(original.updatedAt.getTime());
      expect(sameSchedule.createdAt).toEqual(original.createdAt);

      clock.offsetMs = 30 * HOUR;
      await recurring.addOrUpdate('r.change', tick('change', 2), '0 3 * * *', {
        queue: 'other',
        maxAttempts: 2,
        timeZone: 'America/New_York',
      });
      const newZone = (await definitions.findOne({ _id: 'r.change' }))!;
      expect(newZone.timeZone).toBe('America/New_York');
      expect(newZone.nextRunAt).toEqual(
        nextOccurrence(
          { cron: '0 3 * * *', timeZone: 'America/New_York', hashSeed: 'r.change' },
          newZone.updatedAt,
        ),
      );

      await recurring.addOrUpdate('r.change', tick('change', 2), '0 4 * * *', {
        queue: 'other',
        maxAttempts: 2,
        timeZone: 'America/New_York',
      });
      const newCron = (await definitions.findOne({ _id: 'r.change' }))!;
      expect(newCron.nextRunAt).toEqual(
        nextOccurrence(
          { cron: '0 4 * * *', timeZone: 'America/New_York', hashSeed: 'r.change' },
          newCron.updatedAt,
        ),
      );
    });

    it('bad input is a typed error and writes nothing', async () => {
      const attempts: Array<[() => Promise<void>, new (...args: never[]) => Error, RegExp]> = [
        [
          () => recurring.addOrUpdate('bad id', tick('x'), '* * * * *'),
          InvalidOptionsError,
          /id must be/,
        ],
        [
          () => recurring.addOrUpdate('r.bad', tick('x'), '* * * 13 *'),
          InvalidCronExpressionError,
          /expected range 1-12/,
        ],
        [
          () => recurring.addOrUpdate('r.bad', tick('x'), '* * * *'),
          InvalidCronExpressionError,
          /got 4/,
        ],
        [
          () =>
            recurring.addOrUpdate('r.bad', tick('x'), '* * * * *', { timeZone: 'Mars/Olympus' }),
          InvalidOptionsError,
          /timeZone must be an IANA time zone name .*"Mars\/Olympus"/,
        ],
        [
          () =>
            recurring.addOrUpdate('r.bad', tick('x'), '* * * * *', { cron: '* * * * *' } as object),
          InvalidOptionsError,
          /unknown option 'cron'/,
        ],
        [
          () =>
            recurring.addOrUpdate('r.bad', tick('x'), '* * * * *', {
              missedRunPolicy: 'all' as 'skip',
            }),
          InvalidOptionsError,
          /missedRunPolicy must be one of/,
        ],
        [
          () => recurring.addOrUpdate('r.bad', new NotAJob(), '* * * * *'),
          UnknownJobTypeError,
          /not a job class/,
        ],
        [() => recurring.addOrUpdate('r.bad', tick('x', -1), '* * * * *'), JobValidationError, /n/],
        [
          () =>
            recurring.addOrUpdate('r.bad', Object.assign(tick('x'), { fn: () => 1 }), '* * * * *'),
          NonSerializablePayloadError,
          /payload\.fn/,
        ],
      ];
      for (const [attempt, type, message] of attempts) {
        await expect(attempt()).rejects.toBeInstanceOf(type);
        await expect(attempt()).rejects.toThrow(message);
      }
      expect(await definitions.countDocuments({ _id: { $in: ['bad id', 'r.bad'] } })).toBe(0);

      // A bad update leaves the existing definition as it was.
      await recurring.addOrUpdate('r.kept', tick('kept'), '0 0 * * *');
      const kept = await definitions.findOne({ _id: 'r.kept' });
      await expect(
        recurring.addOrUpdate('r.kept', tick('kept'), '0 0 * * * * *'),
      ).rejects.toBeInstanceOf(InvalidCronExpressionError);
      await expect(
        recurring.addOrUpdate('r.kept', tick('kept', -5), '0 1 * * *'),
      ).rejects.toBeInstanceOf(JobValidationError);
      expect(await definitions.findOne({ _id: 'r.kept' })).toEqual(kept);
    });

    it('trigger enqueues one job now, outside the schedule; unknown ids are a typed error', async () => {
      await recurring.addOrUpdate('r.trigger', tick('trigger', 3), '0 0 1 1 *', {
        queue: 'manual',
        priority: 9,
        timeoutMs: 5_000,
      });
      const before = (await definitions.findOne({ _id: 'r.trigger' }))!;
      const enqueued = nextEvent<{ recurringId: string; jobId: string }>((listener) =>
        setup.events.on('recurring.enqueued', listener),
      );
      const jobId = await recurring.trigger('r.trigger');
      expect((await enqueued).jobId).toBe(jobId);
      const job = await jobs.findOne({ _id: jobId });
      expect(job).toMatchObject({
        type: 'recurring-test.tick',
        state: 'enqueued',
        queue: 'manual',
        priority: 9,
        timeoutMs: 5_000,
        maxAttempts: null,
        payload: { name: 'trigger', n: 3 },
      });
      expect(job!.history[0].reason).toMatch(/recurring job 'r.trigger': triggered/);
      const after = (await definitions.findOne({ _id: 'r.trigger' }))!;
      expect(after.lastJobId).toBe(jobId);
      expect(after.lastRunAt).toEqual(job!.createdAt);
      expect(after.nextRunAt).toEqual(before.nextRunAt);
      expect(after.updatedAt).toEqual(before.updatedAt);

      await expect(recurring.trigger('r.nope')).rejects.toBeInstanceOf(RecurringJobNotFoundError);
      await expect(recurring.trigger('r.nope')).rejects.toThrow(
        "Recurring job 'r.nope' was not found",
      );
    });

    it('remove deletes the definition (not the jobs it enqueued); false when unknown', async () => {
      await recurring.addOrUpdate('r.remove', tick('remove'), '0 0 * * *');
      const jobId = await recurring.trigger('r.remove');
      changed.length = 0;
      expect(await recurring.remove('r.remove')).toBe(true);
      expect(changed).toEqual(['r.remove']);
      expect(await definitions.findOne({ _id: 'r.remove' })).toBeNull();
      expect(await recurring.get('r.remove')).toBeNull();
      expect(await jobs.findOne({ _id: jobId })).not.toBeNull();
      expect(await recurring.remove('r.remove')).toBe(false);
    });

    it('pause and resume: a paused job has no next run; resume recomputes it from now', async () => {
      await recurring.addOrUpdate('r.pause', tick('pause'), '0 * * * *');
      expect(await recurring.pause('r.pause')).toBe(true);
      const paused = (await definitions.findOne({ _id: 'r.pause' }))!;
      expect(paused.paused).toBe(true);
      expect(await recurring.get('r.pause')).toMatchObject({ paused: true, nextRunAt: null });

      clock.offsetMs = 5 * HOUR;
      expect(await recurring.pause('r.pause')).toBe(true); // already paused: nothing written
      expect(await definitions.findOne({ _id: 'r.pause' })).toEqual(paused);

      expect(await recurring.resume('r.pause')).toBe(true);
      const resumed = (await definitions.findOne({ _id: 'r.pause' }))!;
      expect(resumed.paused).toBe(false);
      expect(resumed.nextRunAt).toEqual(
        nextOccurrence(utcSchedule('0 * * * *', 'r.pause'), resumed.updatedAt),
      );
      expect(resumed.nextRunAt!.getTime()).toBeGreaterThan(paused.nextRunAt!.getTime() + 4 * HOUR);
      expect(await recurring.resume('r.pause')).toBe(true);
      expect(await definitions.findOne({ _id: 'r.pause' })).toEqual(resumed);

      expect(await recurring.pause('r.unknown')).toBe(false);
      expect(await recurring.resume('r.unknown')).toBe(false);
    });

    it('concurrent adds of one new definition (several processes starting) store it once', async () => {
      const other = await openRecurring(db.client, db.dbName, { clock });
      await Promise.all([
        recurring.addOrUpdate('r.race', tick('race'), '0 5 * * *'),
        other.recurring.addOrUpdate('r.race', tick('race'), '0 5 * * *'),
        other.recurring.addOrUpdate('r.race', tick('race'), '0 5 * * *'),
      ]);
      expect(await definitions.countDocuments({ _id: 'r.race' })).toBe(1);
      // Deterministically: another process creates it between our read and our insert.
      const stored = await definitions.findOne({ _id: 'r.race' });
      const find = jest.spyOn(MongoRecurringStore.prototype, 'find').mockResolvedValueOnce(null);
      const insert = jest.spyOn(MongoRecurringStore.prototype, 'insert');
      try {
        await recurring.addOrUpdate('r.race', tick('race'), '0 5 * * *');
        expect(await Promise.all(insert.mock.results.map((result) => result.value))).toEqual([
          false,
        ]);
      } finally {
        find.mockRestore();
        insert.mockRestore();
      }
      expect(await definitions.findOne({ _id: 'r.race' })).toEqual(stored);
    });

    it('lists every recurring job by id with its last and next run', async () => {
      await recurring.addOrUpdate('r.list.b', tick('b'), '0 12 * * *', { missedRunPolicy: 'skip' });
      await recurring.addOrUpdate('r.list.a', tick('a'), '0 6 * * *');
      const jobId = await recurring.trigger('r.list.a');
      const listed = (await recurring.list()).filter((info) => info.id.startsWith('r.list.'));
      expect(listed.map((info) => info.id)).toEqual(['r.list.a', 'r.list.b']);
      expect(listed[0]).toMatchObject({
        lastJobId: jobId,
        missedRunPolicy: 'runOnce',
        timeZone: 'UTC',
      });
      expect(listed[0].lastRunAt).toBeInstanceOf(Date);
      expect(listed[0].nextRunAt).toBeInstanceOf(Date);
      expect(listed[1]).toMatchObject({
        lastJobId: null,
        lastRunAt: null,
        missedRunPolicy: 'skip',
      });
    });
  });

  describe('ticker', () => {
    /** Stores a definition whose next run is `ago` ms in the past, as after a downtime. */
    async function addOverdue(
      id: string,
      cron: string,
      agoMs: number,
      missedRunPolicy: 'runOnce' | 'skip',
    ) {
      await recurring.addOrUpdate(id, tick(id), cron, { missedRunPolicy });
      const nextRunAt = nextOccurrence(utcSchedule(cron, id), new Date(Date.now() - agoMs - HOUR));
      await definitions.updateOne({ _id: id }, { $set: { nextRunAt } });
      return nextRunAt;
    }

    const jobsOf = (id: string) => jobs.find(occurrenceJobsOf(id)).sort({ _id: 1 }).toArray();

    it('after downtime, runOnce enqueues exactly one job and moves to the first occurrence after now', async () => {
      const missedFrom = await addOverdue('t.runonce', '0 * * * *', 3 * HOUR, 'runOnce');
      startTicker();
      const advanced = await waitFor(
        async () => {
          const record = await definitions.findOne({ _id: 't.runonce' });
          return record && record.nextRunAt!.getTime() > Date.now() ? record : null;
        },
        { what: 'the definition to move past now' },
      );
      const enqueued = await jobsOf('t.runonce');
      expect(enqueued.map((job) => job._id)).toEqual([occurrenceJobId('t.runonce', missedFrom)]);
      expect(enqueued[0]).toMatchObject({ state: 'enqueued', payload: { name: 't.runonce' } });
      expect(enqueued[0].history[0].reason).toMatch(/one run for the occurrences missed since /);
      expect(advanced.nextRunAt).toEqual(
        nextOccurrence(utcSchedule('0 * * * *', 't.runonce'), new Date()),
      );
      expect(advanced).toMatchObject({ lastRunAt: missedFrom, lastJobId: enqueued[0]._id });
    });

    it('after downtime, skip enqueues nothing and moves to the first occurrence after now', async () => {
      await addOverdue('t.skip', '*/10 * * * *', 2 * HOUR, 'skip');
      startTicker();
      const advanced = await waitFor(
        async () => {
          const record = await definitions.findOne({ _id: 't.skip' });
          return record && record.nextRunAt!.getTime() > Date.now() ? record : null;
        },
        { what: 'the definition to move past now' },
      );
      expect(await jobsOf('t.skip')).toEqual([]);
      expect(advanced).toMatchObject({ lastRunAt: null, lastJobId: null });
    });

    it('two tickers on one overdue definition still enqueue one job', async () => {
      const missedFrom = await addOverdue('t.two', '0 0 * * *', 3 * 24 * HOUR, 'runOnce');
      startTicker('ticker-a');
      startTicker('ticker-b');
      await waitFor(
        async () =>
          ((await definitions.findOne({ _id: 't.two' }))?.nextRunAt?.getTime() ?? 0) > Date.now(),
        { what: 'the definition to move past now' },
      );
      expect((await jobsOf('t.two')).map((job) => job._id)).toEqual([
        occurrenceJobId('t.two', missedFrom),
      ]);
    });

    it('a server that enqueued an occurrence and died before advancing: another one advances', async () => {
      await recurring.addOrUpdate('t.orphan', tick('t.orphan'), '0 * * * *');
      // The occurrence is due and its job exists (the winner's insert), but the definition
      // still points at it (the winner died before its advance).
      const due = nextOccurrence(utcSchedule('0 * * * *', 't.orphan'), new Date(Date.now() - HOUR));
      await definitions.updateOne({ _id: 't.orphan' }, { $set: { nextRunAt: due } });
      await jobs.insertOne({ _id: occurrenceJobId('t.orphan', due), state: 'enqueued' } as never);
      startTicker();
      const advanced = await waitFor(
        async () => {
          const record = await definitions.findOne({ _id: 't.orphan' });
          return record && record.nextRunAt!.getTime() > due.getTime() ? record : null;
        },
        { what: 'another server to advance the definition' },
      );
      expect(advanced.nextRunAt).toEqual(
        nextOccurrence(utcSchedule('0 * * * *', 't.orphan'), new Date()),
      );
      expect((await jobsOf('t.orphan')).map((job) => job._id)).toEqual([
        occurrenceJobId('t.orphan', due),
      ]);
    });

    it('a paused definition enqueues nothing, even when overdue', async () => {
      await addOverdue('t.paused', '0 * * * *', HOUR, 'runOnce');
      await recurring.pause('t.paused');
      const control = await addOverdue('t.control', '0 * * * *', HOUR, 'runOnce');
      startTicker();
      // Once the control's job exists, the tick that read both has run.
      await waitFor(async () => (await jobsOf('t.control')).length === 1, {
        what: 'the control job',
      });
      expect((await jobsOf('t.control'))[0]._id).toBe(occurrenceJobId('t.control', control));
      expect(await jobsOf('t.paused')).toEqual([]);
    });

    it('a few seconds late (a stalled process) catches up every occurrence, none skipped', async () => {
      const now = Date.now();
      const lateFrom = new Date(Math.floor(now / 1000) * 1000 - 3_000);
      await recurring.addOrUpdate('t.late', tick('late'), '* * * * * *');
      await definitions.updateOne({ _id: 't.late' }, { $set: { nextRunAt: lateFrom } });
      startTicker();
      await waitFor(async () => (await jobsOf('t.late')).length >= 4, {
        what: 'the late occurrences',
      });
      await recurring.remove('t.late');
      const ids = (await jobsOf('t.late')).map((job) => job._id).slice(0, 4);
      expect(ids).toEqual(
        [0, 1, 2, 3].map((s) => occurrenceJobId('t.late', new Date(lateFrom.getTime() + s * 1000))),
      );
    });

    it('a per-second schedule produces one job per second that a server runs', async () => {
      const runs: Array<{ jobId: string; name: string }> = [];
      @JobHandler(TickJob)
      class TickHandler implements IJobHandler<TickJob> {
        async handle(job: TickJob, ctx: JobContext): Promise<void> {
          runs.push({ jobId: ctx.jobId, name: job.name });
        }
      }
      const { docket } = await createTestDocket(db, { handlers: [TickHandler] });
      try {
        await docket.startServer({ ...FAST_SERVER, queues: ['default'] });
        const ticker = startTicker('ticker-server', 1_000);
        const seen = new Set<string>();
        const off = setup.events.on('recurring.enqueued', (event) => seen.add(event.jobId));
        await recurring.addOrUpdate('t.second', tick('every-second'), '* * * * * *');
        ticker.wake();
        const mine = () => runs.filter((run) => run.jobId.startsWith('t.second@'));
        await waitFor(() => mine().length >= 3, { what: '3 runs', timeoutMs: 10_000 });
        await recurring.pause('t.second');
        const ids = mine().map((run) => run.jobId);
        expect(new Set(ids).size).toBe(ids.length);
        const seconds = ids
          .map((id) => Date.parse(id.slice('t.second@'.length)))
          .sort((a, b) => a - b);
        for (let i = 1; i < seconds.length; i++) expect(seconds[i] - seconds[i - 1]).toBe(1_000);
        expect(mine().every((run) => run.name === 'every-second')).toBe(true);
        const info = (await recurring.get('t.second'))!;
        expect(info.lastJobId).toMatch(/^t\.second@/);
        expect(seen.size).toBeGreaterThanOrEqual(1);
        off();
      } finally {
        await docket.close();
      }
    });

    it('reports a definition it cannot schedule as an error event, never throws', async () => {
      const errors: string[] = [];
      const off = setup.events.on('error', (event) => errors.push(event.context));
      try {
        await recurring.addOrUpdate('t.broken', tick('broken'), '* * * * * *');
        // A definition the ticker cannot compute a schedule for (written behind Docket's back).
        await definitions.updateOne(
          { _id: 't.broken' },
          { $set: { cron: 'not a cron', nextRunAt: new Date(Date.now() - 1_000) } },
        );
        startTicker('ticker-errors', 50);
        await waitFor(() => errors.some((context) => context.includes("'t.broken'")), {
          what: 'an error event',
        });
      } finally {
        off();
        await recurring.remove('t.broken');
      }
    });
  });

  // Last: `Docket.create` applies every @Recurring declaration loaded in the process, and
  // these tests declare clashing ones.
  describe('@Recurring declarations', () => {
    @Recurring('decl.report', '0 2 * * *', {
      timeZone: 'Europe/Berlin',
      payload: { name: 'nightly', n: 1 },
    })
    @Job('recurring-test.report')
    class ReportJob implements IJob {
      name = 'report';
      n = 0;
    }

    @Job('recurring-test.cleanup')
    class CleanupJob implements IJob {
      days = 30;
    }

    @Recurring('decl.cleanup', '0 0 4 * * *', { queue: 'maintenance' })
    @JobHandler(CleanupJob)
    class CleanupHandler implements IJobHandler<CleanupJob> {
      async handle(): Promise<void> {}
    }

    it('applies declarations from job and handler classes; applying again changes nothing', async () => {
      await recurring.applyDeclared([ReportJob, CleanupHandler, TickJob]);
      const report = (await definitions.findOne({ _id: 'decl.report' }))!;
      const cleanup = (await definitions.findOne({ _id: 'decl.cleanup' }))!;
      expect(report).toMatchObject({
        type: 'recurring-test.report',
        payload: { name: 'nightly', n: 1 },
        timeZone: 'Europe/Berlin',
      });
      expect(cleanup).toMatchObject({
        type: 'recurring-test.cleanup',
        payload: { days: 30 },
        cron: '0 0 4 * * *',
        queue: 'maintenance',
      });

      clock.offsetMs = HOUR;
      changed.length = 0;
      await recurring.applyDeclared([ReportJob, CleanupHandler]);
      await recurring.applyDeclared(); // every decorated class loaded so far: the same two
      expect(await definitions.findOne({ _id: 'decl.report' })).toEqual(report);
      expect(await definitions.findOne({ _id: 'decl.cleanup' })).toEqual(cleanup);
      expect(changed).toEqual([]);
    });

    it('refuses a duplicated id or a class that is neither job nor handler, writing nothing', async () => {
      @Recurring('decl.clash', '0 * * * *')
      @Job('recurring-test.clash-a')
      class ClashA implements IJob {}
      @Recurring('decl.clash', '0 * * * *')
      @Job('recurring-test.clash-b')
      class ClashB implements IJob {}
      @Recurring('decl.orphan', '0 * * * *')
      class Orphan {}

      await expect(recurring.applyDeclared([ClashA, ClashB])).rejects.toThrow(
        /@Recurring\('decl.clash'\) is declared on both ClashA and ClashB/,
      );
      await expect(recurring.applyDeclared([Orphan])).rejects.toThrow(
        /must be a @Job or a @JobHandler class/,
      );
      expect(
        await definitions.countDocuments({ _id: { $in: ['decl.clash', 'decl.orphan'] } }),
      ).toBe(0);
    });
  });
});
