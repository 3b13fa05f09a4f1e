import { Binary, Long } from 'mongodb';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { NonSerializablePayloadError } from '../errors';
import type { IJob, JobClass } from './job.interface';

/*
 * Jobs travel as plain BSON documents: toStoredPayload turns a job instance into one,
 * refusing anything MongoDB would store unfaithfully (or not at all) with an error that
 * names the exact path; fromStoredPayload turns a loaded document back into an instance of
 * the job class with class-transformer.
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** BSON values kept as they are on the way in (and on the way out, see `fromStoredPayload`). */
const KEPT_BSON_TYPES = new Set(['ObjectId', 'Decimal128', 'Long', 'Binary']);

/** Collections and other objects that would silently lose their content as documents. */
const REFUSED_OBJECTS: ReadonlyArray<[new (...args: never[]) => object, string]> = [
  [Map, 'Map cannot be stored; use an object or array'],
  [Set, 'Set cannot be stored; use an array'],
  [WeakMap, 'WeakMap cannot be stored; use an object or array'],
  [WeakSet, 'WeakSet cannot be stored; use an array'],
  [WeakRef, 'WeakRef cannot be stored'],
  [Promise, 'Promise cannot be stored; await it before creating the job'],
  [RegExp, 'RegExp cannot be stored; store its source as a string'],
  [Error, 'Error cannot be stored; store its message as a string'],
  [ArrayBuffer, 'ArrayBuffer cannot be stored; use a Buffer or Uint8Array'],
  [String, 'boxed String cannot be stored; use a string primitive'],
  [Number, 'boxed Number cannot be stored; use a number primitive'],
  [Boolean, 'boxed Boolean cannot be stored; use a boolean primitive'],
];

/**
 * Converts a job instance into a plain, BSON-safe document holding its own enumerable
 * properties, recursively.
 *
 * Kept as they are: null, booleans, strings, numbers (NaN and ±Infinity included: BSON
 * doubles hold them), valid Dates, Buffers and Uint8Arrays (stored as BSON Binary), and
 * bson `ObjectId`, `Decimal128`, `Long` and `Binary` values. Converted: arrays and objects
 * (class instances become plain objects of their own enumerable properties), `bigint`s
 * within the signed 64-bit range (to bson `Long`). Dropped: properties whose value is
 * `undefined`; `undefined` elements and holes in arrays become `null`, as in JSON.
 *
 * @param job - The job instance.
 * @param jobType - Its stable type name, for error messages.
 * @returns A fresh document; the job is not modified.
 * @throws NonSerializablePayloadError - naming the path (e.g. `payload.items[2].callback`)
 *   of the first function, symbol (value or key), circular reference, Map, Set, WeakMap,
 *   WeakSet, WeakRef, Promise, RegExp, Error, ArrayBuffer, typed array other than
 *   Uint8Array, boxed primitive, invalid Date, out-of-range bigint, other BSON type, or key
 *   that starts with `$` or contains `.` or a NUL character.
 */
