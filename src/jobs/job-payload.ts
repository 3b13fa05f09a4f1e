import { Long, type Binary } from 'mongodb';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { NonSerializablePayloadError } from '../errors';
import { describeThrown, isDocketError } from '../options/option-checks';
import type { IJob, JobClass } from './job.interface';
import {
  claimedBsonType,
  isDriverBsonValue,
  KEPT_BSON_TYPES,
  MAX_ARRAY_LENGTH,
  MAX_PAYLOAD_DEPTH,
  REFUSED_OBJECTS,
  RESERVED_KEYS,
} from './payload-rules';

/*
 * Jobs travel as plain BSON documents: toStoredPayload turns a job instance into one,
 * refusing anything MongoDB would store unfaithfully (or not at all) with an error that
 * names the exact path; fromStoredPayload turns a loaded document back into an instance of
 * the job class with class-transformer.
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

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
 * Every property is read once, here: a getter or Proxy trap that throws is reported at the
 * path it was reading.
 *
 * @param job - The job instance.
 * @param jobType - Its stable type name, for error messages.
 * @returns A fresh document; the job is not modified.
 * @throws NonSerializablePayloadError - naming the path (e.g. `payload.items[2].callback`)
 *   of the first function, symbol (value or key), circular reference, Map, Set, WeakMap,
 *   WeakSet, WeakRef, Promise, RegExp, Error, ArrayBuffer, SharedArrayBuffer, Blob, URL,
 *   URLSearchParams, typed array other than Uint8Array, boxed primitive, invalid Date,
 *   out-of-range bigint, other BSON type (or object posing as one), array longer than
 *   {@link MAX_ARRAY_LENGTH}, object or array nested more than {@link MAX_PAYLOAD_DEPTH}
 *   levels below the payload, key that starts with `$`, contains `.` or a NUL character or
 *   is named `constructor`, `__proto__`, `prototype` or `_bsontype`, or read that threw (the
 *   exception is the error's `cause`).
 */
export function toStoredPayload(job: IJob, jobType: string): Record<string, unknown> {
  return toStoredRecord(job, 'payload', (path, reason, cause) => {
    throw new NonSerializablePayloadError(
      jobType,
      path,
      reason,
      cause === undefined ? {} : { cause },
    );
  });
}

/**
 * What {@link toStoredPayload} does, for any record: `root` starts the paths, and `fail`
 * throws the error a value that cannot be stored gets (a handler's result uses its own).
 */
