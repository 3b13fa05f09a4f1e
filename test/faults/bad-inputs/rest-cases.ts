/**
 * Generated requests to the dashboard's REST API, each wrong in one way: bodies of enqueue
 * and of actions, path parameters, query parameters, media types, sizes, malformed JSON.
 * Every answer must be a 4xx JSON problem (`{ error: { code, message } }`), and nothing
 * may be written.
 */
import fc from 'fast-check';
import { label } from './api-cases';
import { VALID_INPUT } from './input-jobs';
import {
  invalidInteger,
  invalidQueueName,
  invalidString,
  NAME_PATTERN,
  unknownKey,
  type Arb,
} from './values';

/** One generated request (the path is relative to the dashboard's base path). */
export interface BadRequest {
  readonly target: string;
  readonly input: string;
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  /** Sent as Content-Type (`null`: none); `application/json` by default when there is a body. */
  readonly contentType?: string | null;
}

/** Records that exist in the scenario's database. */
export interface ExistingRecords {
  /** An unfinished job. */
  readonly jobId: string;
  readonly recurringId: string;
}

/** Whether a value survives JSON unchanged (the only values a REST client can send). */
function jsonSafe(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonSafe);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every(jsonSafe);
  }
  return false;
}

const json = (arb: Arb): Arb => arb.filter(jsonSafe);

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

const post = (
  target: string,
  path: string,
  arb: Arb<{ body: string; input: string; contentType?: string | null }>,
): Arb<BadRequest> => arb.map((request) => ({ target, method: 'POST', path, ...request }));

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

const jsonNotString: Arb = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.constant({ $ne: null }),
);

const badEnqueueBody: Arb<{ body: string; input: string; contentType?: string | null }> = fc.oneof(
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

/** A path segment as a client would send it. */
const segment = (value: string) => encodeURIComponent(value);

/** Names and ids that break their pattern (as strings: a path carries text). */
const badName: Arb<string> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }).filter((s) => !NAME_PATTERN.test(s)),
  fc.string({ minLength: 201, maxLength: 210 }).map((s) => s.replace(/[^A-Za-z]/g, 'a')),
  fc.constantFrom('a b', 'a/b', 'a\u0001b', '..', '.', 'ü'),
);

const action = (
  method: string,
  path: string,
  target: string,
  body: string | undefined,
  input: string,
): BadRequest => ({ target, method, path, input, ...(body === undefined ? {} : { body }) });

/** A body an action does not take: unknown fields (actions take none, or `allowUnknown`). */
const unknownFields: Arb<string> = unknownKey(['allowUnknown']).map((key) =>
  JSON.stringify({ [key]: 1 }),
);

