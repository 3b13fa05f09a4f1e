import { EJSON } from 'bson';

/**
 * Helpers that classify the values the driver hands back (plain objects for documents, JS
 * numbers for promoted int32/int64/double, `bson` classes for the other types).
 */

/** Reads `_bsontype` of a `bson` class instance (`ObjectId`, `Long`, `Binary`...). */
export function bsonTypeOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** A BSON document as the driver gives it: a plain object, not an array or a BSON value. */
export function isDocument(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    bsonTypeOf(value) === undefined &&
    !(value instanceof Date) &&
    !(value instanceof RegExp) &&
    !(value instanceof Uint8Array)
  );
}

/** int32, int64 and double, in any of their JS shapes (Decimal128 is not included). */
export function isNumeric(value: unknown): boolean {
  if (typeof value === 'number' || typeof value === 'bigint') return true;
  const tag = bsonTypeOf(value);
  return tag === 'Int32' || tag === 'Double' || tag === 'Long';
}

/**
 * The numeric value of {@link isNumeric} values: a bigint for integers (so that int64s
 * beyond 2^53 compare exactly), a number otherwise.
 */
export function numericValue(value: unknown): number | bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  const tag = bsonTypeOf(value);
  if (tag === 'Long') return BigInt(String(value));
  const plain = (value as { valueOf(): number }).valueOf();
  return Number.isInteger(plain) ? BigInt(plain) : plain;
}

/**
 * Numeric equality regardless of int32 / int64 / double (the format's flexible numerics).
 * NaN equals NaN: a test that stores `{ $numberDouble: 'NaN' }` expects to read it back.
 */
export function numericEquals(a: unknown, b: unknown): boolean {
  const x = numericValue(a);
  const y = numericValue(b);
  if (typeof x === 'bigint' && typeof y === 'bigint') return x === y;
  const [first, second] = [Number(x), Number(y)];
  return first === second || (Number.isNaN(first) && Number.isNaN(second));
}

/** Byte content of a binary value, when the value is one. */
export function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (bsonTypeOf(value) === 'Binary') {
    return (value as { value(): Uint8Array }).value();
  }
  return undefined;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * The `$type` names a value may have. A promoted JS number does not say whether the server
 * sent an int32, an int64 or a double, so an integral number answers to all three and a
 * fractional one to `double` only.
 */
export function bsonTypeNames(value: unknown): string[] {
  if (value === null) return ['null'];
  if (value === undefined) return ['undefined'];
  if (typeof value === 'string') return ['string'];
  if (typeof value === 'boolean') return ['bool'];
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return ['double', 'number'];
    const names = ['long', 'double', 'number'];
    return value >= INT32_MIN && value <= INT32_MAX ? ['int', ...names] : names;
  }
  if (typeof value === 'bigint') return ['long', 'number'];
  if (Array.isArray(value)) return ['array'];
  if (value instanceof Date) return ['date'];
  if (value instanceof RegExp) return ['regex'];
  if (value instanceof Uint8Array) return ['binData'];
  switch (bsonTypeOf(value)) {
    case undefined:
      return ['object'];
    case 'ObjectId':
      return ['objectId'];
    case 'Binary':
      return ['binData'];
    case 'Int32':
      return ['int', 'number'];
    case 'Long':
      return ['long', 'number'];
    case 'Double':
      return ['double', 'number'];
    case 'Decimal128':
      return ['decimal', 'number'];
    case 'Timestamp':
      return ['timestamp'];
    case 'BSONRegExp':
      return ['regex'];
    case 'MinKey':
      return ['minKey'];
    case 'MaxKey':
      return ['maxKey'];
    case 'BSONSymbol':
      return ['symbol'];
    case 'DBRef':
      return ['object', 'dbPointer'];
    case 'Code':
      return (value as { scope?: unknown }).scope ? ['javascriptWithScope'] : ['javascript'];
    default:
      return [];
  }
}

/** Equality of two non-document, non-array values (numbers are handled by the caller). */
export function scalarEquals(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (expected instanceof Date && actual instanceof Date) {
    return expected.getTime() === actual.getTime();
  }
  if (expected instanceof RegExp && actual instanceof RegExp) {
    return expected.source === actual.source && expected.flags === actual.flags;
  }
  const expectedBytes = bytesOf(expected);
  const actualBytes = bytesOf(actual);
  if (expectedBytes && actualBytes) {
    return Buffer.from(expectedBytes).equals(Buffer.from(actualBytes));
  }
  const expectedTag = bsonTypeOf(expected);
  if (expectedTag === undefined || expectedTag !== bsonTypeOf(actual)) return false;
  return canonical(expected) === canonical(actual);
}

function canonical(value: unknown): string {
  return EJSON.stringify(value as never, { relaxed: false });
}

/** A short, one-line rendering of a value for failure messages. */
export function describeValue(value: unknown, max = 160): string {
  if (value === undefined) return '(missing)';
  let text: string;
  try {
    text = EJSON.stringify(value as never, { relaxed: true });
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
