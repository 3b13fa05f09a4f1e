import { container as globalContainer, inject } from 'tsyringe';
import { InvalidOptionsError, UnknownJobTypeError } from '../../../src/errors';
import {
  HANDLER_DEFAULTS,
  JobHandler,
  decoratedHandlerClasses,
  jobHandlerMetadataOf,
  resolveJobHandlerOptions,
  type IJobHandler,
  type JobHandlerOptions,
} from '../../../src/handlers';
import { Job, type IJob, type JobClass } from '../../../src/jobs';

@Job('handler-decorator-test.ping')
class PingJob implements IJob {}

class NotAJob implements IJob {}

const GREETING = Symbol('greeting');

@JobHandler(PingJob, { retries: 5, timeoutMs: 60_000, concurrency: 2, backoff: { baseMs: 10 } })
class PingHandler implements IJobHandler<PingJob> {
  constructor(@inject(GREETING) readonly greeting: string) {}
  async handle(): Promise<void> {}
}

function decorate(jobClass: JobClass, options?: JobHandlerOptions): void {
  @JobHandler(jobClass, options)
  class SomeHandler implements IJobHandler<IJob> {
    async handle(): Promise<void> {}
  }
  void SomeHandler;
}

describe('@JobHandler', () => {
  it('records the job class and the resolved, frozen options', () => {
    const metadata = jobHandlerMetadataOf(PingHandler);
    expect(metadata?.jobClass).toBe(PingJob);
    expect(metadata?.options).toEqual({
      retries: 5,
      maxAttempts: 6,
      timeoutMs: 60_000,
      concurrency: 2,
      backoff: { baseMs: 10, maxMs: 3_600_000, honourRetryAfter: true },
      isolation: 'inline',
      maxSnoozes: 100,
      maxCheckpointBytes: 65_536,
      onAttemptsExhausted: 'fail',
    });
    expect(Object.isFrozen(metadata?.options)).toBe(true);
    expect(Object.isFrozen(metadata?.options.backoff)).toBe(true);
  });

  it('lists decorated classes in decoration order', () => {
    expect(decoratedHandlerClasses()[0]).toBe(PingHandler);
  });

  it('makes the class injectable', () => {
    const child = globalContainer.createChildContainer();
    child.register(GREETING, { useValue: 'hello' });
    expect(child.resolve(PingHandler).greeting).toBe('hello');
  });

  it('does not make an undecorated subclass a handler', () => {
    class SubHandler extends PingHandler {}
    expect(jobHandlerMetadataOf(SubHandler)).toBeUndefined();
  });

  it('refuses a job class not decorated with @Job', () => {
    expect(() => decorate(NotAJob)).toThrow(
      new UnknownJobTypeError("NotAJob is not a job class: decorate it with @Job('stable.name')"),
    );
  });

  it('refuses an undefined job class (a circular import)', () => {
    expect(() => decorate(undefined as unknown as JobClass)).toThrow(
      new InvalidOptionsError(
        '@JobHandler on SomeHandler needs a job class, got undefined (is there a circular import?)',
      ),
    );
  });

  it('refuses a class decorated twice', () => {
    const before = decoratedHandlerClasses().length;
    expect(() => JobHandler(PingJob)(PingHandler)).toThrow(
      'PingHandler is already decorated with @JobHandler: a class handles one job type',
    );
    expect(decoratedHandlerClasses()).toHaveLength(before);
  });

  it.each<[string, unknown, string, string]>([
    [
      'negative retries',
      { retries: -1 },
      'retries must be an integer between 0 and 1000, got -1',
      'retries',
    ],
    [
      'too many retries',
      { retries: 1001 },
      'retries must be an integer between 0 and 1000, got 1001',
      'retries',
    ],
    [
      'fractional retries',
      { retries: 1.5 },
      'retries must be an integer between 0 and 1000, got 1.5',
      'retries',
    ],
    [
      'null retries',
      { retries: null },
      'retries must be an integer between 0 and 1000, got null',
      'retries',
    ],
    [
      'zero timeout',
      { timeoutMs: 0 },
      'timeoutMs must be an integer between 1 and 2147483647, got 0',
      'timeoutMs',
    ],
    [
      'a timeout past what a timer holds',
      { timeoutMs: 2 ** 31 },
      'timeoutMs must be an integer between 1 and 2147483647, got 2147483648',
      'timeoutMs',
    ],
    [
      'zero concurrency',
      { concurrency: 0 },
      'concurrency must be an integer ≥ 1, got 0',
      'concurrency',
    ],
    [
      'string concurrency',
      { concurrency: '2' },
      'concurrency must be an integer ≥ 1, got "2"',
      'concurrency',
    ],
    [
      'negative backoff',
      { backoff: { baseMs: -1 } },
      'backoff.baseMs must be an integer ≥ 0, got -1',
      'backoff.baseMs',
    ],
    [
      'maxMs below baseMs',
      { backoff: { baseMs: 5000, maxMs: 10 } },
      'backoff.maxMs must be an integer ≥ 5000, got 10',
      'backoff.maxMs',
    ],
    ['a non-object backoff', { backoff: 5 }, 'backoff must be a plain object, got 5', 'backoff'],
    [
      'a typo',
      { retry: 3 },
      "options has an unknown option 'retry'; allowed options: retries, timeoutMs, concurrency, globalConcurrency, rateLimit, concurrencyKey, backoff, isolation, startWithinMs, maxSnoozes, maxCheckpointBytes, retryOn, onAttemptsExhausted",
      'retry',
    ],
    [
      'a typo in backoff',
      { backoff: { basems: 3 } },
      "backoff has an unknown option 'basems' (did you mean 'baseMs'?); allowed options: baseMs, maxMs, delaysMs, delay, honourRetryAfter",
      'backoff.basems',
    ],
    ['a non-object', 'fast', 'options must be a plain object, got "fast"', 'options'],
    [
      'a rate limit of 0 starts',
      { rateLimit: { max: 0, intervalMs: 1000 } },
      'rateLimit.max must be an integer between 1 and 10000, got 0',
      'rateLimit.max',
    ],
    [
      'a rate limit without its interval',
      { rateLimit: { max: 5 } },
      'rateLimit.intervalMs must be an integer between 1 and 86400000, got undefined',
      'rateLimit.intervalMs',
    ],
    [
      'a typo in rateLimit',
      { rateLimit: { max: 5, intervalMS: 1000 } },
      "rateLimit has an unknown option 'intervalMS' (did you mean 'intervalMs'?); allowed options: max, intervalMs",
      'rateLimit.intervalMS',
    ],
    [
      'a non-object rateLimit',
      { rateLimit: 10 },
      'rateLimit must be a plain object, got 10',
      'rateLimit',
    ],
    [
      'an unknown isolation',
      { isolation: 'vm' },
      'isolation must be one of "inline", "thread", "process", got "vm"',
      'isolation',
    ],
    [
      'a null isolation',
      { isolation: null },
      'isolation must be one of "inline", "thread", "process", got null',
      'isolation',
    ],
    [
      'a zero startWithinMs',
      { startWithinMs: 0 },
      'startWithinMs must be an integer between 1 and 2147483647, got 0',
      'startWithinMs',
    ],
    [
      'a fractional startWithinMs',
      { startWithinMs: 1.5 },
      'startWithinMs must be an integer between 1 and 2147483647, got 1.5',
      'startWithinMs',
    ],
    [
      'a negative maxSnoozes',
      { maxSnoozes: -1 },
      'maxSnoozes must be an integer between 0 and 100000, got -1',
      'maxSnoozes',
    ],
    [
      'a maxCheckpointBytes over 1 MiB',
      { maxCheckpointBytes: 2_000_000 },
      'maxCheckpointBytes must be an integer between 1024 and 1048576, got 2000000',
      'maxCheckpointBytes',
    ],
    [
      'a single error class as retryOn',
      { retryOn: RangeError },
      'retryOn must be a predicate or an array of error classes; put the class RangeError in an array',
      'retryOn',
    ],
    [
      'an empty retryOn list',
      { retryOn: [] },
      'retryOn must be a predicate or an array of 1 to 100 error classes, got an array of length 0',
      'retryOn',
    ],
    [
      'a retryOn list holding a non-class',
      { retryOn: [RangeError, 'TypeError'] },
      'retryOn[1] must be a class extending Error, got "TypeError"',
      'retryOn[1]',
    ],
    [
      'a negative delay in a list',
      { backoff: { delaysMs: [100, -1] } },
      'backoff.delaysMs[1] must be an integer between 0 and 315360000000, got -1',
      'backoff.delaysMs[1]',
    ],
    [
      'an empty delay list',
      { backoff: { delaysMs: [] } },
      'backoff.delaysMs must be an array of 1 to 1000 delays in ms, got an array of length 0',
      'backoff.delaysMs',
    ],
    [
      'both a delay list and a delay function',
      { backoff: { delaysMs: [1], delay: () => 1 } },
      'Give at most one of backoff.delaysMs and backoff.delay',
      'backoff.delay',
    ],
    [
      'a delay that is not a function',
      { backoff: { delay: 5 } },
      'backoff.delay must be a function (attempt, error) => ms, got 5',
      'backoff.delay',
    ],
    [
      'a non-boolean honourRetryAfter',
      { backoff: { honourRetryAfter: 'yes' } },
      'backoff.honourRetryAfter must be a boolean, got "yes"',
      'backoff.honourRetryAfter',
    ],
    [
      'an unknown onAttemptsExhausted',
      { onAttemptsExhausted: 'dlq' },
      'onAttemptsExhausted must be one of "fail", "delete", "deadLetter", got "dlq"',
      'onAttemptsExhausted',
    ],
  ])('refuses %s at decoration', (_label, options, message, option) => {
    let error: unknown;
    try {
      decorate(PingJob, options as JobHandlerOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).message).toBe(`@JobHandler on SomeHandler: ${message}`);
    expect((error as InvalidOptionsError).option).toBe(option);
    expect((error as InvalidOptionsError).cause).toBeInstanceOf(InvalidOptionsError);
  });
});

