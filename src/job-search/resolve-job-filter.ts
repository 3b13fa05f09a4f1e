import { InvalidOptionsError } from '../errors';
import {
  checkBoolean,
  checkDate,
  checkKnownKeys,
  checkOneOf,
  checkPlainObject,
  checkQueueName,
  checkString,
  describeValue,
  readingOptions,
} from '../options/option-checks';
import { checkJobTags } from '../options/job-id-and-tags';
import type { JobCriteria, PayloadCondition, TimeBounds } from '../storage/job-criteria';
import { JOB_STATES, type JobState } from '../storage/job-record';
import type { JobFilter, PayloadFilterValue } from './job-filter';

const FILTER_KEYS: readonly (keyof JobFilter)[] = [
  'state',
  'queue',
  'type',
  'typePrefix',
  'idPrefix',
  'batchId',
  'errorContains',
  'deadLettered',
  'payload',
  'tags',
  'createdAt',
  'finishedAt',
  'dueAt',
];

/** Limits of a filter, so that no query grows without bound. */
const LIMITS = {
  typeLength: 200,
  idLength: 500,
  errorLength: 200,
  payloadPaths: 10,
  pathSegments: 10,
  pathLength: 200,
  valuesPerPath: 20,
  valueLength: 500,
} as const;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Keys a payload cannot hold (enqueue refuses them), so a path through them matches nothing. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype', '_bsontype']);

const NO_CONTROL_CHARACTERS = /^\P{Cc}+$/u;

/** A filter with no condition. */
export const EVERY_JOB: JobCriteria = Object.freeze({
  states: null,
  queue: null,
  type: null,
  typePrefix: null,
  idPrefix: null,
  batchId: null,
  errorContains: null,
  deadLettered: null,
  payload: [],
  tags: [],
  createdAt: null,
  finishedAt: null,
  dueAt: null,
});

/** Whether criteria have at least one condition. */
export function hasConditions(criteria: JobCriteria): boolean {
  return (
    criteria.payload.length > 0 ||
    criteria.tags.length > 0 ||
    Object.entries(criteria).some(
      ([key, value]) => key !== 'payload' && key !== 'tags' && value !== null,
    )
  );
}

/**
 * Checks a {@link JobFilter} and turns it into criteria. `name` prefixes the path of the
 * offending field in errors (`filter.payload.customer.id`); `''` names fields alone (a
 * REST query's parameters). A getter or Proxy trap that throws is an invalid filter too.
 * @throws InvalidOptionsError - naming the field, what is wrong and what is allowed.
 */
export function resolveJobFilter(filter: JobFilter | undefined, name = 'filter'): JobCriteria {
  if (filter === undefined) return EVERY_JOB;
  return readingOptions(name === '' ? 'filter' : name, () => resolveGiven(filter, name));
}

function resolveGiven(filter: JobFilter, name: string): JobCriteria {
  const at = (field: string) => (name === '' ? field : `${name}.${field}`);
  checkPlainObject(name === '' ? 'filter' : name, filter);
  checkKnownKeys(name, filter, FILTER_KEYS);
  const text = (field: keyof JobFilter, maxLength: number): string | null => {
    const value = filter[field];
    if (value === undefined) return null;
    return checkString(at(field), value, {
      maxLength,
      pattern: NO_CONTROL_CHARACTERS,
      patternDescription: 'without control characters',
    });
  };
  return Object.freeze({
    states: filter.state === undefined ? null : resolveStates(at('state'), filter.state),
    queue: filter.queue === undefined ? null : checkQueueName(at('queue'), filter.queue),
    type: text('type', LIMITS.typeLength),
    typePrefix: text('typePrefix', LIMITS.typeLength),
    idPrefix: text('idPrefix', LIMITS.idLength),
    batchId: text('batchId', LIMITS.idLength),
    errorContains: text('errorContains', LIMITS.errorLength),
    deadLettered:
      filter.deadLettered === undefined
        ? null
        : checkBoolean(at('deadLettered'), filter.deadLettered),
    payload: filter.payload === undefined ? [] : resolvePayload(at('payload'), filter.payload),
    tags: filter.tags === undefined ? [] : checkJobTags(at('tags'), filter.tags),
    createdAt: resolveRange(at('createdAt'), filter.createdAt),
    finishedAt: resolveRange(at('finishedAt'), filter.finishedAt),
    dueAt: resolveRange(at('dueAt'), filter.dueAt),
  });
}

