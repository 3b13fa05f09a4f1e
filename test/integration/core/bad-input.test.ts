import { Allow, IsEmail, IsString } from 'class-validator';
import { container as rootContainer } from 'tsyringe';
import {
  Docket,
  DocketError,
  DuplicateHandlerError,
  InvalidOptionsError,
  JOB_SCHEDULER,
  Job,
  JobHandler,
  JobValidationError,
  NonSerializablePayloadError,
  PayloadTooLargeError,
  UnknownJobTypeError,
  type DocketOptions,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
} from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { quietLogger } from '../../helpers/logger';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';

@Job('bad-input.email')
class EmailJob implements IJob {
  @IsEmail() to!: string;
  @IsString() subject!: string;
}

@Job('bad-input.anything')
class AnythingJob implements IJob {
  @Allow() data!: unknown;
}

@JobHandler(EmailJob)
class EmailHandler implements IJobHandler<EmailJob> {
  async handle(): Promise<void> {}
}

@JobHandler(EmailJob)
class SecondEmailHandler implements IJobHandler<EmailJob> {
  async handle(): Promise<void> {}
}

class NotAJob {
  to = 'a@b.c';
}

class NotAHandler {
  async handle(): Promise<void> {}
}

const email = (to: string) => Object.assign(new EmailJob(), { to, subject: 'hi' });
const anything = (data: unknown) => Object.assign(new AnythingJob(), { data });
const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;

type Call = (scheduler: IJobScheduler) => Promise<unknown>;
type ErrorClass = abstract new (...args: never[]) => DocketError;

