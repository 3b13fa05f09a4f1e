import { QUEUE_NAME_MAX_LENGTH, QUEUE_NAME_PATTERN } from '../constants';
import { DocketError, InvalidOptionsError } from '../errors';

/*
 * Small validators shared by every options resolver. Each one returns its value typed when
 * it is valid, and otherwise throws an InvalidOptionsError whose message says what was
 * expected and what was given ("pollIntervalMs must be an integer ≥ 10, got -5") and whose
 * `option` is the `name` passed in, so callers pass the full option path
 * ('server.pollIntervalMs') when they have one.
 */

/** Bounds accepted by {@link checkInteger} and {@link checkNumber}; both inclusive. */
export interface NumberBounds {
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
}

/** Constraints accepted by {@link checkString}. */
export interface StringConstraints {
  /** A pattern the whole string must match. */
  pattern?: RegExp;
  /**
   * How to say the pattern in a message, e.g. `'from [A-Za-z0-9_.:-]'`.
   * @defaultValue `from [...]` for a pattern of the form `/^[...]+$/`, else `matching /.../`
   */
  patternDescription?: string;
  /** Longest allowed length, in UTF-16 code units. */
  maxLength?: number;
  /**
   * Whether `''` is allowed.
   * @defaultValue false
   */
  allowEmpty?: boolean;
}

const MAX_DESCRIBED_STRING_LENGTH = 60;

/** C0 and C1 control characters. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** True when `text` holds a C0 or C1 control character. */
export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}

/**
 * A short, human description of any value, for error messages: strings are quoted (and
 * cut after 60 characters), Dates are ISO strings (or `Invalid Date`), bigints end in `n`,
 * functions are `a function`, arrays `an array of length N`, plain objects `an object`,
 * other objects `an instance of ClassName`. Never throws.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(
        value.length > MAX_DESCRIBED_STRING_LENGTH
          ? `${value.slice(0, MAX_DESCRIBED_STRING_LENGTH)}…`
          : value,
      );
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return 'a function';
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
    case 'undefined':
      return String(value);
  }
  if (value === null) return 'null';
  // A Proxy (revoked, or with throwing traps) or a getter may throw at any of these reads.
  try {
    if (value instanceof Date) {
      return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    }
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    if (isPlainObject(value)) return 'an object';
    const ctor: unknown = (value as { constructor?: unknown }).constructor;
    return typeof ctor === 'function' && ctor.name !== ''
      ? `an instance of ${ctor.name}`
      : 'an object';
  } catch {
    return 'an object';
  }
}

/**
 * Describes what a caller's code threw, for error messages: an `Error`'s message, else
 * {@link describeValue}'s description. Never throws.
 */
export function describeThrown(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return String(thrown.message);
  } catch {
    // A thrown Proxy whose traps throw: described below.
  }
  return describeValue(thrown);
}

/** Whether `thrown` is one of Docket's typed errors (false for a Proxy that throws when inspected). */
export function isDocketError(thrown: unknown): thrown is DocketError {
  try {
    return thrown instanceof DocketError;
  } catch {
    return false;
  }
}

/**
 * Runs `read`, which reads options a caller passed, and turns anything it throws other
 * than a Docket error (a getter's or Proxy trap's exception) into an InvalidOptionsError
 * naming `name`, with the original as its `cause`.
 * @throws InvalidOptionsError - e.g. "options could not be read: a getter or Proxy trap threw: no queue".
 */
export function readingOptions<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isDocketError(error)) throw error;
    throw new InvalidOptionsError(
      `${name} could not be read: a getter or Proxy trap threw: ${describeThrown(error)}`,
      { option: name, cause: error },
    );
  }
}

/**
 * Checks a job id passed by a caller: a non-empty string. Anything else (a query operator
 * such as `{ $ne: null }` from an untyped caller included) must never reach a filter.
 * @throws InvalidOptionsError - e.g. "jobId must be a non-empty string, got an object".
 */
export function checkJobId(name: string, value: unknown): string {
  return checkString(name, value);
}

/** Whether `value` is an object literal (or `Object.create(null)`), not an array or class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}

/**
 * Checks that `value` is a safe integer within `bounds`.
 * @throws InvalidOptionsError - e.g. "pollIntervalMs must be an integer ≥ 10, got -5".
 */
export function checkInteger(name: string, value: unknown, bounds: NumberBounds = {}): number {
  if (!Number.isSafeInteger(value) || !withinBounds(value as number, bounds)) {
    fail(name, `an integer${describeBounds(bounds)}`, value);
  }
  return value as number;
}

/**
 * Checks that `value` is a finite number within `bounds`.
 * @throws InvalidOptionsError - e.g. "ratio must be a finite number between 0 and 1, got NaN".
 */
export function checkNumber(name: string, value: unknown, bounds: NumberBounds = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !withinBounds(value, bounds)) {
    fail(name, `a finite number${describeBounds(bounds)}`, value);
  }
  return value;
}

