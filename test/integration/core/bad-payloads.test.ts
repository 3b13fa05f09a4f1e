import { Allow, IsEmail, IsString } from 'class-validator';
import {
  DocketError,
  InvalidOptionsError,
  Job,
  JobValidationError,
  NonSerializablePayloadError,
  UnknownJobTypeError,
  type Docket,
  type IJob,
  type IJobScheduler,
} from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';

/*
 * Payloads (and options) built by untyped callers: every one is refused at the call with a
 * typed error, and neither the jobs nor the recurring jobs collection changes.
 */

@Job('bad-payloads.email')
class EmailJob implements IJob {
  @IsEmail() to!: string;
  @IsString() subject!: string;
}

@Job('bad-payloads.anything')
class AnythingJob implements IJob {
  @Allow() data!: unknown;
}

@Job('bad-payloads.accessor')
class ThrowingAccessorJob implements IJob {
  @IsString()
  get name(): string {
    throw new Error('the name is not loaded');
  }
}

class PosingAsObjectId {
  get _bsontype(): string {
    return 'ObjectId';
  }
  id = 'not twelve bytes';
}

const email = (to: string) => Object.assign(new EmailJob(), { to, subject: 'hi' });
const anything = (data: unknown) => Object.assign(new AnythingJob(), { data });

function nested(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < levels; level++) value = { d: value };
  return value;
}

const revoked = Proxy.revocable({}, {});
revoked.revoke();

type Call = (scheduler: IJobScheduler) => Promise<unknown>;
type ErrorClass = abstract new (...args: never[]) => DocketError;

