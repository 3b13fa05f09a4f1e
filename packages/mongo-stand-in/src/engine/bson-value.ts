import type { Binary, Decimal128, Long, ObjectId, Timestamp } from 'bson';
import { patternOf } from './regex-carrier';
import {
  DateClass,
  OBJECT_PROTOTYPE,
  RegExpClass,
  getPrototypeOf,
  isArray,
  isInteger,
  isView,
} from './intrinsics';

/** The BSON type names MongoDB uses (`$type` aliases). */
export type BsonTypeName =
  | 'minKey'
  | 'undefined'
  | 'null'
  | 'double'
  | 'int'
  | 'long'
  | 'decimal'
  | 'string'
  | 'symbol'
  | 'object'
  | 'array'
  | 'binData'
  | 'objectId'
  | 'bool'
  | 'date'
  | 'timestamp'
  | 'regex'
  | 'dbPointer'
  | 'javascript'
  | 'javascriptWithScope'
  | 'maxKey';

/** A plain document (not an array, not a bson class, not a Date...). */
export type PlainDocument = Record<string, unknown>;

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** The `_bsontype` tag the `bson` package puts on its value classes, if any. */
export function bsonTag(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** True for a plain object that is a BSON embedded document. */
export function isPlainDocument(value: unknown): value is PlainDocument {
  if (value === null || typeof value !== 'object' || isArray(value)) return false;
  const proto: unknown = getPrototypeOf(value);
  return proto === OBJECT_PROTOTYPE || proto === null;
}

/**
 * The BSON type of a deserialised value. JS numbers are `int` when they are integers in the
 * int32 range (that is how the driver and `bson` serialise them) and `double` otherwise.
 */
export function bsonTypeOf(value: unknown): BsonTypeName {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? 'int' : 'double';
    case 'bigint':
      return 'long';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'javascript';
    default:
      break;
  }
  if (value === null) return 'null';
  if (isArray(value)) return 'array';
  if (value instanceof DateClass) return 'date';
  if (value instanceof RegExpClass) return 'regex';
  switch (bsonTag(value)) {
    case 'ObjectId':
      return 'objectId';
    case 'Long':
      return 'long';
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Decimal128':
      return 'decimal';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'BSONRegExp':
      return 'regex';
    case 'BSONSymbol':
      return 'symbol';
    case 'DBPointer':
      return 'dbPointer';
    case 'Code':
      return (value as { scope?: unknown }).scope ? 'javascriptWithScope' : 'javascript';
    default:
      break;
  }
  if (isView(value)) return 'binData';
  return 'object';
}

/** The numeric `$type` codes of MongoDB, by alias. */
export const BSON_TYPE_CODES: Readonly<Record<BsonTypeName, number>> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

/** True when the value is a BSON number of any representation. */
export function isNumeric(value: unknown): boolean {
  const type = bsonTypeOf(value);
  return type === 'int' || type === 'double' || type === 'long' || type === 'decimal';
}

/**
 * The canonical comparison rank of a BSON type (MongoDB's sort order across types).
 * Missing values rank with null, and all numbers share one rank.
 */
export function typeRank(value: unknown): number {
  switch (bsonTypeOf(value)) {
    case 'minKey':
      return 1;
    case 'undefined':
    case 'null':
      return 2;
    case 'int':
    case 'double':
    case 'long':
    case 'decimal':
      return 3;
    case 'string':
    case 'symbol':
      return 4;
    case 'object':
      return 5;
    case 'array':
      return 6;
    case 'binData':
      return 7;
    case 'objectId':
      return 8;
    case 'bool':
      return 9;
    case 'date':
      return 10;
    case 'timestamp':
      return 11;
    case 'regex':
      return 12;
    case 'dbPointer':
      return 13;
    case 'javascript':
      return 14;
    case 'javascriptWithScope':
      return 15;
    case 'maxKey':
      return 100;
  }
}

/**
 * The value of a BSON number as a JS number, or as a bigint when it is an integer beyond
 * the range a double holds exactly.
 */
export function numericValue(value: unknown): number | bigint {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  switch (bsonTag(value)) {
    case 'Int32':
    case 'Double':
      return (value as { value: number }).value;
    case 'Long': {
      const long = value as Long;
      const asNumber = long.toNumber();
      return Number.isSafeInteger(asNumber) ? asNumber : long.toBigInt();
    }
    case 'Decimal128':
      return Number((value as Decimal128).toString());
    default:
      return Number.NaN;
  }
}

/** The hex string of an ObjectId. */
export function objectIdHex(value: unknown): string {
  return (value as ObjectId).toHexString();
}

/** The bytes of a Binary (or typed array) value. */
export function binaryBytes(value: unknown): Uint8Array {
  if (bsonTag(value) === 'Binary') {
    const binary = value as Binary;
    return binary.buffer.subarray(0, binary.position);
  }
  const view = value as ArrayBufferView;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** The BinData subtype of a Binary value (0 for typed arrays). */
export function binarySubtype(value: unknown): number {
  return bsonTag(value) === 'Binary' ? (value as Binary).sub_type : 0;
}

/** The (seconds, increment) pair of a Timestamp, both unsigned. */
export function timestampParts(value: unknown): [number, number] {
  const timestamp = value as Timestamp;
  return [timestamp.t, timestamp.i];
}

/** The (source, flags) pair of a RegExp or BSONRegExp, flags sorted. */
export function regexParts(value: unknown): [string, string] {
  if (value instanceof RegExpClass) return [patternOf(value), [...value.flags].sort().join('')];
  const regex = value as { pattern: string; options: string };
  return [regex.pattern, [...regex.options].sort().join('')];
}

/** The string payload of a string or BSONSymbol. */
export function stringValue(value: unknown): string {
  return typeof value === 'string' ? value : String((value as { value: unknown }).value);
}
