/**
 * Bodies of `POST api/jobs` (enqueue) that are valid JSON values a client can send but wrong
 * in one way: a payload field, the type, an option, the schedule, an unknown field; and
 * bodies that are not what the endpoint takes (not an object, malformed, too large, another
 * media type).
 */
import fc from 'fast-check';
import { VALID_INPUT } from './input-jobs';
import {
  invalidInteger,
  invalidQueueName,
  invalidString,
  label,
  unknownKey,
  type Arb,
} from './values';

/** Whether a value survives JSON unchanged (the only values a REST client can send). */
export function jsonSafe(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonSafe);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every(jsonSafe);
  }
  return false;
}

export const json = (arb: Arb): Arb => arb.filter(jsonSafe);

const ENQUEUE_FIELDS = [
  'type',
  'payload',
  'queue',
  'priority',
  'maxAttempts',
  'timeoutMs',
  'uniqueKey',
  'delayMs',
  'runAt',
];
const VALID_BODY = { type: 'faults.input', payload: { ...VALID_INPUT } };

/** An enqueue body that is valid but for one field (or its absence). */
const enqueueBodyWith = (field: string, arb: Arb): Arb<{ body: string; input: string }> =>
  json(arb).map((value) => ({
    body: JSON.stringify({ ...VALID_BODY, [field]: value }),
    input: `${field}: ${label(value)}`,
  }));

const payloadWith = (field: string, arb: Arb): Arb<{ body: string; input: string }> =>
  json(arb).map((value) => ({
    body: JSON.stringify({ ...VALID_BODY, payload: { ...VALID_INPUT, [field]: value } }),
    input: `payload.${field}: ${label(value)}`,
  }));

export const jsonNotString: Arb = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.constant({ $ne: null }),
);

export const badEnqueueBody: Arb<{ body: string; input: string; contentType?: string | null }> =
  fc.oneof(
    payloadWith(
      'email',
      fc.oneof(
        fc.string({ maxLength: 20 }).filter((s) => !s.includes('@')),
        fc.constantFrom('a@', '@b.co', 'a b@c.co'),
        jsonNotString,
      ),
    ),
    payloadWith('count', invalidInteger(1, 100)),
    payloadWith('label', fc.oneof(jsonNotString, fc.string({ minLength: 21, maxLength: 40 }))),
    payloadWith(
      'tags',
      fc.oneof(
        fc.string({ maxLength: 4 }),
        fc.array(fc.string({ maxLength: 2 }), { minLength: 6, maxLength: 8 }),
        fc.constant([1]),
      ),
    ),
    enqueueBodyWith(
      'payload',
      fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.array(fc.integer())),
    ),
    fc
      .constantFrom('__proto__', 'constructor', 'prototype')
      .chain((key) =>
        fc.constantFrom(
          `{"type":"faults.input","payload":{"${key}":{"email":"x"},"email":"ada@example.com","count":1,"label":"a","tags":[]}}`,
          `{"type":"faults.anything","payload":{"data":{"inner":{"${key}":1}}}}`,
        ),
      )
      .map((body) => ({ body, input: body.slice(0, 60) })),
    fc.string({ maxLength: 6 }).map((key) => ({
      body: JSON.stringify({ type: 'faults.anything', payload: { data: { [`$${key}`]: 1 } } }),
      input: `payload key $${key}`,
    })),
    fc.integer({ min: 100, max: 140 }).map((depth) => ({
      body: `{"type":"faults.anything","payload":{"data":${'['.repeat(depth)}1${']'.repeat(depth)}}}`,
      input: `payload nested ${depth} levels`,
    })),
    enqueueBodyWith(
      'type',
      fc.oneof(
        jsonNotString,
        fc.string({ maxLength: 20 }).filter((t) => !t.startsWith('faults.') && t.length > 0),
        fc.string({ minLength: 201, maxLength: 220 }),
        fc.constant(''),
      ),
    ),
    fc.constant({ body: JSON.stringify({ payload: VALID_INPUT }), input: 'no type' }),
    enqueueBodyWith('queue', invalidQueueName),
    enqueueBodyWith('priority', invalidInteger(-1000, 1000)),
    enqueueBodyWith('maxAttempts', invalidInteger(1, 1000)),
    enqueueBodyWith('timeoutMs', invalidInteger(1, 2_147_483_647)),
    enqueueBodyWith('uniqueKey', invalidString({ maxLength: 500 })),
    enqueueBodyWith('delayMs', invalidInteger(0, 10 * 365 * 24 * 3_600_000)),
    enqueueBodyWith(
      'runAt',
      fc.oneof(
        fc.constantFrom(
          '2030-02-30T00:00:00Z',
          '2030-13-01T00:00:00Z',
          '2030-01-01T24:00:00Z',
          '2030-01-01T00:60:00Z',
          '2030-01-01T00:00:00+24:00',
          '2030-01-01',
          'tomorrow',
          '',
        ),
        fc.string({ maxLength: 12 }),
        jsonNotString,
      ),
    ),
    fc.tuple(fc.nat(10_000), fc.constant('2030-01-01T09:00:00Z')).map(([delayMs, runAt]) => ({
      body: JSON.stringify({ ...VALID_BODY, delayMs, runAt }),
      input: 'both delayMs and runAt',
    })),
    unknownKey(ENQUEUE_FIELDS).map((key) => ({
      body: JSON.stringify({ ...VALID_BODY, [key]: 1 }),
      input: `unknown field ${key}`,
    })),
    json(
      fc.oneof(
        fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
        fc.string(),
        fc.integer(),
        fc.constantFrom(null, true),
      ),
    ).map((value) => ({ body: JSON.stringify(value), input: `body ${label(value)}` })),
    fc
      .tuple(fc.constant(JSON.stringify(VALID_BODY)), fc.nat())
      .map(([text, cut]) => text.slice(0, cut % text.length))
      .filter((text) => text.length > 0 && !parses(text))
      .map((body) => ({ body, input: `truncated JSON ${body.slice(-20)}` })),
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        null,
      )
      .map((contentType) => ({
        body: JSON.stringify(VALID_BODY),
        input: `Content-Type ${String(contentType)}`,
        contentType,
      })),
    fc.integer({ min: 70_000, max: 90_000 }).map((size) => ({
      body: JSON.stringify({ ...VALID_BODY, payload: { ...VALID_INPUT, label: 'x'.repeat(size) } }),
      input: `body of ${size} bytes`,
    })),
  );

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