describe('payloads from untyped callers fail at the call with a typed error, storing nothing', () => {
  let db: TestDatabase;
  let docket: Docket;
  let scheduler: IJobScheduler;

  beforeAll(async () => {
    db = await openTestDatabase('bad_payloads');
    docket = (await createTestDocket(db, { handlers: [] })).docket;
    scheduler = docket.scheduler;
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

  const cases: Array<[string, Call, ErrorClass, RegExp]> = [
    [
      'an invalid job with a field named constructor',
      (s) => s.enqueue(Object.assign(email('not-an-email'), { constructor: 'x' })),
      NonSerializablePayloadError,
      /payload\.constructor/,
    ],
    [
      'a field named constructor set to null',
      (s) => s.enqueue(Object.assign(email('a@b.c'), { constructor: null })),
      NonSerializablePayloadError,
      /payload\.constructor/,
    ],
    [
      'a nested field named constructor',
      (s) => s.enqueue(anything({ constructor: 'x' })),
      NonSerializablePayloadError,
      /payload\.data\.constructor/,
    ],
    [
      'an own __proto__ key',
      (s) => s.enqueue(anything(JSON.parse('{"__proto__": {"admin": true}}'))),
      NonSerializablePayloadError,
      /payload\.data\.__proto__/,
    ],
    [
      'a field named prototype',
      (s) => s.addOrUpdateRecurring('bad.prototype', anything({ prototype: {} }), '* * * * *'),
      NonSerializablePayloadError,
      /payload\.data\.prototype/,
    ],
    [
      'a _bsontype key',
      (s) => s.enqueue(anything({ _bsontype: 'ObjectId', id: 'x' })),
      NonSerializablePayloadError,
      /payload\.data\._bsontype/,
    ],
    [
      'a _bsontype key beside a $ key',
      (s) => s.enqueue(anything({ _bsontype: 'Long', $where: 'sleep(1000)' })),
      NonSerializablePayloadError,
      /payload\.data\.(_bsontype|\$where)/,
    ],
    [
      'a class posing as a BSON value',
      (s) => s.enqueue(anything([new PosingAsObjectId()])),
      NonSerializablePayloadError,
      /payload\.data\[0\].*ObjectId/,
    ],
    [
      'nesting 3,000 levels deep',
      (s) => s.enqueue(anything(nested(3_000))),
      NonSerializablePayloadError,
      /98 levels/,
    ],
    [
      'nesting one level deeper than MongoDB allows',
      (s) => s.schedule(anything(nested(99)), { delayMs: 1_000 }),
      NonSerializablePayloadError,
      /payload\.data(\.d){98}: .*98 levels/,
    ],
    [
      'a getter that throws',
      (s) =>
        s.enqueue(
          anything({
            get secret(): string {
              throw new Error('vault sealed');
            },
          }),
        ),
      NonSerializablePayloadError,
      /payload\.data\.secret.*vault sealed/,
    ],
    [
      'a Proxy whose trap throws',
      (s) =>
        s.enqueue(
          anything(
            new Proxy(
              {},
              {
                ownKeys() {
                  throw new Error('trap');
                },
              },
            ),
          ),
        ),
      NonSerializablePayloadError,
      /payload\.data.*trap/,
    ],
    [
      'a revoked Proxy',
      (s) => s.enqueue(anything({ inner: revoked.proxy })),
      NonSerializablePayloadError,
      /payload\.data\.inner/,
    ],
    [
      'a job that is a revoked Proxy',
      (s) => s.enqueue(revoked.proxy as IJob),
      UnknownJobTypeError,
      /revoked/,
    ],
    [
      'the job class itself instead of an instance',
      (s) => s.enqueue(EmailJob as unknown as IJob),
      UnknownJobTypeError,
      /EmailJob is a job class, not a job: pass an instance \(new EmailJob\(\)\)/,
    ],
    [
      'a job class to schedule',
      (s) => s.schedule(EmailJob as unknown as IJob, { delayMs: 1_000 }),
      UnknownJobTypeError,
      /not a job/,
    ],
    [
      'a job class among jobs',
      (s) => s.enqueueMany([email('ada@example.com'), EmailJob as unknown as IJob]),
      UnknownJobTypeError,
      /not a job/,
    ],
    [
      'a job class as a recurring job',
      (s) => s.addOrUpdateRecurring('bad.class', EmailJob as unknown as IJob, '* * * * *'),
      UnknownJobTypeError,
      /not a job/,
    ],
    [
      'a decorated accessor that throws',
      (s) => s.enqueue(new ThrowingAccessorJob()),
      JobValidationError,
      /the name is not loaded/,
    ],
    [
      'a boxed BigInt',
      (s) => s.enqueue(anything(Object(5n))),
      NonSerializablePayloadError,
      /BigInt/,
    ],
    [
      'a boxed Symbol',
      (s) => s.enqueue(anything(Object(Symbol('s')))),
      NonSerializablePayloadError,
      /Symbol/,
    ],
    [
      'a URL',
      (s) => s.enqueue(anything(new URL('https://example.com/a'))),
      NonSerializablePayloadError,
      /URL/,
    ],
    [
      'options whose getter throws',
      (s) =>
        s.enqueue(email('a@b.c'), {
          get queue(): string {
            throw new Error('no queue today');
          },
        }),
      InvalidOptionsError,
      /options.*no queue today/,
    ],
    [
      'a schedule time that is a revoked Proxy',
      (s) => s.schedule(email('a@b.c'), revoked.proxy as never),
      InvalidOptionsError,
      /when/,
    ],
    [
      'recurring options whose getter throws',
      (s) =>
        s.addOrUpdateRecurring('bad.options', email('a@b.c'), '* * * * *', {
          get timeZone(): string {
            throw new Error('no zone');
          },
        }),
      InvalidOptionsError,
      /options.*no zone/,
    ],
    [
      'a NaN delay',
      (s) => s.schedule(email('a@b.c'), { delayMs: NaN }),
      InvalidOptionsError,
      /delayMs.*NaN/,
    ],
    [
      'a NaN priority',
      (s) => s.enqueue(email('a@b.c'), { priority: NaN }),
      InvalidOptionsError,
      /priority.*NaN/,
    ],
    [
      'jobs that are a revoked Proxy',
      (s) => s.enqueueMany(revoked.proxy as never),
      InvalidOptionsError,
      /jobs/,
    ],
  ];

  it.each(cases)('%s', async (_label, call, errorClass, message) => {
    const before = await storage();
    const error = await call(scheduler).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(DocketError);
    expect((error as Error).message).toMatch(message);
    expect(await storage()).toEqual(before);
  });

  it('stores a payload nested as deep as MongoDB allows', async () => {
    const id = await scheduler.schedule(anything(nested(98)), { delayMs: 60_000 });
    expect((await docket.getJob(id))?.payload).toEqual({ data: nested(98) });
    await scheduler.delete(id);
  });

  it('keeps the cause of a getter that threw', async () => {
    const cause = new Error('vault sealed');
    const error = (await scheduler
      .enqueue(
        anything({
          get secret(): string {
            throw cause;
          },
        }),
      )
      .catch((e: unknown) => e)) as NonSerializablePayloadError;
    expect(error).toBeInstanceOf(NonSerializablePayloadError);
    expect(error.path).toBe('payload.data.secret');
    expect(error.cause).toBe(cause);
  });
});
