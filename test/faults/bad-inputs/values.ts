/**
 * fast-check arbitraries of values that are invalid by construction for a given rule: every
 * value they produce must be refused. (Where validity is decided by a library, as for cron
 * expressions and time zones, candidates the library accepts are filtered out.)
 */
import { inspect } from 'node:util';
import { CronExpressionParser } from 'cron-parser';
import fc from 'fast-check';

export type Arb<T = unknown> = fc.Arbitrary<T>;

/** Characters of queue names and recurring ids. */
export const NAME_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** Anything but a string, and never `undefined` (which options read as "not given"). */
export const notAString: Arb = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.constantFrom({ $ne: null }, { $gt: '' }, { $regex: '.*' }, { $where: 'sleep(100)' }),
  fc.date(),
  fc.constant(Symbol('id')),
  fc.constant(() => 'id'),
);

/** A value for an integer rule `[min, max]` that breaks it. */
export function invalidInteger(min: number, max: number): Arb {
  const INT32 = 2_147_483_647;
  const outside: Array<Arb> = [
    min - 1 >= -INT32 - 1
      ? fc.integer({ min: -INT32 - 1, max: min - 1 })
      : fc.constantFrom(min - 1, min - 2 ** 20),
    max + 1 <= INT32 ? fc.integer({ min: max + 1, max: INT32 }) : fc.constantFrom(max + 1, 2 ** 40),
    fc.constant(max + 0.5),
  ];
  return fc.oneof(
    ...outside,
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    fc.constantFrom(NaN, Infinity, -Infinity, 2 ** 53 + 2, -0.5),
    fc.integer({ min: Math.max(min, -1_000), max: Math.min(max, 1_000) }).map(String),
    fc.integer({ min: Math.max(min, -1_000), max: Math.min(max, 1_000) }).map((n) => [n]),
    fc.integer({ min: Math.max(min, -1_000), max: Math.min(max, 1_000) }).map(BigInt),
    fc.boolean(),
    fc.constant(null),
    fc.constant({ $gt: 0 }),
  );
}

/** A value for a string rule that breaks it: not a string, too long, empty, or off-pattern. */
export function invalidString({
  maxLength,
  pattern,
  allowEmpty = false,
}: {
  maxLength: number;
  pattern?: RegExp;
  allowEmpty?: boolean;
}): Arb {
  const candidates: Arb[] = [
    notAString,
    fc.string({ minLength: maxLength + 1, maxLength: maxLength + 40 }),
  ];
  if (!allowEmpty) candidates.push(fc.constant(''));
  if (pattern !== undefined) {
    candidates.push(
      fc
        .string({ minLength: 1, maxLength: Math.min(maxLength, 30), unit: 'grapheme' })
        .filter((s) => !pattern.test(s)),
      fc.constantFrom('a b', 'a/b', 'a\u0000b', 'queue\n', '$where', 'ü', 'a;b', '../x'),
    );
  }
  return fc.oneof(...candidates);
}

/** A job id that is not one: anything but a non-empty string (`undefined` included). */
export const invalidJobId: Arb = fc.oneof(notAString, fc.constant(undefined), fc.constant(''));

export const invalidQueueName: Arb = invalidString({ maxLength: 100, pattern: NAME_PATTERN });

/** Strings that are not queue names (for object keys, which are strings anyway). */
export const invalidQueueNameText: Arb<string> = invalidQueueName.filter(
  (name): name is string =>
    typeof name === 'string' &&
    (name.length === 0 || name.length > 100 || !NAME_PATTERN.test(name)),
);

export const invalidRecurringId: Arb = fc.oneof(
  invalidString({ maxLength: 200, pattern: NAME_PATTERN }),
  fc.constant(undefined),
);

/** Anything but a plain object (options, `when`), never `undefined`. */
export const notPlainObject: Arb = fc.oneof(
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.boolean(),
  fc.date(),
  fc.constant(new Map([['queue', 'default']])),
  fc.constant(Object.assign(new (class Options {})(), { queue: 'default' })),
  fc.constant(() => ({})),
);