export function toStoredRecord(
  record: object,
  root: string,
  fail: (path: string, reason: string, cause?: unknown) => never,
): Record<string, unknown> {
  const ancestors = new Map<object, string>();
  // Getters and Proxy traps run the caller's code while the payload is read.
  const read = <T>(path: string, reading: () => T): T => {
    try {
      return reading();
    } catch (error) {
      if (isDocketError(error)) throw error;
      return fail(path, `reading it threw: ${describeThrown(error)}`, error);
    }
  };

  // `depth`: how many objects and arrays enclose `value` below the payload.
  const convert = (value: unknown, path: string, depth: number): unknown => {
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
    return convertObject(value as object, path, depth);
  };

  const convertObject = (value: object, path: string, depth: number): unknown => {
    const leaf = read(path, () => storedLeaf(value, path, fail));
    if (leaf !== undefined) return leaf.value;
    if (depth > MAX_PAYLOAD_DEPTH) {
      fail(
        path,
        `objects and arrays nested more than ${MAX_PAYLOAD_DEPTH} levels below the payload ` +
          'cannot be stored: MongoDB allows 100 levels per document, and the job document ' +
          'and its payload field take 2',
      );
    }
    const seenAt = ancestors.get(value);
    if (seenAt !== undefined) fail(path, `circular reference to ${seenAt}`);
    ancestors.set(value, path);
    try {
      return read(path, () => Array.isArray(value))
        ? convertArray(value as readonly unknown[], path, depth)
        : convertRecord(value, path, depth);
    } finally {
      // Only ancestors count: the same object reached twice by different paths is stored twice.
      ancestors.delete(value);
    }
  };

  const convertArray = (array: readonly unknown[], path: string, depth: number): unknown[] => {
    const length = read(path, () => array.length);
    if (length > MAX_ARRAY_LENGTH) {
      fail(
        path,
        `arrays longer than ${MAX_ARRAY_LENGTH} elements cannot be stored: even as nulls ` +
          'they exceed MongoDB’s 16 MiB document limit',
      );
    }
    const stored: unknown[] = [];
    for (let index = 0; index < length; index++) {
      const elementPath = `${path}[${index}]`;
      const element = convert(
        read(elementPath, () => array[index]),
        elementPath,
        depth + 1,
      );
      stored.push(element === undefined ? null : element);
    }
    return stored;
  };

  const convertRecord = (record: object, path: string, depth: number): Record<string, unknown> => {
    const symbolKey = read(path, () =>
      Object.getOwnPropertySymbols(record).find((key) =>
        Object.prototype.propertyIsEnumerable.call(record, key),
      ),
    );
    if (symbolKey !== undefined) {
      fail(`${path}[${symbolKey.toString()}]`, 'symbol keys cannot be stored');
    }
    const stored: Record<string, unknown> = {};
    for (const key of read(path, () => Object.keys(record))) {
      const childPath = joinPath(path, key);
      checkKey(key, childPath, fail);
      const child = read(childPath, () => (record as Record<string, unknown>)[key]);
      const converted = convert(child, childPath, depth + 1);
      if (converted !== undefined) {
        // defineProperty, not assignment: no key may reach a setter of Object.prototype.
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

  return convertRecord(record, root, 0);
}

type Fail = (path: string, reason: string) => never;

/**
 * What is stored for an object that is a value rather than a container (`{ value }`), or
 * `undefined` for an array or a record to walk. Refuses what cannot be stored.
 */
function storedLeaf(value: object, path: string, fail: Fail): { value: unknown } | undefined {
  // First: the serialiser trusts `_bsontype` on any object, Dates and Buffers included.
  const claimed = claimedBsonType(value);
  if (claimed !== undefined) {
    if (Object.prototype.hasOwnProperty.call(value, '_bsontype')) {
      fail(joinPath(path, '_bsontype'), RESERVED_KEYS.get('_bsontype')!);
    }
    if (!isDriverBsonValue(value)) {
      fail(
        path,
        `an object claiming to be a BSON ${describeClaim(claimed)} value that the mongodb ` +
          "driver's serialiser does not accept (posing as one, or from another major " +
          'version of bson) cannot be stored; build it with the classes mongodb exports',
      );
    }
    if (KEPT_BSON_TYPES.has(value._bsontype)) return { value };
    fail(path, `BSON ${value._bsontype} values cannot be stored in a job payload`);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) fail(path, 'invalid Dates cannot be stored');
    return { value: new Date(value.getTime()) };
  }
  if (value instanceof Uint8Array) return { value };
  if (ArrayBuffer.isView(value)) {
    // The class's own name, which an own `constructor` property cannot hide.
    const kind = Object.prototype.toString.call(value).slice(8, -1);
    fail(path, `${kind} cannot be stored; use a Buffer or Uint8Array`);
  }
  for (const [kind, reason] of REFUSED_OBJECTS) {
    if (value instanceof kind) fail(path, reason);
  }
  return undefined;
}

function checkKey(key: string, path: string, fail: Fail): void {
  if (key.startsWith('$')) fail(path, "keys starting with '$' cannot be stored");
  if (key.includes('.')) fail(path, "keys containing '.' cannot be stored");
  if (key.includes('\0')) fail(path, 'keys containing a NUL character cannot be stored');
  const reserved = RESERVED_KEYS.get(key);
  if (reserved !== undefined) fail(path, reserved);
}

function describeClaim(claimed: unknown): string {
  return typeof claimed === 'string' ? claimed : `type ${typeof claimed}`;
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
  // Only the driver's own values: an object from a caller (the dashboard's JSON) that has
  // a `_bsontype` key is a plain object, which enqueueing it again refuses.
  switch (isDriverBsonValue(value) ? value._bsontype : undefined) {
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

/**
 * Puts the BSON values swapped out by `revive` back, in place. Only what changes is written:
 * the job's class may hold read-only fields (or frozen values) that are not to be touched.
 */
function restoreOpaque(value: unknown, opaque: Map<symbol, unknown>): unknown {
  if (typeof value === 'symbol') return opaque.has(value) ? opaque.get(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) {
    value.forEach((element, index) => {
      const restored = restoreOpaque(element, opaque);
      if (restored !== element) value[index] = restored;
    });
  } else if (value instanceof Map) {
    value.forEach((element, key) => {
      const restored = restoreOpaque(element, opaque);
      if (restored !== element) value.set(key, restored);
    });
  } else if (value instanceof Set) {
    const elements = [...value];
    const restored = elements.map((element) => restoreOpaque(element, opaque));
    if (restored.some((element, index) => element !== elements[index])) {
      value.clear();
      restored.forEach((element) => value.add(element));
    }
  } else {
    const record = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(record)) {
      const restored = restoreOpaque(child, opaque);
      if (restored !== child) record[key] = restored;
    }
  }
  return value;
}