describe('bad input fails at the call with a typed error, and nothing is written', () => {
  let db: TestDatabase;
  let docket: Docket;
  let scheduler: IJobScheduler;

  beforeAll(async () => {
    db = await openTestDatabase('bad_input');
    const created = await createTestDocket(db, { handlers: [EmailHandler] });
    docket = created.docket;
    scheduler = created.container.resolve(JOB_SCHEDULER);
  });

  afterAll(async () => {
    await docket.close();
    await db.cleanup();
  });

  const jobsCount = () => db.client.db(db.dbName).collection('docket.jobs').countDocuments();

  const cases: Array<[string, Call, ErrorClass, RegExp]> = [
    [
      'a plain object',
      (s) => s.enqueue({ to: 'a@b.c' } as IJob),
      UnknownJobTypeError,
      /not a job class|@Job/,
    ],
    ['an undecorated class', (s) => s.enqueue(new NotAJob()), UnknownJobTypeError, /NotAJob/],
    ['null', (s) => s.enqueue(null as unknown as IJob), UnknownJobTypeError, /null/],
    ['an invalid payload', (s) => s.enqueue(email('not-an-email')), JobValidationError, /to/],
    [
      'a function',
      (s) => s.enqueue(anything({ fn: () => 1 })),
      NonSerializablePayloadError,
      /data\.fn/,
    ],
    ['a symbol', (s) => s.enqueue(anything(Symbol('x'))), NonSerializablePayloadError, /data/],
    [
      'a circular reference',
      (s) => s.enqueue(anything(circular)),
      NonSerializablePayloadError,
      /circular/i,
    ],
    [
      'a BigInt beyond 64 bits',
      (s) => s.enqueue(anything(2n ** 70n)),
      NonSerializablePayloadError,
      /64-bit/,
    ],
    ['a Map', (s) => s.enqueue(anything(new Map([[1, 2]]))), NonSerializablePayloadError, /Map/],
    [
      'a payload over 16 MiB',
      (s) => s.enqueue(anything('x'.repeat(17 * 1024 * 1024))),
      PayloadTooLargeError,
      /16777216|limit/,
    ],
    [
      'an empty queue name',
      (s) => s.enqueue(email('a@b.c'), { queue: '' }),
      InvalidOptionsError,
      /queue/,
    ],
    [
      'a queue name with spaces',
      (s) => s.enqueue(email('a@b.c'), { queue: 'my queue' }),
      InvalidOptionsError,
      /queue/,
    ],
    [
      'a fractional priority',
      (s) => s.enqueue(email('a@b.c'), { priority: 1.5 }),
      InvalidOptionsError,
      /priority/,
    ],
    [
      'a priority out of range',
      (s) => s.enqueue(email('a@b.c'), { priority: 5000 }),
      InvalidOptionsError,
      /priority/,
    ],
    [
      'zero maxAttempts',
      (s) => s.enqueue(email('a@b.c'), { maxAttempts: 0 }),
      InvalidOptionsError,
      /maxAttempts/,
    ],
    [
      'a negative timeout',
      (s) => s.enqueue(email('a@b.c'), { timeoutMs: -1 }),
      InvalidOptionsError,
      /timeoutMs/,
    ],
    [
      'a misspelt option',
      (s) => s.enqueue(email('a@b.c'), { queu: 'x' } as never),
      InvalidOptionsError,
      /queu/,
    ],
    [
      'options that are not an object',
      (s) => s.enqueue(email('a@b.c'), 'emails' as never),
      InvalidOptionsError,
      /options/,
    ],
    [
      'an invalid date',
      (s) => s.schedule(email('a@b.c'), { at: new Date('nope') }),
      InvalidOptionsError,
      /at/,
    ],
    [
      'a date that is not a Date',
      (s) => s.schedule(email('a@b.c'), { at: '2030-01-01' as never }),
      InvalidOptionsError,
      /at/,
    ],
    [
      'a negative delay',
      (s) => s.schedule(email('a@b.c'), { delayMs: -5 }),
      InvalidOptionsError,
      /delayMs/,
    ],
    [
      'neither at nor delayMs',
      (s) => s.schedule(email('a@b.c'), {} as never),
      InvalidOptionsError,
      /exactly one/,
    ],
    [
      'both at and delayMs',
      (s) => s.schedule(email('a@b.c'), { at: new Date(), delayMs: 5 } as never),
      InvalidOptionsError,
      /exactly one/,
    ],
    [
      'a missing schedule time',
      (s) => s.schedule(email('a@b.c'), null as never),
      InvalidOptionsError,
      /when/,
    ],
  ];

  it.each(cases)('enqueue/schedule with %s', async (_label, call, errorClass, message) => {
    const error = await call(scheduler).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(DocketError);
    expect((error as Error).message).toMatch(message);
    expect(await jobsCount()).toBe(0);
  });

  it('reports every validation issue with its path', async () => {
    const error = (await scheduler
      .enqueue(Object.assign(new EmailJob(), { to: 'x', subject: 3 }))
      .catch((e: unknown) => e)) as JobValidationError;
    expect(error).toBeInstanceOf(JobValidationError);
    expect(error.jobType).toBe('bad-input.email');
    expect(error.issues.map((i) => i.path).sort()).toEqual(['subject', 'to']);
  });

  const base = (): DocketOptions => ({
    mongo: { client: db.client, dbName: db.dbName },
    container: rootContainer.createChildContainer(),
    logger: quietLogger(),
    handlers: [EmailHandler],
  });

  const createCases: Array<[string, () => DocketOptions, ErrorClass, RegExp]> = [
    [
      'a non-mongodb URI',
      () => ({ ...base(), mongo: { uri: 'http://localhost' } }),
      InvalidOptionsError,
      /mongo\.uri/,
    ],
    [
      'no container',
      () => ({ ...base(), container: undefined as never }),
      InvalidOptionsError,
      /container/,
    ],
    [
      'a bad collection prefix',
      () => ({ ...base(), collectionPrefix: 'a b' }),
      InvalidOptionsError,
      /collectionPrefix/,
    ],
    [
      'a misspelt option',
      () => ({ ...base(), handler: [] }) as never,
      InvalidOptionsError,
      /handler/,
    ],
    [
      'two handlers for one job type',
      () => ({ ...base(), handlers: [EmailHandler, SecondEmailHandler] }),
      DuplicateHandlerError,
      /bad-input\.email/,
    ],
    [
      'an undecorated handler',
      () => ({ ...base(), handlers: [NotAHandler as never] }),
      InvalidOptionsError,
      /NotAHandler/,
    ],
  ];

  it.each(createCases)('Docket.create with %s', async (_label, options, errorClass, message) => {
    const error = await Docket.create(options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).message).toMatch(message);
  });

  const serverCases: Array<[string, object, RegExp]> = [
    ['zero concurrency', { concurrency: 0 }, /concurrency/],
    [
      'a negative poll interval',
      { pollIntervalMs: -5 },
      /pollIntervalMs must be an integer between 10 and 2147483647, got -5/,
    ],
    ['no queues', { queues: [] }, /queues/],
    ['a bad queue name', { queues: ['ok', 'not ok'] }, /queues\[1\]/],
    [
      'a heartbeat slower than half the lease',
      { leaseMs: 1_000, heartbeatIntervalMs: 600 },
      /heartbeatIntervalMs/,
    ],
    ['a misspelt option', { concurrrency: 3 }, /concurrrency/],
  ];

  it.each(serverCases)('startServer with %s', async (_label, options, message) => {
    const error = await docket.startServer(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toMatch(message);
  });
});