export function toStoredPayload(job: IJob, jobType: string): Record<string, unknown> {
  const ancestors = new Map<object, string>();
  const fail = (path: string, reason: string): never => {
    throw new NonSerializablePayloadError(jobType, path, reason);
  };

  const convert = (value: unknown, path: string): unknown => {
    switch (typeof value) {
      case 'string':
      case 'boolean':
      case 'number':
        return value;
      case 'bigint':
        if (value < INT64_MIN || value > INT64_MAX) {
          fail(path, 'BigInt outside the 64-bit range cannot be stored');
        }
        return Long.fromBigInt(value);
      case 'function':
        return fail(path, 'functions cannot be stored');
      case 'symbol':
        return fail(path, 'symbols cannot be stored');
      case 'undefined':
        return undefined;
    }
    if (value === null) return null;
    return convertObject(value as object, path);
  };

  const convertObject = (value: object, path: string): unknown => {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) fail(path, 'invalid Dates cannot be stored');
      return new Date(value.getTime());
    }
    if (value instanceof Uint8Array) return value;
    if (ArrayBuffer.isView(value)) {
      return fail(path, `${value.constructor.name} cannot be stored; use a Buffer or Uint8Array`);
    }
    const bsonType = bsonTypeOf(value);
    if (bsonType !== undefined) {
      if (KEPT_BSON_TYPES.has(bsonType)) return value;
      return fail(path, `BSON ${bsonType} values cannot be stored in a job payload`);
    }
    for (const [type, reason] of REFUSED_OBJECTS) {
      if (value instanceof type) return fail(path, reason);
    }

    const seenAt = ancestors.get(value);
    if (seenAt !== undefined) fail(path, `circular reference to ${seenAt}`);
    ancestors.set(value, path);
    try {
      return Array.isArray(value) ? convertArray(value, path) : convertRecord(value, path);
    } finally {
      // Only ancestors count: the same object reached twice by different paths is stored twice.
      ancestors.delete(value);
    }
  };

  const convertArray = (array: readonly unknown[], path: string): unknown[] => {
    const stored: unknown[] = [];
    for (let index = 0; index < array.length; index++) {
      const element = convert(array[index], `${path}[${index}]`);
      stored.push(element === undefined ? null : element);
    }
    return stored;
  };

  const convertRecord = (record: object, path: string): Record<string, unknown> => {
    for (const key of Object.getOwnPropertySymbols(record)) {
      if (Object.prototype.propertyIsEnumerable.call(record, key)) {
        fail(`${path}[${key.toString()}]`, 'symbol keys cannot be stored');
      }
    }
    const stored: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(record)) {
      const childPath = joinPath(path, key);
      if (key.startsWith('$')) fail(childPath, "keys starting with '$' cannot be stored");
      if (key.includes('.')) fail(childPath, "keys containing '.' cannot be stored");
      if (key.includes('\0')) fail(childPath, 'keys containing a NUL character cannot be stored');
      const converted = convert(child, childPath);
      if (converted !== undefined) {
        // defineProperty, not assignment: an own `__proto__` key must stay a plain key.
        Object.defineProperty(stored, key, {
          value: converted,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    return stored;
  };

  return convertRecord(job, 'payload');
}

/**
 * Rebuilds a job instance from a stored payload document.
 *
 * First restores what BSON changed: `Long` → `bigint`, `Binary` → `Buffer` (its subtype is
 * not kept), `Int32`/`Double` wrappers → numbers (when read with `promoteValues: false`),
 * recursively. Then builds the instance with class-transformer's `plainToInstance`, so
 * nested `@Type(() => X)` declarations produce real `X` instances; no implicit type
 * conversion is done (validation, not coercion, decides what is acceptable).
 *
 * BSON values such as `ObjectId` and `Decimal128`, which class-transformer would take apart,
 * are passed through untouched; a `@Transform` function sees a placeholder symbol in their
 * place.
 *
 * @param jobClass - The class registered for the stored job type.
 * @param stored - The payload document as loaded from MongoDB (not modified).
 * @returns A new instance of `jobClass`. Its constructor is called with no arguments.
 */
export function fromStoredPayload<T extends IJob>(
  jobClass: JobClass<T>,
  stored: Record<string, unknown>,
): T {
  const opaque = new Map<symbol, unknown>();
  const plain = revive(stored, opaque);
  const instance = plainToInstance(jobClass as unknown as ClassConstructor<T>, plain, {
    enableImplicitConversion: false,
  });
  return opaque.size === 0 ? instance : (restoreOpaque(instance, opaque) as T);
}

function bsonTypeOf(value: object): string | undefined {
  const bsonType: unknown = (value as { _bsontype?: unknown })._bsontype;
  return typeof bsonType === 'string' ? bsonType : undefined;
}

function joinPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)
    ? `${path}.${key}`
    : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Undoes BSON's wrapping, and swaps every remaining BSON value (ObjectId, Decimal128...)
 * for a unique symbol, which class-transformer copies as it is.
 */
function revive(value: unknown, opaque: Map<symbol, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((element) => revive(element, opaque));
  switch (bsonTypeOf(value)) {
    case undefined:
      break;
    case 'Long':
      return (value as Long).toBigInt();
    case 'Binary':
      return toBuffer((value as Binary).value());
    case 'Int32':
    case 'Double':
      return (value as { valueOf(): number }).valueOf();
    default: {
      const placeholder = Symbol('docket:bson-value');
      opaque.set(placeholder, value);
      return placeholder;
    }
  }
  const revived: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    Object.defineProperty(revived, key, {
      value: revive(child, opaque),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return revived;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Puts the BSON values swapped out by `revive` back, in place. */
function restoreOpaque(value: unknown, opaque: Map<symbol, unknown>): unknown {
  if (typeof value === 'symbol') return opaque.has(value) ? opaque.get(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) {
    value.forEach((element, index) => (value[index] = restoreOpaque(element, opaque)));
  } else if (value instanceof Map) {
    value.forEach((element, key) => value.set(key, restoreOpaque(element, opaque)));
  } else if (value instanceof Set) {
    const elements = [...value];
    value.clear();
    elements.forEach((element) => value.add(restoreOpaque(element, opaque)));
  } else {
    const record = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(record)) record[key] = restoreOpaque(child, opaque);
  }
  return value;
}