function resolveStates(name: string, value: unknown): readonly JobState[] {
  if (!Array.isArray(value)) return [checkOneOf(name, value, JOB_STATES)];
  if (value.length === 0 || value.length > JOB_STATES.length) {
    throw new InvalidOptionsError(
      `${name} must be a state or an array of 1 to ${JOB_STATES.length} states, got ${describeValue(value)}`,
      { option: name },
    );
  }
  const states = value.map((state, i) => checkOneOf(`${name}[${i}]`, state, JOB_STATES));
  return Object.freeze([...new Set(states)]);
}

function resolvePayload(name: string, value: unknown): readonly PayloadCondition[] {
  const fields = checkPlainObject(name, value);
  const paths = Object.keys(fields);
  if (paths.length > LIMITS.payloadPaths) {
    throw new InvalidOptionsError(
      `${name} may compare at most ${LIMITS.payloadPaths} fields, got ${paths.length}`,
      { option: name },
    );
  }
  return Object.freeze(
    paths.map((path) => {
      const field = `${name}.${path}`;
      return Object.freeze({
        path: Object.freeze(checkPayloadPath(field, path)),
        values: Object.freeze(checkPayloadValues(field, fields[path])),
      });
    }),
  );
}

/** A path below the payload: identifiers joined by dots, none a key a payload cannot hold. */
function checkPayloadPath(name: string, path: string): string[] {
  const segments = path.split('.');
  const valid =
    path.length <= LIMITS.pathLength &&
    segments.length <= LIMITS.pathSegments &&
    segments.every((segment) => IDENTIFIER.test(segment) && !FORBIDDEN_SEGMENTS.has(segment));
  if (!valid) {
    throw new InvalidOptionsError(
      `${name}: a payload path must be 1 to ${LIMITS.pathSegments} identifiers ([A-Za-z_][A-Za-z0-9_]*, ` +
        `not __proto__, constructor, prototype or _bsontype) joined by dots, at most ` +
        `${LIMITS.pathLength} characters, got ${describeValue(path)}`,
      { option: name },
    );
  }
  return segments;
}

function checkPayloadValues(name: string, value: unknown): PayloadFilterValue[] {
  if (!Array.isArray(value)) return [checkPayloadValue(name, value)];
  if (value.length === 0 || value.length > LIMITS.valuesPerPath) {
    throw new InvalidOptionsError(
      `${name} must be a value or an array of 1 to ${LIMITS.valuesPerPath} values, got ${describeValue(value)}`,
      { option: name },
    );
  }
  return value.map((item, i) => checkPayloadValue(`${name}[${i}]`, item));
}

function checkPayloadValue(name: string, value: unknown): PayloadFilterValue {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.length <= LIMITS.valueLength) return value;
  throw new InvalidOptionsError(
    `${name} must be a string of at most ${LIMITS.valueLength} characters, a finite number or ` +
      `a boolean (compared for equality), got ${describeValue(value)}`,
    { option: name },
  );
}

function resolveRange(name: string, value: unknown): TimeBounds | null {
  if (value === undefined) return null;
  const range = checkPlainObject(name, value);
  checkKnownKeys(name, range, ['from', 'to']);
  const from = range.from === undefined ? null : checkDate(`${name}.from`, range.from);
  const to = range.to === undefined ? null : checkDate(`${name}.to`, range.to);
  if (from === null && to === null) {
    throw new InvalidOptionsError(`${name} must give from, to or both`, { option: name });
  }
  if (from !== null && to !== null && from.getTime() >= to.getTime()) {
    throw new InvalidOptionsError(
      `${name}.to must be later than ${name}.from (from is included, to excluded), got ` +
        `${from.toISOString()} to ${to.toISOString()}`,
      { option: `${name}.to` },
    );
  }
  return Object.freeze({ from, to });
}
