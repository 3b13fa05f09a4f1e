import {
  binaryBytes,
  binarySubtype,
  bsonTypeOf,
  isPlainDocument,
  numericValue,
  objectIdHex,
  regexParts,
  stringValue,
  timestampParts,
  typeRank,
} from './bson-value';
import { DateClass, isArray, isInteger } from './intrinsics';

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

function compareScalars<T extends string | number | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two BSON numbers of any representation by value; NaN sorts below every number. */
export function compareNumbers(a: unknown, b: unknown): number {
  const x = numericValue(a);
  const y = numericValue(b);
  const xNaN = typeof x === 'number' && Number.isNaN(x);
  const yNaN = typeof y === 'number' && Number.isNaN(y);
  if (xNaN || yNaN) return xNaN && yNaN ? 0 : xNaN ? -1 : 1;
  if (typeof x === typeof y) return compareScalars(x, y);
  // One side is a bigint (a Long beyond 2^53): compare exactly when the other is integral.
  const big = typeof x === 'bigint' ? x : (y as bigint);
  const num = typeof x === 'bigint' ? (y as number) : x;
  let order: number;
  if (!Number.isFinite(num)) order = num > 0 ? -1 : 1;
  else if (isInteger(num)) order = compareScalars(big, BigInt(num));
  else order = compareScalars(Number(big), num);
  return typeof x === 'bigint' ? order : -order;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

/** ObjectIds by their 12 bytes (the order of their hex strings, without building them). */
function compareObjectIds(a: unknown, b: unknown): number {
  const bytesA = (a as { id?: unknown }).id;
  const bytesB = (b as { id?: unknown }).id;
  if (bytesA instanceof Uint8Array && bytesB instanceof Uint8Array) {
    return compareBytes(bytesA, bytesB);
  }
  return compareScalars(objectIdHex(a), objectIdHex(b));
}

function compareDocuments(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  const shared = Math.min(keysA.length, keysB.length);
  for (let i = 0; i < shared; i++) {
    const valueA = a[keysA[i]];
    const valueB = b[keysB[i]];
    const byType = typeRank(valueA) - typeRank(valueB);
    if (byType !== 0) return sign(byType);
    const byName = compareScalars(keysA[i], keysB[i]);
    if (byName !== 0) return byName;
    const byValue = compareValues(valueA, valueB);
    if (byValue !== 0) return byValue;
  }
  return sign(keysA.length - keysB.length);
}

function compareArrays(a: readonly unknown[], b: readonly unknown[]): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const order = compareValues(a[i], b[i]);
    if (order !== 0) return order;
  }
  return sign(a.length - b.length);
}

/**
 * Compares two BSON values the way MongoDB does: first by canonical type order
 * (MinKey < null < numbers < strings < objects < arrays < BinData < ObjectId < bool < Date <
 * Timestamp < RegExp < MaxKey), then by value within the type. Numbers of different
 * representations compare by value; documents compare field by field, in order. Missing
 * (`undefined`) compares as null. Returns -1, 0 or 1.
 */
export function compareValues(a: unknown, b: unknown): number {
  // The values index keys hold most, compared without ranking their types first: index
  // maintenance compares keys on every insert and removal.
  const typeA = typeof a;
  if (typeA === typeof b) {
    if (typeA === 'string') return compareScalars(a as string, b as string);
    if (typeA === 'number' && a === a && b === b) return compareScalars(a as number, b as number);
  }
  if (a instanceof DateClass && b instanceof DateClass) {
    return compareScalars(a.getTime(), b.getTime());
  }
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return sign(rankA - rankB);
  switch (rankA) {
    case 3:
      return compareNumbers(a, b);
    case 4:
      return compareScalars(stringValue(a), stringValue(b));
    case 5:
      return compareDocuments(a as Record<string, unknown>, b as Record<string, unknown>);
    case 6:
      return compareArrays(a as unknown[], b as unknown[]);
    case 7: {
      const [bytesA, bytesB] = [binaryBytes(a), binaryBytes(b)];
      if (bytesA.length !== bytesB.length) return bytesA.length < bytesB.length ? -1 : 1;
      const bySubtype = compareScalars(binarySubtype(a), binarySubtype(b));
      return bySubtype !== 0 ? bySubtype : compareBytes(bytesA, bytesB);
    }
    case 8:
      return compareObjectIds(a, b);
    case 9:
      return compareScalars(Number(a), Number(b));
    case 10:
      return compareScalars((a as Date).getTime(), (b as Date).getTime());
    case 11: {
      const [secondsA, incA] = timestampParts(a);
      const [secondsB, incB] = timestampParts(b);
      return compareScalars(secondsA, secondsB) || compareScalars(incA, incB);
    }
    case 12: {
      const [sourceA, flagsA] = regexParts(a);
      const [sourceB, flagsB] = regexParts(b);
      return compareScalars(sourceA, sourceB) || compareScalars(flagsA, flagsB);
    }
    case 14:
    case 15:
      return compareScalars(
        String((a as { code: unknown }).code),
        String((b as { code: unknown }).code),
      );
    default:
      return 0; // null, MinKey, MaxKey, and types the stand-in does not order further
  }
}

/** BSON equality: numbers equal by value across representations, documents field-ordered. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/**
 * Exact identity of two values, as a byte-wise comparison of their BSON would say: same
 * types (an int 1 and a Long 1 differ), same field order. Used to tell whether an update
 * changed a document.
 */
export function identicalValues(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const type = bsonTypeOf(a);
  if (type !== bsonTypeOf(b)) return false;
  if (isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => identicalValues(item, other[i]));
  }
  if (isPlainDocument(a)) {
    const other = b as Record<string, unknown>;
    const keys = Object.keys(a);
    const otherKeys = Object.keys(other);
    if (keys.length !== otherKeys.length) return false;
    return keys.every((key, i) => key === otherKeys[i] && identicalValues(a[key], other[key]));
  }
  if (typeof a === 'number') return Object.is(a, b) || (a === 0 && b === 0);
  if (type === 'javascriptWithScope') {
    // Ordered by code alone (as mongod does), but its scope is part of its bytes.
    const [codeA, codeB] = [a, b] as Array<{ code: unknown; scope?: unknown }>;
    return codeA.code === codeB.code && identicalValues(codeA.scope, codeB.scope);
  }
  return compareValues(a, b) === 0;
}
