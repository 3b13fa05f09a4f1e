import { InvalidOptionsError } from '../../../src/errors';
import {
  checkBoolean,
  checkDate,
  checkInteger,
  checkJobId,
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  checkPlainObject,
  checkQueueName,
  checkString,
  describeThrown,
  describeClass,
  describeValue,
  isDocketError,
  readingOptions,
} from '../../../src/options/option-checks';

function thrown(action: () => unknown): InvalidOptionsError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  throw new Error('expected an InvalidOptionsError');
}

class Widget {}

describe('describeValue', () => {
  it.each<[unknown, string]>([
    ['', '""'],
    ['a"b', '"a\\"b"'],
    ['x'.repeat(70), `"${'x'.repeat(60)}…"`],
    ['x'.repeat(61), `"${'x'.repeat(60)}…"`],
    ['x'.repeat(60), `"${'x'.repeat(60)}"`],
    [-5, '-5'],
    [-0, '-0'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [12n, '12n'],
    [true, 'true'],
    [undefined, 'undefined'],
    [null, 'null'],
    [Symbol('s'), 'Symbol(s)'],
    [() => 1, 'a function'],
    [Widget, 'a function'],
    [new Date('2024-01-02T03:04:05.000Z'), '2024-01-02T03:04:05.000Z'],
    [new Date(NaN), 'Invalid Date'],
    [[1, 2], 'an array of length 2'],
    [{ a: 1 }, 'an object'],
    [Object.create(null), 'an object'],
    [new Widget(), 'an instance of Widget'],
    [new (class {})(), 'an object'],
    [Object.assign(Object.create({ constructor: 'not a class' }) as object, { a: 1 }), 'an object'],
    [new Map(), 'an instance of Map'],
  ])('describes %p as %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});

describe('option checks', () => {
  it.each<[() => unknown, string, string]>([
    [
      () => checkInteger('pollIntervalMs', -5, { min: 10 }),
      'pollIntervalMs must be an integer ≥ 10, got -5',
      'pollIntervalMs',
    ],
    [
      () => checkInteger('retries', 1.5, { min: 0, max: 1000 }),
      'retries must be an integer between 0 and 1000, got 1.5',
      'retries',
    ],
    [() => checkInteger('n', '3', { max: 9 }), 'n must be an integer ≤ 9, got "3"', 'n'],
    [() => checkInteger('n', 10, { max: 9 }), 'n must be an integer ≤ 9, got 10', 'n'],
    [
      () => checkNumber('ratio', 1.5, { min: 0, max: 1 }),
      'ratio must be a finite number between 0 and 1, got 1.5',
      'ratio',
    ],
    [() => checkInteger('n', 2 ** 53), 'n must be an integer, got 9007199254740992', 'n'],
    [
      () => checkNumber('ratio', NaN, { min: 0, max: 1 }),
      'ratio must be a finite number between 0 and 1, got NaN',
      'ratio',
    ],
    [() => checkNumber('ratio', Infinity), 'ratio must be a finite number, got Infinity', 'ratio'],
    [
      () => checkQueueName('queue', ''),
      'queue must be a non-empty string of at most 100 characters from [A-Za-z0-9_.:-], got ""',
      'queue',
    ],
    [
      () => checkString('queue', 'a b', { pattern: /^[A-Za-z0-9_.:-]+$/, maxLength: 100 }),
      'queue must be a non-empty string of at most 100 characters from [A-Za-z0-9_.:-], got "a b"',
      'queue',
    ],
    [
      () => checkString('id', 'abc', { pattern: /^\d{3}$/ }),
      'id must be a non-empty string matching /^\\d{3}$/, got "abc"',
      'id',
    ],
    // Only a whole pattern of one character class reads as "from [...]".
    [
      () => checkString('id', '!', { pattern: /a|^[a-z]+$/ }),
      'id must be a non-empty string matching /a|^[a-z]+$/, got "!"',
      'id',
    ],
    [
      () => checkString('id', '!', { pattern: /^[a-z]+$|b/ }),
      'id must be a non-empty string matching /^[a-z]+$|b/, got "!"',
      'id',
    ],
    [
      () => checkString('id', 'abcd', { maxLength: 3, allowEmpty: true }),
      'id must be a string of at most 3 characters, got "abcd"',
      'id',
    ],
    [() => checkString('id', 5), 'id must be a non-empty string, got 5', 'id'],
    [() => checkBoolean('autoStart', 'yes'), 'autoStart must be a boolean, got "yes"', 'autoStart'],
    [() => checkDate('at', new Date(NaN)), 'at must be a valid Date, got Invalid Date', 'at'],
    [() => checkDate('at', '2024-01-01'), 'at must be a valid Date, got "2024-01-01"', 'at'],
    [
      () => checkOneOf('mode', 'random', ['fifo', 'lifo']),
      'mode must be one of "fifo", "lifo", got "random"',
      'mode',
    ],
    [
      () => checkPlainObject('server', [1, 2]),
      'server must be a plain object, got an array of length 2',
      'server',
    ],
    [() => checkPlainObject('server', null), 'server must be a plain object, got null', 'server'],
    [
      () => checkPlainObject('server', undefined),
      'server must be a plain object, got undefined',
      'server',
    ],
    [() => checkPlainObject('server', 'x'), 'server must be a plain object, got "x"', 'server'],
    [
      () => checkPlainObject('server', new Widget()),
      'server must be a plain object, got an instance of Widget',
      'server',
    ],
    [
      () => checkKnownKeys('server', { pollIntervalMS: 5 }, ['concurrency', 'pollIntervalMs']),
      "server has an unknown option 'pollIntervalMS' (did you mean 'pollIntervalMs'?); " +
        'allowed options: concurrency, pollIntervalMs',
      'server.pollIntervalMS',
    ],
    [
      () => checkKnownKeys('', { a: 1, b: 2, queue: 'q' }, ['queue']),
      "options has unknown options 'a', 'b'; allowed options: queue",
      'a',
    ],
    [
      () => checkKnownKeys('backoff', { a: 1 }, []),
      "backoff has an unknown option 'a'; allowed options: none",
      'backoff.a',
    ],
  ])('%#: rejects with "%s"', (action, message, option) => {
    const error = thrown(action);
    expect(error.message).toBe(message);
    expect(error.option).toBe(option);
  });

  it('returns valid values typed', () => {
    const at = new Date();
    const options = { queue: 'q' };
    expect(checkInteger('n', 10, { min: 10, max: 10 })).toBe(10);
    expect(checkNumber('n', 0.5, { min: 0, max: 1 })).toBe(0.5);
    expect(checkNumber('n', -5, { max: 1 })).toBe(-5);
    expect(checkNumber('n', 5, { min: 1 })).toBe(5);
    expect(checkString('s', '', { allowEmpty: true })).toBe('');
    expect(checkQueueName('queue', 'emails:high-priority_1.0')).toBe('emails:high-priority_1.0');
    expect(checkQueueName('queue', 'q'.repeat(100))).toHaveLength(100);
    expect(checkBoolean('b', false)).toBe(false);
    expect(checkDate('at', at)).toBe(at);
    const mode: 'fifo' | 'lifo' = checkOneOf('mode', 'lifo', ['fifo', 'lifo'] as const);
    expect(mode).toBe('lifo');
    expect(checkPlainObject('o', options)).toBe(options);
    expect(checkPlainObject('o', Object.create(null))).toEqual({});
    expect(checkKnownKeys('o', options, ['queue', 'other'])).toBe(options);
  });

  it('rejects a queue name over 100 characters', () => {
    expect(() => checkQueueName('queue', 'q'.repeat(101))).toThrow(InvalidOptionsError);
  });
});

describe('checkJobId', () => {
  it('returns a non-empty string id', () => {
    expect(checkJobId('jobId', '65a1b2c3d4e5f60718293a4b')).toBe('65a1b2c3d4e5f60718293a4b');
  });

  it.each<[unknown, string]>([
    [{ $ne: null }, 'jobId must be a non-empty string, got an object'],
    ['', 'jobId must be a non-empty string, got ""'],
    [42, 'jobId must be a non-empty string, got 42'],
    [undefined, 'jobId must be a non-empty string, got undefined'],
  ])('refuses %p', (value, message) => {
    const error = thrown(() => checkJobId('jobId', value));
    expect(error.message).toBe(message);
    expect(error.option).toBe('jobId');
  });
});

describe('readingOptions', () => {
  it('returns what the read returns, and lets Docket errors through', () => {
    expect(readingOptions('options', () => 3)).toBe(3);
    const original = thrown(() => readingOptions('options', () => checkInteger('n', 'x')));
    expect(original.option).toBe('n');
  });

  it('turns what a getter or Proxy trap throws into an InvalidOptionsError with the cause', () => {
    const cause = new Error('no queue today');
    const error = thrown(() =>
      readingOptions(
        'options',
        () =>
          ({
            get queue(): string {
              throw cause;
            },
          }).queue,
      ),
    );
    expect(error.message).toBe(
      'options could not be read: a getter or Proxy trap threw: no queue today',
    );
    expect(error.option).toBe('options');
    expect(error.cause).toBe(cause);
  });
});

describe('describeClass', () => {
  it('names a class, or says it has no name, and describes anything else', () => {
    expect(describeClass(Widget)).toBe('Widget');
    expect(describeClass(class {})).toBe('an anonymous class');
    expect(describeClass(new Widget())).toBe('an instance of Widget');
    expect(describeClass('Widget')).toBe('"Widget"');
  });
});

describe('isDocketError', () => {
  it('tells Docket errors from others, and never throws', () => {
    expect(isDocketError(new InvalidOptionsError('x'))).toBe(true);
    expect(isDocketError(new Error('x'))).toBe(false);
    expect(isDocketError('x')).toBe(false);
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('no prototype for you');
        },
      },
    );
    expect(isDocketError(hostile)).toBe(false);
  });
});

describe('describeValue with objects that throw when inspected', () => {
  it('never throws', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(describeValue(proxy)).toBe('an object');
  });
});

describe('describeThrown', () => {
  it('gives an Error its message, and anything else thrown its description', () => {
    expect(describeThrown(new TypeError('no queue today'))).toBe('no queue today');
    expect(describeThrown('a string')).toBe(describeValue('a string'));
    expect(describeThrown({ message: 'not an Error' })).toBe(
      describeValue({ message: 'not an Error' }),
    );
  });
});