describe('resolveJobHandlerOptions', () => {
  it('applies the defaults', () => {
    const expected = {
      retries: 3,
      maxAttempts: 4,
      timeoutMs: 1_800_000,
      concurrency: undefined,
      backoff: { baseMs: 1000, maxMs: 3_600_000, honourRetryAfter: true },
      isolation: 'inline',
      maxSnoozes: 100,
      maxCheckpointBytes: 65_536,
      onAttemptsExhausted: 'fail',
    };
    expect(resolveJobHandlerOptions(undefined)).toEqual(expected);
    expect(resolveJobHandlerOptions({})).toEqual(expected);
    expect(HANDLER_DEFAULTS).toEqual({ ...expected, maxAttempts: undefined });
  });

  it('keeps what the user passed, including zero retries and zero backoff', () => {
    expect(
      resolveJobHandlerOptions({ retries: 0, backoff: { baseMs: 0, maxMs: 0 } }),
    ).toMatchObject({
      retries: 0,
      maxAttempts: 1,
      backoff: { baseMs: 0, maxMs: 0 },
    });
  });

  it('keeps the isolation asked for', () => {
    expect(resolveJobHandlerOptions({ isolation: 'thread' }).isolation).toBe('thread');
    expect(resolveJobHandlerOptions({ isolation: 'process' }).isolation).toBe('process');
  });

  it('lets the default maxMs follow a baseMs above it instead of capping it', () => {
    expect(resolveJobHandlerOptions({ backoff: { baseMs: 7_200_000 } }).backoff).toEqual({
      baseMs: 7_200_000,
      maxMs: 7_200_000,
      honourRetryAfter: true,
    });
  });

  it('does not mutate the options passed', () => {
    const options = Object.freeze({ retries: 1, backoff: Object.freeze({ baseMs: 5 }) });
    expect(() => resolveJobHandlerOptions(options)).not.toThrow();
    expect(options).toEqual({ retries: 1, backoff: { baseMs: 5 } });
  });
});