/** A key that is not among `known` (so a plain object holding it has an unknown option). */
export function unknownKey(known: readonly string[]): Arb<string> {
  return fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.constantFrom(...known.map((key) => key.toUpperCase()), 'queues', 'retries', 'unique_key'),
    )
    .filter((key) => !known.includes(key));
}

/**
 * An object whose reading throws: a getter of `key` that throws, or a Proxy whose traps
 * throw (what an untyped caller can pass).
 */
export function hostileObject(key: string): Arb<object> {
  return fc
    .constantFrom<() => object>(
      () =>
        Object.defineProperty({}, key, {
          enumerable: true,
          get() {
            throw new Error(`getter ${key} throws`);
          },
        }),
      () =>
        new Proxy(
          {},
          {
            ownKeys() {
              throw new Error('ownKeys trap throws');
            },
            get() {
              throw new Error('get trap throws');
            },
          },
        ),
      () =>
        new Proxy(
          { [key]: 1 },
          {
            getPrototypeOf() {
              throw new Error('getPrototypeOf trap throws');
            },
          },
        ),
    )
    .map((make) => make());
}

/** Whether cron-parser (what defines the syntax) accepts an expression with a next occurrence. */
function cronAccepted(expression: unknown): boolean {
  try {
    CronExpressionParser.parse(expression as string, { tz: 'UTC' }).next();
    return typeof expression === 'string';
  } catch {
    return false;
  }
}

const cronField = fc.oneof(
  fc.constant('*'),
  fc.integer({ min: 0, max: 99 }).map(String),
  fc.constantFrom('*/5', '1-5', 'MON', 'JAN', 'L', '?', '1,2'),
);

/** Cron expressions cron-parser refuses (or that never occur), and non-strings. */
export const invalidCron: Arb = fc
  .oneof(
    fc.array(cronField, { minLength: 1, maxLength: 4 }).map((fields) => fields.join(' ')),
    fc.array(cronField, { minLength: 8, maxLength: 10 }).map((fields) => fields.join(' ')),
    fc.integer({ min: 60, max: 999 }).map((minute) => `${minute} * * * *`),
    fc.integer({ min: 24, max: 99 }).map((hour) => `0 ${hour} * * *`),
    fc.integer({ min: 32, max: 99 }).map((day) => `0 0 ${day} * *`),
    fc.integer({ min: 13, max: 99 }).map((month) => `0 0 1 ${month} *`),
    fc.integer({ min: 8, max: 99 }).map((weekday) => `0 0 * * ${weekday}`),
    fc.string({ maxLength: 20 }),
    fc.constantFrom(
      '',
      '   ',
      '@never',
      '@dailyy',
      '0 0 30 2 *',
      '0 0 31 4 *',
      '*/0 * * * *',
      'L L L L L',
      '* * * * * * * *',
      '0 0 * * MON-FUNDAY',
    ),
    notAString,
  )
  .filter((expression) => !cronAccepted(expression));

/** Whether the platform knows a time zone of this name. */
function timeZoneKnown(timeZone: unknown): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: timeZone as string });
    return typeof timeZone === 'string';
  } catch {
    return false;
  }
}

/** Time zone names no one knows, and non-strings. */
export const invalidTimeZone: Arb = fc
  .oneof(
    fc.string({ maxLength: 12 }).map((name) => `Mars/${name}`),
    fc.integer({ min: 15, max: 99 }).map((hours) => `UTC+${hours}`),
    fc.string({ minLength: 101, maxLength: 140 }),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('', 'Europe/Berlinn', 'America/New York', 'UTC ', '+25:00', 'Local'),
    notAString,
  )
  .filter((timeZone) => !timeZoneKnown(timeZone));

/** A short, safe rendering of any value (getters and Proxy traps are not run). */
export function label(value: unknown): string {
  try {
    return inspect(value, {
      depth: 2,
      breakLength: Infinity,
      maxArrayLength: 4,
      maxStringLength: 40,
      getters: false,
      showProxy: true,
    }).slice(0, 120);
  } catch {
    return '(not inspectable)';
  }
}

/** Pairs each value with its label (what a finding shows). */
export const labelled = <T>(arb: Arb<T>, prefix = ''): Arb<{ value: T; input: string }> =>
  arb.map((value) => ({ value, input: `${prefix}${label(value)}` }));
