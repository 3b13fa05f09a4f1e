import type { Document } from 'bson';
import { CommandFailure } from '../command-types';
import { bsonTag, isNumeric, numericValue } from '../engine/bson-value';
import { MAX_CAPPED_SIZE, storedBound, UNBOUNDED_CAPPED_MAX } from '../engine/capped-limits';
import { ErrorCodes } from '../error-codes';
import { wrongFieldType } from './command-args';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const MAX_CAPPED_DOCS = 2n ** 31n;
const NUMBER_TYPES = "types '[long, int, decimal, double]'";
const BOOL_TYPES = "types '[bool, long, int, decimal, double]'";

/** The capped options of a `create` command, as mongod stores them. */
export interface CappedOptions {
  readonly capped: boolean;
  /** The options listCollections shows for them: `{ capped, size, max? }`, or nothing. */
  readonly stored: Document;
}

/**
 * mongod's `safeInt64`: any number, truncated toward zero, NaN as 0 and out-of-range values
 * clamped; null counts as absent.
 */
function safeInt64(path: string, value: unknown): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isNumeric(value)) throw wrongFieldType(path, value, NUMBER_TYPES);
  if (bsonTag(value) === 'Long') return BigInt(String(value));
  const number = Number(numericValue(value));
  if (Number.isNaN(number)) return 0n;
  if (number >= 2 ** 63) return INT64_MAX;
  if (number <= -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(number));
}

/** mongod's `safeBool`: a boolean, or a number standing for its truthiness; null is absent. */
function safeBool(path: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (isNumeric(value)) return Number(numericValue(value)) !== 0;
  throw wrongFieldType(path, value, BOOL_TYPES);
}

/** mongod's refusal of a value its parser's validator rejects (51024). */
function outOfRange(field: string, rule: string, value: bigint): CommandFailure {
  return new CommandFailure(
    51024,
    'Location51024',
    `BSON field '${field}' value must be ${rule}, actual value '${value}'`,
  );
}

/** A capped size: 1 byte to 1 PB. */
function checkedSize(field: string, size: bigint): number {
  if (size < 1n) throw outOfRange(field, '>= 1', size);
  if (size > BigInt(MAX_CAPPED_SIZE)) throw outOfRange(field, `<= ${MAX_CAPPED_SIZE}`, size);
  return Number(size);
}

/** A capped document count: below 2^31; zero or less means none, stored as 2^31 - 1. */
function checkedMax(field: string, max: bigint): number {
  if (max >= MAX_CAPPED_DOCS) throw outOfRange(field, `< ${MAX_CAPPED_DOCS}`, max);
  return max <= 0n ? UNBOUNDED_CAPPED_MAX : Number(max);
}

const invalidOptions = (message: string): CommandFailure =>
  new CommandFailure(ErrorCodes.InvalidOptions, 'InvalidOptions', message);

/**
 * Checks `capped`, `size` and `max` of a `create` command as mongod 7.0 does, in its order:
 * types (14), ranges (51024: size 1 byte to 1 PB, max below 2^31), then a capped
 * collection needs a size and a size or max needs `capped` (72). The size is kept as given
 * (mongod stopped rounding it to 256 bytes in 6.2), fractions truncated; a max of zero or
 * less means no document limit and is stored as 2^31 - 1.
 */
export function parseCappedOptions(command: Document): CappedOptions {
  const capped = safeBool('create.capped', command.capped) ?? false;
  const rawSize = safeInt64('create.size', command.size);
  const rawMax = safeInt64('create.max', command.max);
  const size = rawSize === undefined ? undefined : checkedSize('size', rawSize);
  const max = rawMax === undefined ? undefined : checkedMax('max', rawMax);
  if (capped && size === undefined)
    throw invalidOptions("the 'size' field is required when 'capped' is true");
  if (!capped && (size !== undefined || max !== undefined)) {
    throw invalidOptions(
      "the 'capped' field needs to be true when either the 'size' or 'max' fields are present",
    );
  }
  if (!capped || size === undefined) return { capped: false, stored: {} };
  const stored: Document = { capped: true, size: storedBound(size) };
  if (max !== undefined) stored.max = max;
  return { capped: true, stored };
}

/** The new bounds a collMod asks for (`cappedSize`, `cappedMax`), checked as mongod does. */
export interface CappedResize {
  readonly size?: number;
  readonly max?: number;
}

/** Checks collMod's `cappedSize` and `cappedMax`: types (14), then ranges (51024). */
export function parseCappedResize(command: Document): CappedResize {
  const rawSize = safeInt64('collMod.cappedSize', command.cappedSize);
  const rawMax = safeInt64('collMod.cappedMax', command.cappedMax);
  return {
    size: rawSize === undefined ? undefined : checkedSize('cappedSize', rawSize),
    max: rawMax === undefined ? undefined : checkedMax('cappedMax', rawMax),
  };
}

/**
 * The `size` of convertToCapped and cloneCollectionAsCapped. mongod reads any number,
 * truncated (0 when absent or not a number, which is 72 "invalid command spec"); its range
 * is checked later, when the capped collection is created (see capped-conversion.ts).
 */
export function conversionSize(command: Document): number {
  const value: unknown = command.size;
  const size = isNumeric(value) ? (safeInt64('size', value) ?? 0n) : 0n;
  if (size === 0n) throw invalidOptions('invalid command spec');
  return Number(size);
}
