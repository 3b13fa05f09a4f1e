/**
 * Generated requests to the dashboard's REST API, each wrong in one way: bodies of enqueue
 * and of actions, path parameters, query parameters, media types, sizes, malformed JSON.
 * Every answer must be a 4xx JSON problem (`{ error: { code, message } }`), and nothing
 * may be written.
 */
import fc from 'fast-check';
import { JOB_LIST_PARAMETERS } from '../../../src/dashboard/api/job-list-query';
import { VALID_INPUT } from './input-jobs';
import { badEnqueueBody, json, jsonNotString } from './rest-bodies';
import { label, NAME_PATTERN, unknownKey, type Arb } from './values';

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

const post = (
  target: string,
  path: string,
  arb: Arb<{ body: string; input: string; contentType?: string | null }>,
): Arb<BadRequest> => arb.map((request) => ({ target, method: 'POST', path, ...request }));

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

/** The query parameters of `GET api/jobs` that take a name as it is. */
const LIST_PARAMETERS = JOB_LIST_PARAMETERS.filter((name) => !name.endsWith('.*'));

/** A payload path as a filter takes it: identifiers joined by dots. */
const PAYLOAD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** An array of 1 to 20 scalars: a payload filter takes it as "any of these values". */
const scalarList = (value: unknown): boolean =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.length <= 20 &&
  value.every((item) => ['string', 'number', 'boolean'].includes(typeof item));

/**
 * Bodies of `POST api/jobs/bulk` refused whole: a bad action, both or neither of ids and
 * filter, an empty filter, operators where values go, payload paths that are not
 * identifiers, values that are objects, too many ids. None may change a job.
 */
const badBulkBody: Arb<{ body: string; input: string }> = fc
  .oneof(
    fc.constantFrom<unknown>(
      { action: 'retry' },
      { action: 'retry', ids: ['x'], filter: { state: 'failed' } },
      { action: 'delete', filter: {} },
      { action: 'explode', ids: ['x'] },
      { ids: ['x'] },
      { action: 'delete', ids: [] },
      { action: 'delete', ids: 'x' },
      { action: 'delete', ids: [{ $ne: null }] },
      { action: 'delete', ids: Array.from({ length: 1_001 }, (_, i) => `id-${i}`) },
      { action: 'delete', filter: { state: { $ne: 'deleted' } } },
      { action: 'delete', filter: { queue: { $gt: '' } } },
      { action: 'delete', filter: { idPrefix: { $regex: '' } } },
      { action: 'delete', filter: { payload: { a: { $exists: true } } } },
      { action: 'delete', filter: { payload: { a: [{ $gt: 0 }] } } },
      { action: 'delete', filter: { createdAt: { from: 'soon' } } },
      { action: 'delete', filter: { createdAt: { $gte: '2020-01-01T00:00:00Z' } } },
      { action: 'delete', filter: 'everything' },
      { action: 'delete', ids: ['x'], force: true },
    ),
    fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((path) => !PAYLOAD_PATH.test(path))
      .map((path) => ({ action: 'delete', filter: { payload: { [path]: 1 } } })),
    json(jsonNotString)
      .filter((value) => typeof value === 'object' && value !== null && !scalarList(value))
      .map((value) => ({ action: 'retry', filter: { queue: 'default', payload: { a: value } } })),
  )
  .map((body) => {
    const text = JSON.stringify(body);
    return { body: text, input: label(text) };
  });

/** A recurring job definition `PUT api/recurring/{id}` takes, valid as it is. */
const VALID_RECURRING = { type: 'faults.input', payload: { ...VALID_INPUT }, cron: '0 4 * * *' };

/**
 * Bodies of `PUT api/recurring/{id}` wrong in one way (cron, time zone, an option, the type,
 * the payload's rules, an unknown field): nothing may be written.
 */
const badRecurringBody: Arb<{ body: string; input: string }> = fc
  .oneof(
    fc.constantFrom<[string, unknown]>(
      ['cron', '61 * * * *'],
      ['cron', ''],
      ['cron', 5],
      ['timeZone', 'Mars/Olympus'],
      ['queue', 'no spaces'],
      ['priority', 5_000],
      ['missedRunPolicy', 'often'],
      ['type', 'no.such.type'],
      ['type', { $ne: null }],
      ['payload', []],
      ['colour', 'red'],
    ),
    json(jsonNotString)
      .filter((value) => !(Number.isInteger(value) && Number(value) >= 1 && Number(value) <= 100))
      .map((value): [string, unknown] => ['payload', { ...VALID_INPUT, count: value }]),
  )
  .map(([field, value]) => {
    const text = JSON.stringify({ ...VALID_RECURRING, [field]: value });
    return { body: text, input: `${field} ${label(value)}` };
  });

/** Every kind of bad request, for a database holding `existing`. */
export function badRequests(existing: ExistingRecords): Arb<BadRequest> {
  const recurringVerbs = fc.constantFrom('trigger', 'pause', 'resume', 'remove');
  const recurringPath = (verb: string, id: string) =>
    verb === 'remove' ? `api/recurring/${segment(id)}` : `api/recurring/${segment(id)}/${verb}`;
  const recurringMethod = (verb: string) => (verb === 'remove' ? 'DELETE' : 'POST');
  return fc.oneof(
    { weight: 10, arbitrary: post('POST api/jobs', 'api/jobs', badEnqueueBody) },
    { weight: 4, arbitrary: post('POST api/jobs/bulk', 'api/jobs/bulk', badBulkBody) },
    {
      weight: 3,
      arbitrary: badRecurringBody.map((request) => ({
        target: 'PUT api/recurring/{id}',
        method: 'PUT',
        path: `api/recurring/${segment(existing.recurringId)}`,
        ...request,
      })),
    },
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
      weight: 2,
      arbitrary: fc
        .constantFrom(
          ['POST', 'run-now', '{"at":"now"}'],
          ['POST', 'reschedule', '{}'],
          ['POST', 'reschedule', '{"runAt":"tomorrow"}'],
          ['POST', 'reschedule', '{"runAt":"2030-01-01T00:00:00Z","delayMs":5}'],
          ['POST', 'reschedule', '{"delayMs":-1}'],
          ['POST', 'priority', '{"priority":1001}'],
          ['POST', 'priority', '{"priority":"high"}'],
          ['POST', 'priority', '{}'],
          ['PUT', 'payload', '{"payload":[1]}'],
          ['PUT', 'payload', '{"payload":{"$where":"1"}}'],
          ['PUT', 'payload', '{"type":"x","payload":{}}'],
          ['POST', 'succeed', '{"result":1,"state":"succeeded"}'],
          ['POST', 'fail', '{}'],
          ['POST', 'fail', '{"message":""}'],
          ['POST', 'fail', '{"message":7}'],
        )
        .map(([method, verb, body]) =>
          action(
            method as 'POST' | 'PUT',
            `api/jobs/${segment(existing.jobId)}/${verb}`,
            `job ${method} ${verb}`,
            body,
            body,
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
          fc.string({ minLength: 501, maxLength: 510 }).map((v) => ['search', v]),
          invalidCursor.map((v) => ['cursor', v]),
          unknownKey(LIST_PARAMETERS)
            .filter((key) => !key.startsWith('payload.'))
            .map((k) => [k, '1']),
          fc
            .constantFrom('payload.$where', 'payload.a[$ne]', 'payload.__proto__', 'payload.a..b')
            .map((k) => [k, '1']),
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
