/**
 * Jobs that must be refused: payloads breaking their class-validator rules, payloads storage
 * cannot hold (or would read back as something else), and values that are not jobs at all.
 */
import fc from 'fast-check';
import type { IJob } from '../../../src';
import { AnythingJob, InputJob, NotAJob, VALID_INPUT, validInput } from './input-jobs';
import { hostileObject, invalidInteger, label, labelled, notAString, type Arb } from './values';

/** For each field of an InputJob, values that break its rule. */
export const invalidField: Record<keyof typeof VALID_INPUT, Arb> = {
  email: fc.oneof(
    fc.string({ maxLength: 30 }).filter((s) => !s.includes('@')),
    fc.constantFrom('a@', '@b.co', 'a b@c.co', 'a@@b.co', 'a@b'),
    notAString,
    fc.constant(undefined),
  ),
  count: fc.oneof(invalidInteger(1, 100), fc.constant(undefined)),
  label: fc.oneof(notAString, fc.constant(undefined), fc.string({ minLength: 21, maxLength: 60 })),
  tags: fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.string({ maxLength: 5 }),
    fc.integer(),
    fc.constant({ 0: 'a', length: 1 }),
    fc.array(fc.string({ maxLength: 3 }), { minLength: 6, maxLength: 9 }),
    fc.tuple(fc.string({ maxLength: 3 }), notAString).map((tags) => tags),
  ),
};

/** An InputJob with one field breaking its rule. */
const invalidPayload: Arb<{ value: IJob; input: string }> = fc
  .constantFrom(...(Object.keys(invalidField) as Array<keyof typeof VALID_INPUT>))
  .chain((field) =>
    invalidField[field].map((value) => ({
      value: Object.assign(validInput(), { [field]: value }) as IJob,
      input: `${field}: ${label(value)}`,
    })),
  );

const makers: ReadonlyArray<() => unknown> = [
  () => new Map([['a', 1]]),
  () => new Set([1]),
  () => new WeakMap(),
  () => /re/g,
  () => new Error('stored'),
  () => Promise.resolve(1),
  () => new URL('https://example.com/'),
  () => new URLSearchParams('a=1'),
  () => Object(1),
  () => Object('s'),
  () => new ArrayBuffer(4),
  () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    return circular;
  },
  () => {
    const huge: unknown[] = [];
    huge.length = 2 ** 32 - 1;
    return huge;
  },
  () => ({ [Symbol('key')]: 1 }),
  () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
  () => Object.create({ _bsontype: 'Long' }) as unknown,
];

/** A value storage cannot hold faithfully (or at all). */
const unstorableValue: Arb = fc.oneof(
  fc.constant(() => 1),
  fc.constant(Symbol('value')),
  fc.constantFrom(...makers).map((make) => make()),
  fc.integer({ min: 100, max: 130 }).map((depth) => {
    let nested: unknown = 1;
    for (let i = 0; i < depth; i++) nested = i % 2 === 0 ? { n: nested } : [nested];
    return nested;
  }),
  fc.string({ maxLength: 8 }).map((key) => ({ [`$${key}`]: 1 })),
  fc.constantFrom('constructor', 'prototype', '_bsontype').map((key) => ({ [key]: 1 })),
  fc.string({ maxLength: 5 }).map((key) => ({ [`a\u0000${key}`]: 1 })),
  fc.bigInt({ min: 2n ** 63n, max: 2n ** 80n }),
  fc.bigInt({ min: -(2n ** 80n), max: -(2n ** 63n) - 1n }),
  hostileObject('x'),
  fc.constantFrom({ _bsontype: 'ObjectId', id: 'x' }, { _bsontype: 'Code', code: 'x' }),
);

/** An AnythingJob holding an unstorable value somewhere in its payload. */
const unstorablePayload: Arb<{ value: IJob; input: string }> = fc
  .tuple(unstorableValue, fc.nat(3))
  .map(([bad, depth]) => {
    let data = bad;
    for (let i = 0; i < depth; i++) data = i % 2 === 0 ? [data] : { inner: data };
    return { value: Object.assign(new AnythingJob(), { data }) as IJob, input: label(bad) };
  });

/** Not a job at all. */
const notAJob: Arb<{ value: IJob; input: string }> = labelled(
  fc
    .constantFrom<() => unknown>(
      () => null,
      () => undefined,
      () => 42,
      () => 'job',
      () => [],
      () => ({}),
      () => ({ ...VALID_INPUT }),
      () => new NotAJob(),
      () => NotAJob,
      () => InputJob,
      () => Object.create(null) as unknown,
      () => new Date(),
    )
    .map((make) => make() as IJob),
);

/** A bad job of any kind, with its label. */
export const badJob = fc.oneof(
  { arbitrary: invalidPayload, weight: 4 },
  { arbitrary: unstorablePayload, weight: 4 },
  { arbitrary: notAJob, weight: 1 },
);