/** Every kind of bad request, for a database holding `existing`. */
export function badRequests(existing: ExistingRecords): Arb<BadRequest> {
  const recurringVerbs = fc.constantFrom('trigger', 'pause', 'resume', 'remove');
  const recurringPath = (verb: string, id: string) =>
    verb === 'remove' ? `api/recurring/${segment(id)}` : `api/recurring/${segment(id)}/${verb}`;
  const recurringMethod = (verb: string) => (verb === 'remove' ? 'DELETE' : 'POST');
  return fc.oneof(
    { weight: 10, arbitrary: post('POST api/jobs', 'api/jobs', badEnqueueBody) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('pause', 'resume'), badName)
        .map(([verb, name]) =>
          action(
            'POST',
            `api/queues/${segment(name)}/${verb}`,
            `POST queue ${verb}`,
            undefined,
            `name ${label(name)}`,
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('pause', 'resume'), fc.stringMatching(/^[a-z]{1,8}$/))
        .map(([verb, name]) =>
          action(
            'POST',
            `api/queues/no-such-${name}/${verb}`,
            `POST queue ${verb}`,
            undefined,
            'unknown queue',
          ),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('pause', 'resume'),
          fc.oneof(
            json(fc.oneof(jsonNotString, fc.string({ maxLength: 5 })))
              .filter((v) => typeof v !== 'boolean')
              .map((allowUnknown) => JSON.stringify({ allowUnknown })),
            unknownFields,
          ),
        )
        .map(([verb, body]) =>
          action('POST', `api/queues/default/${verb}`, `POST queue ${verb}`, body, body),
        ),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(recurringVerbs, badName)
        .map(([verb, id]) =>
          action(
            recurringMethod(verb),
            recurringPath(verb, id),
            `recurring ${verb}`,
            undefined,
            `id ${label(id)}`,
          ),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(recurringVerbs, fc.stringMatching(/^[a-z0-9]{1,10}$/))
        .map(([verb, id]) =>
          action(
            recurringMethod(verb),
            recurringPath(verb, `no-such.${id}`),
            `recurring ${verb}`,
            undefined,
            'unknown id',
          ),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(recurringVerbs, unknownFields)
        .map(([verb, body]) =>
          action(
            recurringMethod(verb),
            recurringPath(verb, existing.recurringId),
            `recurring ${verb}`,
            body,
            body,
          ),
        ),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom('DELETE', 'POST requeue', 'GET'),
          fc.oneof(
            fc.stringMatching(/^[a-f0-9]{1,24}$/).map((id) => `no-such-${id}`),
            fc.constantFrom('a\u0001b', '\u007f', 'x'.repeat(501)),
          ),
        )
        .map(([verb, id]) =>
          action(
            verb === 'GET' ? 'GET' : verb === 'DELETE' ? 'DELETE' : 'POST',
            `api/jobs/${segment(id)}${verb === 'POST requeue' ? '/requeue' : ''}`,
            `job ${verb}`,
            undefined,
            `id ${label(id)}`,
          ),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('DELETE', 'POST requeue'),
          fc.option(unknownFields, { nil: undefined }),
        )
        .map(([verb, body]) =>
          verb === 'DELETE'
            ? action(
                'DELETE',
                `api/jobs/${segment(existing.jobId)}`,
                'job DELETE',
                body ?? '{"force":true}',
                'existing job, body field',
              )
            : action(
                'POST',
                `api/jobs/${segment(existing.jobId)}/requeue`,
                'job POST requeue',
                body,
                'unfinished job',
              ),
        ),
    },
    {
      weight: 4,
      arbitrary: fc
        .oneof(
          fc
            .string({ maxLength: 10 })
            .filter(
              (s) =>
                ![
                  'enqueued',
                  'scheduled',
                  'processing',
                  'succeeded',
                  'failed',
                  'deleted',
                  'awaiting',
                ].includes(s),
            )
            .map((v) => ['state', v]),
          fc
            .oneof(
              fc.constantFrom('0', '-1', '1001', '1.5', 'ten', ''),
              fc.integer({ min: 1001, max: 99_999 }).map(String),
            )
            .map((v) => ['limit', v]),
          // '.' and '..' are queue names, although not path segments.
          badName.filter((v) => !NAME_PATTERN.test(v) || v.length > 100).map((v) => ['queue', v]),
          fc.string({ minLength: 201, maxLength: 210 }).map((v) => ['type', v]),
          fc.string({ minLength: 101, maxLength: 110 }).map((v) => ['search', v]),
          invalidCursor.map((v) => ['cursor', v]),
          unknownKey(['state', 'queue', 'type', 'search', 'limit', 'cursor']).map((k) => [k, '1']),
          fc.constantFrom('state', 'limit', 'queue').map((k) => [k, 'dup']),
        )
        .map(([name, value]) => {
          const query =
            value === 'dup'
              ? `${name}=${name === 'limit' ? '5' : 'enqueued'}&${name}=${name === 'limit' ? '6' : 'failed'}`
              : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
          return action(
            'GET',
            `api/jobs?${query}`,
            'GET api/jobs?query',
            undefined,
            `${name}=${label(value)}`,
          );
        }),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            ['GET', 'api/nope'],
            ['PUT', 'api/jobs'],
            ['PATCH', 'api/queues'],
            ['DELETE', 'api/stats'],
            ['GET', 'api/../api/jobs'],
            ['GET', 'api//jobs'],
            ['GET', 'api/jobs/%2e%2e'],
            ['POST', 'api/jobs/%2F/requeue'],
            ['GET', 'api/jobs\\x'],
          ),
          fc.stringMatching(/^[a-z]{1,10}$/).map((word) => ['GET', `api/${word}-nope`]),
        )
        .map(([method, path]) =>
          action(method, path, 'unknown route', undefined, `${method} ${path}`),
        ),
    },
  );
}

/** Cursor tokens that are not positions of the list they are sent to (no state: by id). */
const invalidCursor: Arb<string> = fc
  .oneof(
    fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 5 }).filter((a) => a.length !== 3),
    fc.tuple(
      fc.string({ maxLength: 8 }).filter((k) => k !== 'id'),
      fc.constant(null),
      fc.constant('x'),
    ),
    fc.tuple(
      fc.constant('id'),
      fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isSafeInteger(v)),
        fc.string(),
        fc.constant({ $gt: 0 }),
      ),
      fc.constant('x'),
    ),
    fc.tuple(
      fc.constant('id'),
      fc.constant(null),
      fc.oneof(fc.constant(''), fc.integer(), fc.constant({ $ne: null })),
    ),
    fc.jsonValue({ maxDepth: 1 }).filter((v) => !Array.isArray(v)),
  )
  .map((value) => Buffer.from(JSON.stringify(value) ?? 'null', 'utf8').toString('base64url'))
  .chain((token) => fc.constantFrom(token, `${token}!`, token.slice(0, -1) || '*'));
