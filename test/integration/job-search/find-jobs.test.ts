import { InvalidOptionsError, type Docket, type JobFilter } from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { FailPoint } from '../../helpers/fail-point';
import { openOwnStandIn, openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { InvoiceHandler, jobsOf, seedJobs } from './search-fixture';

const at = (minute: number) => new Date(Date.UTC(2020, 0, 1) + minute * 60_000);

describe('findJobs and countJobs', () => {
  let db: TestDatabase;
  let docket: Docket;
  /** Ids of the seeded jobs, by name. */
  const ids: Record<string, string> = {};

  const find = async (filter: JobFilter, limit = 100) =>
    (await docket.scheduler.findJobs(filter, { limit })).jobs.map((job) => job._id);

  beforeAll(async () => {
    db = await openTestDatabase('find_jobs');
    ({ docket } = await createTestDocket(db, { handlers: [InvoiceHandler] }));
    const seeded = [
      {
        name: 'f1',
        state: 'failed',
        queue: 'billing',
        createdAt: at(0),
        finishedAt: at(10),
        error: { name: 'SmtpError', message: 'SMTP timeout (421) at mx.example.com' },
        payload: { number: 'A-1', customer: { id: 7, region: 'eu' }, urgent: true },
      },
      {
        name: 'f2',
        state: 'failed',
        queue: 'billing',
        createdAt: at(1),
        finishedAt: at(20),
        error: { name: 'Error', message: 'card declined [code $42]' },
        payload: { number: 'A-2', customer: { id: 8, region: 'us' } },
      },
      {
        name: 'f3',
        state: 'failed',
        queue: 'mail',
        type: 'search-it.invoice.archive',
        createdAt: at(2),
        finishedAt: at(30),
        error: { name: 'Error', message: 'smtp refused' },
        payload: { number: 'A-3' },
      },
      {
        name: 's1',
        state: 'succeeded',
        queue: 'billing',
        createdAt: at(3),
        finishedAt: at(40),
        payload: { number: '7', customer: { id: 7, region: 'eu' } },
      },
      { name: 'd1', state: 'deleted', queue: 'mail', createdAt: at(4), finishedAt: at(50) },
      { name: 'e1', state: 'enqueued', queue: 'billing', createdAt: at(5), dueAt: at(5) },
      {
        name: 'e2',
        state: 'enqueued',
        queue: 'mail',
        createdAt: at(6),
        dueAt: at(6),
        type: 'search-it.other',
      },
      { name: 'c1', state: 'scheduled', queue: 'billing', createdAt: at(7), dueAt: at(100) },
      { name: 'c2', state: 'scheduled', queue: 'billing', createdAt: at(8), dueAt: at(90) },
      { name: 'p1', state: 'processing', queue: 'mail', createdAt: at(9), dueAt: at(9) },
    ] as const;
    const stored = await seedJobs(docket, seeded);
    seeded.forEach((job, i) => (ids[job.name] = stored[i]));
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  it('filters by one state or several, each in its list order', async () => {
    // Finished: newest finish first. Unfinished: soonest due first. A mix: newest id first.
    expect(await find({ state: 'failed' })).toEqual([ids.f3, ids.f2, ids.f1]);
    expect(await find({ state: ['scheduled', 'enqueued'] })).toEqual([
      ids.e1,
      ids.e2,
      ids.c2,
      ids.c1,
    ]);
    const mixed = await find({ state: ['failed', 'enqueued'] });
    expect(mixed).toEqual([...mixed].sort().reverse());
    expect(new Set(mixed)).toEqual(new Set([ids.f1, ids.f2, ids.f3, ids.e1, ids.e2]));
    expect(await find({})).toHaveLength(10);
  });

  it('filters by queue, exact type and type prefix', async () => {
    expect(await find({ state: 'failed', queue: 'billing' })).toEqual([ids.f2, ids.f1]);
    expect(await find({ type: 'search-it.invoice.archive' })).toEqual([ids.f3]);
    expect(new Set(await find({ typePrefix: 'search-it.invoice.' }))).toEqual(
      new Set(Object.values(ids).filter((id) => id !== ids.e2)),
    );
    expect(await find({ typePrefix: 'search-it.o' })).toEqual([ids.e2]);
    // A type name is exact: a prefix of a name is not the name.
    expect(await find({ type: 'search-it.invoice' })).toEqual([]);
  });

  it('filters by id prefix, anchored and case-sensitive', async () => {
    const id = ids.c1;
    expect(await find({ idPrefix: id.slice(0, 20) })).toContain(id);
    expect(await find({ idPrefix: id })).toEqual([id]);
    expect(await find({ idPrefix: id.slice(4) })).toEqual([]);
    expect(await find({ idPrefix: id.toUpperCase() })).toEqual([]);
  });

  it('filters by error text: a substring, ignoring case, never a pattern', async () => {
    expect(await find({ errorContains: 'smtp' })).toEqual([ids.f3, ids.f1]);
    expect(await find({ errorContains: 'TIMEOUT (421)' })).toEqual([ids.f1]);
    expect(await find({ errorContains: '[code $42]' })).toEqual([ids.f2]);
    expect(await find({ errorContains: '.*' })).toEqual([]);
  });

  it('filters by payload fields: nested paths, numbers, strings, booleans, any of a list', async () => {
    expect(await find({ payload: { 'customer.id': 7 } })).toEqual([ids.s1, ids.f1]);
    expect(
      await find({ payload: { 'customer.id': 7, 'customer.region': 'eu', urgent: true } }),
    ).toEqual([ids.f1]);
    expect(await find({ payload: { number: ['A-2', 'A-3'] } })).toEqual([ids.f3, ids.f2]);
    // Values compare as stored: the number 7 is not the string '7'.
    expect(await find({ payload: { number: 7 } })).toEqual([]);
    expect(await find({ payload: { number: '7' } })).toEqual([ids.s1]);
  });

  it('filters by time ranges, from included and to excluded', async () => {
    expect(await find({ createdAt: { from: at(2), to: at(4) } })).toEqual([ids.s1, ids.f3]);
    expect(await find({ state: 'failed', finishedAt: { from: at(20) } })).toEqual([ids.f3, ids.f2]);
    expect(await find({ finishedAt: { to: at(20) } })).toEqual([ids.f1]);
    expect(await find({ state: 'scheduled', dueAt: { from: at(95) } })).toEqual([ids.c1]);
  });

  it('combines filters: every condition holds', async () => {
    const filter: JobFilter = {
      state: ['failed', 'succeeded'],
      queue: 'billing',
      typePrefix: 'search-it.invoice',
      payload: { 'customer.region': 'eu' },
      createdAt: { from: at(0), to: at(60) },
    };
    expect(await find(filter)).toEqual([ids.s1, ids.f1].sort().reverse());
    expect(await find({ ...filter, errorContains: 'smtp' })).toEqual([ids.f1]);
    await expect(docket.scheduler.countJobs(filter)).resolves.toEqual({ count: 2, exact: true });
  });

  it('sorts by an allowed field either way, ties broken by id', async () => {
    const byCreated = await docket.scheduler.findJobs(
      { state: 'failed' },
      { sort: 'createdAt', direction: 'asc' },
    );
    expect(byCreated.jobs.map((job) => job._id)).toEqual([ids.f1, ids.f2, ids.f3]);
    const byDue = await docket.scheduler.findJobs({ queue: 'billing' }, { sort: 'dueAt' });
    expect(byDue.jobs.map((job) => job.dueAt.getTime())).toEqual(
      byDue.jobs.map((job) => job.dueAt.getTime()).sort((a, b) => a - b),
    );
    const byId = await docket.scheduler.findJobs({}, { sort: 'id', direction: 'asc' });
    expect(byId.jobs.map((job) => job._id)).toEqual([...byId.jobs.map((job) => job._id)].sort());
  });

  it('returns summaries, not payloads or histories', async () => {
    const [job] = (await docket.scheduler.findJobs({ idPrefix: ids.f1 })).jobs;
    expect(job).toEqual({
      _id: ids.f1,
      type: 'search-it.invoice.send',
      queue: 'billing',
      state: 'failed',
      priority: 0,
      attempt: 1,
      maxAttempts: null,
      createdAt: at(0),
      dueAt: at(0),
      startedAt: null,
      finishedAt: at(10),
      durationMs: null,
      progress: null,
      uniqueKey: null,
      parentId: null,
      error: { name: 'SmtpError', message: 'SMTP timeout (421) at mx.example.com' },
    });
  });

  it('counts exactly up to the limit, and says when there are more', async () => {
    await expect(docket.scheduler.countJobs({ state: 'failed' })).resolves.toEqual({
      count: 3,
      exact: true,
    });
    await expect(docket.scheduler.countJobs({}, { limit: 4 })).resolves.toEqual({
      count: 4,
      exact: false,
    });
    await expect(docket.scheduler.countJobs({}, { limit: 10 })).resolves.toEqual({
      count: 10,
      exact: true,
    });
  });

  it('refuses invalid filters with a typed error naming the field', async () => {
    const refused = async (filter: unknown, field: string) => {
      const error = await docket.scheduler
        .findJobs(filter as JobFilter)
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect((error as InvalidOptionsError).option).toBe(field);
      const counted = await docket.scheduler
        .countJobs(filter as JobFilter)
        .catch((thrown: unknown) => thrown);
      expect(counted).toBeInstanceOf(InvalidOptionsError);
    };
    // Operators never reach MongoDB: paths are identifiers, values are scalars.
    await refused({ payload: { $where: 'sleep(1000)' } }, 'filter.payload.$where');
    await refused({ payload: { 'a[$ne]': 1 } }, 'filter.payload.a[$ne]');
    await refused({ payload: { 'a.$gt': 1 } }, 'filter.payload.a.$gt');
    await refused({ payload: { a: { $ne: null } } }, 'filter.payload.a');
    await refused({ payload: { a: [{ $gt: 1 }] } }, 'filter.payload.a[0]');
    await refused({ payload: { ['__proto__']: 1 } }, 'filter.payload.__proto__');
    await refused({ payload: { 'a..b': 1 } }, 'filter.payload.a..b');
    await refused({ payload: { a: Number.NaN } }, 'filter.payload.a');
    await refused({ queue: { $ne: null } }, 'filter.queue');
    await refused({ type: { $regex: '.*' } }, 'filter.type');
    await refused({ idPrefix: '' }, 'filter.idPrefix');
    await refused({ state: 'lost' }, 'filter.state');
    await refused({ state: { $in: ['failed'] } }, 'filter.state');
    await refused({ state: [] }, 'filter.state');
    await refused({ state: ['failed', 'nope'] }, 'filter.state[1]');
    await refused({ errorContains: 'x'.repeat(201) }, 'filter.errorContains');
    await refused({ createdAt: { from: '2030-01-01' } }, 'filter.createdAt.from');
    await refused({ createdAt: { from: at(5), to: at(1) } }, 'filter.createdAt.to');
    await refused({ createdAt: {} }, 'filter.createdAt');
    await refused({ createdAt: { from: at(1), until: at(2) } }, 'filter.createdAt.until');
    await refused({ stat: 'failed' }, 'filter.stat');
    await refused([], 'filter');
    await refused(
      { payload: Object.fromEntries([...Array(11).keys()].map((i) => [`f${i}`, i])) },
      'filter.payload',
    );
  });

  it('refuses invalid options, and a cursor of another list', async () => {
    const page = await docket.scheduler.findJobs({ state: 'failed' }, { limit: 1 });
    expect(page.nextCursor).not.toBeNull();
    const option = async (options: unknown, field: string) => {
      const error = await docket.scheduler
        .findJobs({ state: 'failed' }, options as never)
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect((error as InvalidOptionsError).option).toBe(field);
    };
    await option({ limit: 0 }, 'limit');
    await option({ limit: 1001 }, 'limit');
    await option({ sort: 'payload' }, 'sort');
    await option({ direction: 'up' }, 'direction');
    await option({ cursor: 'not a cursor' }, 'cursor');
    await option({ cursor: page.nextCursor, sort: 'createdAt' }, 'cursor');
    await option({ colour: 'red' }, 'options.colour');
    const wrongList = await docket.scheduler
      .findJobs({ state: 'scheduled' }, { cursor: page.nextCursor! })
      .catch((thrown: unknown) => thrown);
    expect(wrongList).toBeInstanceOf(InvalidOptionsError);
    await expect(docket.scheduler.countJobs({}, { maxTimeMs: 0 })).rejects.toMatchObject({
      option: 'maxTimeMs',
    });
  });

  it('pages with a cursor that stays correct while jobs change state', async () => {
    const seeded = await seedJobs(
      docket,
      Array.from({ length: 9 }, (_, i) => ({
        state: 'failed' as const,
        queue: 'paging',
        createdAt: at(200 + i),
        finishedAt: at(300 + i),
      })),
    );
    // Newest finish first: seeded[8] .. seeded[0].
    const expected = [...seeded].reverse();
    const first = await docket.scheduler.findJobs(
      { state: 'failed', queue: 'paging' },
      { limit: 3 },
    );
    expect(first.jobs.map((job) => job._id)).toEqual(expected.slice(0, 3));
    // Meanwhile: a job of the first page and one of the next leave the list (retried), and a
    // new failure comes in at the top. The next page starts right after the last one read.
    await docket.scheduler.retryJobs({ ids: [expected[1], expected[4]] });
    await seedJobs(docket, [
      { state: 'failed', queue: 'paging', createdAt: at(400), finishedAt: at(500) },
    ]);
    const rest: string[] = [];
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const page = await docket.scheduler.findJobs(
        { state: 'failed', queue: 'paging' },
        { limit: 3, cursor },
      );
      rest.push(...page.jobs.map((job) => job._id));
      cursor = page.nextCursor;
    }
    expect(rest).toEqual([expected[3], expected[5], expected[6], expected[7], expected[8]]);
    await jobsOf(docket).deleteMany({ queue: 'paging' });
  });
});

describe('countJobs past its time limit', () => {
  it('resolves null when MongoDB stops counting at maxTimeMS, and counts again after', async () => {
    // A stand-in of its own: the fail point is server-wide.
    const db = await openOwnStandIn('count_timeout', 'replica-set');
    const { docket } = await createTestDocket(db);
    try {
      await seedJobs(docket, [{ state: 'failed' }, { state: 'failed' }]);
      await docket.scheduler.countJobs({ state: 'failed' }); // indexes created, nothing failed
      await new FailPoint(db).failCommand(
        jobsOf(docket).collectionName,
        { times: 1 },
        {
          failCommands: ['aggregate'],
          errorCode: 50,
        },
      );
      await expect(docket.scheduler.countJobs({ state: 'failed' })).resolves.toBeNull();
      await expect(docket.scheduler.countJobs({ state: 'failed' })).resolves.toEqual({
        count: 2,
        exact: true,
      });
    } finally {
      await docket.close();
      await db.cleanup();
    }
  });
});
