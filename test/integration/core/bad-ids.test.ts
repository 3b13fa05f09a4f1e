import { IsEmail } from 'class-validator';
import {
  DocketError,
  InvalidOptionsError,
  Job,
  type Docket,
  type IJob,
  type IJobScheduler,
} from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';

/*
 * Ids from untyped callers (a query operator where a string belongs, an object where an
 * id belongs) would otherwise reach a MongoDB filter, or be reported as "'[object Object]'
 * was not found". Each is refused with an InvalidOptionsError naming the argument, and
 * storage, which holds a job and a recurring job such a filter could match, is unchanged.
 */

@Job('bad-ids.email')
class EmailJob implements IJob {
  @IsEmail() to = 'someone@example.com';
}

const operator = { $ne: null } as unknown as string;

type Call = (docket: Docket, scheduler: IJobScheduler) => Promise<unknown>;

describe('ids from untyped callers fail at the call with an InvalidOptionsError', () => {
  let db: TestDatabase;
  let docket: Docket;

  beforeAll(async () => {
    db = await openTestDatabase('bad_ids');
    docket = (await createTestDocket(db, { handlers: [] })).docket;
    await docket.scheduler.schedule(new EmailJob(), { delayMs: 3_600_000 });
    await docket.scheduler.addOrUpdateRecurring('bad-ids.daily', new EmailJob(), '0 6 * * *');
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  const storage = async () => {
    const database = db.client.db(db.dbName);
    return {
      jobs: await database.collection('docket.jobs').find().toArray(),
      recurring: await database.collection('docket.recurring').find().toArray(),
    };
  };

  const cases: Array<[string, Call, RegExp]> = [
    ['getJob with a query operator', (d) => d.getJob(operator), /jobId.*an object/],
    ['getJob with a number', (d) => d.getJob(42 as never), /jobId.*42/],
    ['getJob with an empty id', (d) => d.getJob(''), /jobId must be a non-empty string/],
    ['delete with a query operator', (_d, s) => s.delete(operator), /jobId/],
    ['delete with undefined', (_d, s) => s.delete(undefined as never), /jobId.*undefined/],
    ['requeue with a query operator', (_d, s) => s.requeue(operator), /jobId/],
    ['requeue with an empty id', (_d, s) => s.requeue(''), /jobId/],
    [
      'continueWith with a query operator as parent',
      (_d, s) => s.continueWith(operator, new EmailJob()),
      /parentId.*an object/,
    ],
    [
      'continueWith with an empty parent id',
      (_d, s) => s.continueWith('', new EmailJob()),
      /parentId/,
    ],
    ['triggerRecurring with an object', (_d, s) => s.triggerRecurring({} as never), /id.*object/],
    ['triggerRecurring with a query operator', (_d, s) => s.triggerRecurring(operator), /id/],
    ['triggerRecurring with a malformed id', (_d, s) => s.triggerRecurring('a b'), /"a b"/],
    ['removeRecurring with a query operator', (_d, s) => s.removeRecurring(operator), /id/],
    ['removeRecurring with null', (_d, s) => s.removeRecurring(null as never), /id.*null/],
    ['pauseRecurring with a query operator', (_d, s) => s.pauseRecurring(operator), /id/],
    ['resumeRecurring with a number', (_d, s) => s.resumeRecurring(7 as never), /id.*7/],
    [
      'addOrUpdateRecurring with an object id',
      (_d, s) => s.addOrUpdateRecurring({} as never, new EmailJob(), '* * * * *'),
      /id/,
    ],
  ];

  it.each(cases)('%s', async (_label, call, message) => {
    const before = await storage();
    const error = await call(docket, docket.scheduler).then(
      (value) => ({ resolved: value }),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toBeInstanceOf(DocketError);
    expect((error as Error).message).toMatch(message);
    expect(await storage()).toEqual(before);
  });

  it('still finds, and misses, well-formed ids', async () => {
    const [stored] = (await storage()).jobs;
    expect((await docket.getJob(String(stored._id)))?.type).toBe('bad-ids.email');
    expect(await docket.getJob('no-such-job')).toBeNull();
    await expect(docket.scheduler.delete('no-such-job')).resolves.toBe(false);
    await expect(docket.scheduler.pauseRecurring('no-such-recurring')).resolves.toBe(false);
  });
});
