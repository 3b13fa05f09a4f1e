import type { Collection } from 'mongodb';
import { InvalidOptionsError, type JobRecord } from '../../../src';
import {
  MAX_BACKFILL,
  MongoRecurringStore,
  occurrenceJobId,
  type RecurringJobs,
  type RecurringRecord,
  type RecurringTicker,
} from '../../../src/recurring';
import { ManualClock } from '../../../src/testing/harness/manual-clock';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { tick } from '../fixtures/recurring-jobs';
import { occurrenceJobsOf, openRecurring, type RecurringSetup } from '../fixtures/recurring-setup';

/*
 * The shape of a recurring schedule (interval, window, repeat limit), its overlap policies
 * and the backfill missed-run policy, on one ticker driven by a manual clock: each step sets
 * the clock to an occurrence and waits for the definition to move on.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = new Date('2030-01-01T00:00:00Z');
const plus = (ms: number) => new Date(T0.getTime() + ms);

describe('recurring schedule shape', () => {
  let db: TestDatabase;
  let setup: RecurringSetup;
  let recurring: RecurringJobs;
  let definitions: Collection<RecurringRecord>;
  let jobs: Collection<JobRecord>;
  let clock: ManualClock;
  let ticker: RecurringTicker | undefined;

  beforeEach(async () => {
    db = await openTestDatabase('recurring_shape');
    clock = new ManualClock({ startAt: new Date(T0.getTime() - 10_000) });
    setup = await openRecurring(db.client, db.dbName, { clock });
    recurring = setup.recurring;
    definitions = db.client.db(db.dbName).collection<RecurringRecord>('docket.recurring');
    jobs = db.client.db(db.dbName).collection<JobRecord>('docket.jobs');
  });

  afterEach(async () => {
    await ticker?.stop();
    ticker = undefined;
    await db.cleanup();
  });

  const startTicker = (pollIntervalMs = 50) => {
    ticker = recurring.createTicker({ serverId: 'shape', pollIntervalMs });
    ticker.start();
  };
  const jobIdsOf = async (id: string) =>
    (await jobs.find(occurrenceJobsOf(id)).sort({ _id: 1 }).toArray()).map((job) => job._id);
  /** Sets the clock to `at` and waits until the definition's next run is past it (or none). */
  const stepTo = async (id: string, at: Date) => {
    clock.set(at);
    return waitFor(
      async () => {
        const record = await definitions.findOne({ _id: id });
        return record && (record.nextRunAt === null || record.nextRunAt > at) ? record : null;
      },
      { what: `${id} to move past ${at.toISOString()}` },
    );
  };

  it('an interval schedule from startAt: one job every interval, at whole intervals from the start', async () => {
    await recurring.addOrUpdate(
      's.every',
      tick('every'),
      { everyMs: 10 * MINUTE },
      { startAt: T0 },
    );
    expect(await recurring.get('s.every')).toMatchObject({
      cron: null,
      everyMs: 10 * MINUTE,
      startAt: T0,
      nextRunAt: T0,
    });
    startTicker();
    for (let i = 0; i < 3; i++) await stepTo('s.every', plus(i * 10 * MINUTE));
    expect(await jobIdsOf('s.every')).toEqual(
      [0, 1, 2].map((i) => occurrenceJobId('s.every', plus(i * 10 * MINUTE))),
    );
    expect((await recurring.get('s.every'))?.nextRunAt).toEqual(plus(30 * MINUTE));
  });

  it('an interval without startAt counts from when it was set, and keeps its phase when only its window changes', async () => {
    const setAt = clock.now(); // T0 - 10 s
    await recurring.addOrUpdate('s.phase', tick('phase'), { everyMs: MINUTE });
    expect((await recurring.get('s.phase'))?.nextRunAt).toEqual(new Date(setAt.getTime() + MINUTE));
    clock.set(T0);
    await recurring.addOrUpdate(
      's.phase',
      tick('phase'),
      { everyMs: MINUTE },
      { endAt: plus(HOUR) },
    );
    expect((await recurring.get('s.phase'))?.nextRunAt).toEqual(new Date(setAt.getTime() + MINUTE));
    // A new interval counts from the change.
    await recurring.addOrUpdate(
      's.phase',
      tick('phase'),
      { everyMs: 2 * MINUTE },
      { endAt: plus(HOUR) },
    );
    expect((await recurring.get('s.phase'))?.nextRunAt).toEqual(plus(2 * MINUTE));
  });

  it('endAt: no occurrence after it, then no next run (ended)', async () => {
    await recurring.addOrUpdate('s.window', tick('window'), '* * * * *', {
      startAt: T0,
      endAt: plus(2 * MINUTE),
    });
    startTicker();
    await stepTo('s.window', T0);
    await stepTo('s.window', plus(MINUTE));
    const last = await stepTo('s.window', plus(2 * MINUTE));
    expect(last.nextRunAt).toBeNull();
    clock.set(plus(10 * MINUTE));
    expect(await jobIdsOf('s.window')).toEqual(
      [0, 1, 2].map((i) => occurrenceJobId('s.window', plus(i * MINUTE))),
    );
    expect(await recurring.get('s.window')).toMatchObject({ ended: true, nextRunAt: null });
  });

  it('repeatLimit: the schedule enqueues that many jobs, then has no next run', async () => {
    await recurring.addOrUpdate(
      's.limit',
      tick('limit'),
      { everyMs: MINUTE },
      {
        startAt: T0,
        repeatLimit: 2,
      },
    );
    startTicker();
    expect(await recurring.get('s.limit')).toMatchObject({ remainingRuns: 2, runCount: 0 });
    await stepTo('s.limit', T0);
    expect(await recurring.get('s.limit')).toMatchObject({ remainingRuns: 1, runCount: 1 });
    const ended = await stepTo('s.limit', plus(MINUTE));
    expect(ended).toMatchObject({ nextRunAt: null, runCount: 2 });
    expect(await recurring.get('s.limit')).toMatchObject({ remainingRuns: 0, ended: true });
    expect(await jobIdsOf('s.limit')).toEqual([
      occurrenceJobId('s.limit', T0),
      occurrenceJobId('s.limit', plus(MINUTE)),
    ]);
    // A trigger still runs once, and is not counted.
    await recurring.trigger('s.limit');
    expect(await recurring.get('s.limit')).toMatchObject({ runCount: 2, nextRunAt: null });
  });

  it('overlap skip: an occurrence falling while the previous job is unfinished is skipped and counted', async () => {
    await recurring.addOrUpdate(
      's.skip',
      tick('skip'),
      { everyMs: MINUTE },
      {
        startAt: T0,
        overlap: 'skip',
      },
    );
    startTicker();
    await stepTo('s.skip', T0); // its job is stored, and nothing runs it
    const skipped = await stepTo('s.skip', plus(MINUTE));
    expect(skipped).toMatchObject({ skippedCount: 1, lastSkippedAt: plus(MINUTE), runCount: 1 });
    expect(await jobIdsOf('s.skip')).toEqual([occurrenceJobId('s.skip', T0)]);
    // A trigger while it is unfinished enqueues nothing: it answers the unfinished job.
    expect(await recurring.trigger('s.skip')).toBe(occurrenceJobId('s.skip', T0));
    // Once the previous job has finished, the next occurrence runs.
    await setup.store.delete(occurrenceJobId('s.skip', T0), clock.now());
    await stepTo('s.skip', plus(2 * MINUTE));
    expect(await jobIdsOf('s.skip')).toEqual([
      occurrenceJobId('s.skip', T0),
      occurrenceJobId('s.skip', plus(2 * MINUTE)),
    ]);
    expect(await recurring.get('s.skip')).toMatchObject({ skippedCount: 1, runCount: 2 });
  });

  it('overlap queue: the occurrence waits for the previous job, however long, then runs at once', async () => {
    await recurring.addOrUpdate(
      's.queue',
      tick('queue'),
      { everyMs: MINUTE },
      {
        startAt: T0,
        overlap: 'queue',
        missedRunPolicy: 'skip',
      },
    );
    startTicker();
    await stepTo('s.queue', T0);
    clock.set(plus(MINUTE));
    await waitFor(async () => (await definitions.findOne({ _id: 's.queue' }))?.waiting === true, {
      what: 'the occurrence to wait',
    });
    // It waited through 5 more occurrences: far beyond the missed-run tolerance.
    clock.set(plus(6 * MINUTE + 30_000));
    expect(await jobIdsOf('s.queue')).toEqual([occurrenceJobId('s.queue', T0)]);
    const finishedAt = clock.now();
    await setup.store.delete(occurrenceJobId('s.queue', T0), finishedAt);
    const queuedId = occurrenceJobId('s.queue', plus(MINUTE));
    const queued = await waitFor(() => jobs.findOne({ _id: queuedId }), { what: 'the queued job' });
    expect(queued).toMatchObject({ state: 'enqueued', dueAt: finishedAt });
    const record = await waitFor(
      async () => {
        const found = await definitions.findOne({ _id: 's.queue' });
        return found?.waiting === false ? found : null;
      },
      { what: 'the definition to move on' },
    );
    // 00:02 to 00:06 fell while it waited: folded into it; the next run is after now.
    expect(record).toMatchObject({ skippedCount: 5, runCount: 2, nextRunAt: plus(7 * MINUTE) });
  });

  it('overlap queue: the previous job finishing in this process wakes the ticker at once, not at its next poll', async () => {
    await recurring.addOrUpdate(
      's.wake',
      tick('wake'),
      { everyMs: MINUTE },
      {
        startAt: T0,
        overlap: 'queue',
      },
    );
    clock.set(T0);
    startTicker(3_600_000); // it would not poll again within the test
    const first = occurrenceJobId('s.wake', T0);
    await waitFor(() => jobs.findOne({ _id: first }), { what: 'the first job' });
    clock.set(plus(MINUTE));
    await waitFor(async () => (await definitions.findOne({ _id: 's.wake' }))?.waiting === true, {
      what: 'the occurrence to wait',
    });
    // The job ends here as a Docket ends it: its state, then its event.
    const deleted = await setup.store.delete(first, clock.now());
    setup.events.emit('job.deleted', {
      jobId: first,
      jobType: deleted!.type,
      queue: deleted!.queue,
      wasRunning: false,
    });
    await waitFor(() => jobs.findOne({ _id: occurrenceJobId('s.wake', plus(MINUTE)) }), {
      what: 'the queued job',
    });
  });

  it(`backfill: after an outage every missed occurrence runs, each once (at most ${MAX_BACKFILL})`, async () => {
    await recurring.addOrUpdate(
      's.fill',
      tick('fill'),
      { everyMs: MINUTE },
      {
        startAt: T0,
        missedRunPolicy: 'backfill',
      },
    );
    // No server ran from T0 until 12 min 30 s later.
    clock.set(plus(12 * MINUTE + 30_000));
    startTicker();
    const caughtUp = await waitFor(
      async () => {
        const record = await definitions.findOne({ _id: 's.fill' });
        return record && record.nextRunAt! > clock.now() ? record : null;
      },
      { what: 'the backfill to catch up' },
    );
    expect(caughtUp.nextRunAt).toEqual(plus(13 * MINUTE));
    expect(await jobIdsOf('s.fill')).toEqual(
      Array.from({ length: 13 }, (_, i) => occurrenceJobId('s.fill', plus(i * MINUTE))),
    );
    expect(caughtUp).toMatchObject({ runCount: 13, skippedCount: 0 });
  });

  it(`backfill is bounded: after ${MAX_BACKFILL + 50} missed occurrences, the ${MAX_BACKFILL} most recent run`, async () => {
    await recurring.addOrUpdate(
      's.bound',
      tick('bound'),
      { everyMs: MINUTE },
      {
        startAt: T0,
        missedRunPolicy: 'backfill',
      },
    );
    clock.set(plus((MAX_BACKFILL + 49) * MINUTE + 30_000));
    startTicker();
    await waitFor(
      async () => ((await definitions.findOne({ _id: 's.bound' }))?.nextRunAt ?? T0) > clock.now(),
      { what: 'the backfill to catch up', timeoutMs: 30_000 },
    );
    const ids = await jobIdsOf('s.bound');
    expect(ids).toHaveLength(MAX_BACKFILL);
    expect(ids[0]).toBe(occurrenceJobId('s.bound', plus(50 * MINUTE)));
    expect(ids[MAX_BACKFILL - 1]).toBe(
      occurrenceJobId('s.bound', plus((MAX_BACKFILL + 49) * MINUTE)),
    );
  });

  it('a skip recorded by one server for an occurrence whose job another inserted is corrected', async () => {
    // The race: server A's insert found the previous job unfinished, the previous job then
    // finished, server B inserted the occurrence's job, and A's advance (recording a skip) won.
    await recurring.addOrUpdate(
      's.race',
      tick('race'),
      { everyMs: MINUTE },
      {
        startAt: T0,
        overlap: 'skip',
        repeatLimit: 3,
      },
    );
    await definitions.updateOne(
      { _id: 's.race' },
      {
        $set: {
          nextRunAt: plus(2 * MINUTE),
          runCount: 2,
          skippedCount: 1,
          lastSkippedAt: plus(MINUTE),
        },
      },
    );
    const store = new MongoRecurringStore(db.client.db(db.dbName), 'docket.');
    const jobId = occurrenceJobId('s.race', plus(MINUTE));
    // B, whose advance failed, corrects the record: the occurrence ran, and it was the last.
    await store.correctSkip('s.race', plus(MINUTE), jobId);
    expect(await definitions.findOne({ _id: 's.race' })).toMatchObject({
      runCount: 3,
      skippedCount: 0,
      lastSkippedAt: null,
      lastJobId: jobId,
      nextRunAt: null,
    });
    // Nothing to correct when the recorded skip is another occurrence.
    await store.correctSkip('s.race', plus(5 * MINUTE), 'other');
    expect(await definitions.findOne({ _id: 's.race' })).toMatchObject({
      runCount: 3,
      lastJobId: jobId,
    });
  });

  it('resume computes the next run from the schedule stored when it writes, not the one it read', async () => {
    await recurring.addOrUpdate('s.resume', tick('resume'), '0 * * * *');
    await recurring.pause('s.resume');
    const read = (await definitions.findOne({ _id: 's.resume' }))!;
    // Another process moves the window while this resume is between its read and its write.
    await recurring.addOrUpdate('s.resume', tick('resume'), '0 * * * *', {
      startAt: plus(5 * HOUR),
    });
    const find = jest.spyOn(MongoRecurringStore.prototype, 'find').mockResolvedValueOnce(read);
    try {
      expect(await recurring.resume('s.resume')).toBe(true);
    } finally {
      find.mockRestore();
    }
    expect(await recurring.get('s.resume')).toMatchObject({
      paused: false,
      nextRunAt: plus(5 * HOUR),
    });
  });

  it('bad shapes are typed errors naming the option, and write nothing', async () => {
    const refused = async (schedule: unknown, options: object, option: string, message: RegExp) => {
      const error = await recurring
        .addOrUpdate('s.bad', tick('bad'), schedule as string, options)
        .then(
          () => null,
          (thrown: unknown) => thrown,
        );
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect(error).toMatchObject({ option, message: expect.stringMatching(message) });
    };
    await refused({ everyMs: 10 }, {}, 'schedule.everyMs', /everyMs must be an integer .*got 10/);
    await refused({ everyMs: 1500.5 }, {}, 'schedule.everyMs', /integer/);
    await refused({ everyMs: MINUTE, every: 1 }, {}, 'schedule.every', /unknown option 'every'/);
    await refused(42, {}, 'schedule', /cron expression or \{ everyMs \}/);
    await refused(
      '* * * * *',
      { startAt: plus(MINUTE), endAt: T0 },
      'endAt',
      /endAt must be after startAt/,
    );
    await refused('* * * * *', { startAt: new Date('nope') }, 'startAt', /valid Date/);
    await refused('* * * * *', { repeatLimit: 0 }, 'repeatLimit', /repeatLimit must be an integer/);
    await refused(
      '* * * * *',
      { overlap: 'never' },
      'overlap',
      /overlap must be one of "allow", "skip", "queue"/,
    );
    await refused(
      { everyMs: MINUTE },
      { timeZone: 'Europe/Berlin' },
      'timeZone',
      /cron schedules only/,
    );
    expect(await definitions.countDocuments({ _id: 's.bad' })).toBe(0);
  });
});