/**
 * Checks that `value` is a string meeting `constraints` (non-empty unless `allowEmpty`).
 * @throws InvalidOptionsError - e.g. "queue must be a non-empty string of at most 100
 *   characters from [A-Za-z0-9_.:-], got """.
 */
export function checkString(
  name: string,
  value: unknown,
  constraints: StringConstraints = {},
): string {
  const { pattern, maxLength, allowEmpty = false } = constraints;
  const valid =
    typeof value === 'string' &&
    (allowEmpty || value.length > 0) &&
    (maxLength === undefined || value.length <= maxLength) &&
    (pattern === undefined || pattern.test(value));
  if (!valid) {
    let expected = allowEmpty ? 'a string' : 'a non-empty string';
    if (maxLength !== undefined) expected += ` of at most ${maxLength} characters`;
    if (pattern !== undefined) {
      expected += ` ${constraints.patternDescription ?? describePattern(pattern)}`;
    }
    fail(name, expected, value);
  }
  return value;
}

/**
 * Checks that `value` is a queue name: 1 to 100 characters from `[A-Za-z0-9_.:-]`.
 * @throws InvalidOptionsError - "queue must be a non-empty string of at most 100 characters
 *   from [A-Za-z0-9_.:-], got """.
 */
export function checkQueueName(name: string, value: unknown): string {
  return checkString(name, value, {
    maxLength: QUEUE_NAME_MAX_LENGTH,
    pattern: QUEUE_NAME_PATTERN,
    patternDescription: 'from [A-Za-z0-9_.:-]',
  });
}

/**
 * Checks that `value` is a boolean.
 * @throws InvalidOptionsError - e.g. "autoStart must be a boolean, got "yes"".
 */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(name, 'a boolean', value);
  return value;
}

/**
 * Checks that `value` is a Date holding a valid time.
 * @throws InvalidOptionsError - e.g. "at must be a valid Date, got Invalid Date".
 */
export function checkDate(name: string, value: unknown): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    fail(name, 'a valid Date', value);
  }
  return value;
}

/**
 * Checks that `value` is one of `allowed` (compared with `===`).
 * @throws InvalidOptionsError - e.g. "mode must be one of "fifo", "lifo", got "random"".
 */
export function checkOneOf<const T>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    fail(name, `one of ${allowed.map((option) => describeValue(option)).join(', ')}`, value);
  }
  return value as T;
}

/**
 * Checks that `value` is a plain object (an object literal, not an array, class instance,
 * Date or null).
 * @throws InvalidOptionsError - e.g. "server must be a plain object, got an array of length 2".
 */
export function checkPlainObject(name: string, value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) fail(name, 'a plain object', value);
  return value;
}

/**
 * Checks that `obj` has no own enumerable keys outside `allowedKeys`, to catch typos such
 * as `pollIntervalMS`. `name` is the options object's path (`''` at the top level) and is
 * joined to the offending key in the error's `option`.
 * @throws InvalidOptionsError - e.g. "server has an unknown option 'pollIntervalMS' (did you
 *   mean 'pollIntervalMs'?); allowed options: concurrency, pollIntervalMs".
 */
export function checkKnownKeys<T extends object>(
  name: string,
  obj: T,
  allowedKeys: readonly string[],
): T {
  const unknown = Object.keys(obj).filter((key) => !allowedKeys.includes(key));
  if (unknown.length === 0) return obj;
  const described = unknown.map((key) => {
    const near = allowedKeys.find((allowed) => allowed.toLowerCase() === key.toLowerCase());
    return near === undefined ? `'${key}'` : `'${key}' (did you mean '${near}'?)`;
  });
  const subject = name === '' ? 'options' : name;
  const noun = unknown.length === 1 ? 'an unknown option' : 'unknown options';
  throw new InvalidOptionsError(
    `${subject} has ${noun} ${described.join(', ')}; allowed options: ${
      allowedKeys.length === 0 ? 'none' : allowedKeys.join(', ')
    }`,
    { option: name === '' ? unknown[0] : `${name}.${unknown[0]}` },
  );
}

function withinBounds(value: number, { min, max }: NumberBounds): boolean {
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

function describeBounds({ min, max }: NumberBounds): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

// /^[A-Za-z0-9_.:-]+$/ reads best as "from [A-Za-z0-9_.:-]".
function describePattern(pattern: RegExp): string {
  const characterClass = /^\^(\[[^\]]+\])[+*]\$$/.exec(pattern.source);
  return characterClass === null ? `matching ${String(pattern)}` : `from ${characterClass[1]}`;
}

function fail(name: string, expected: string, value: unknown): never {
  throw new InvalidOptionsError(`${name} must be ${expected}, got ${describeValue(value)}`, {
    option: name,
  });
}

/** Names a class for messages (`SendEmailHandler`, `an anonymous class`), or describes a non-class. */
export function describeClass(value: unknown): string {
  return typeof value === 'function' ? value.name || 'an anonymous class' : describeValue(value);
}
