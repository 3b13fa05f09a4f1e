import { Decimal128, Double, Long, Timestamp } from 'bson';
import { CommandFailure } from '../command-types';
import { cloneValue } from './bson-clone';
import { compareValues, valuesEqual } from './bson-compare';
import { bsonTag, bsonTypeOf, isNumeric, isPlainDocument, numericValue } from './bson-value';
import { compileFilter } from './query-matcher';
import { parseSortSpec, sortDocuments } from './sort-documents';
import { locate, readField, writeField } from './update-path';
import { formatValue } from './value-format';
import { isArray, isInteger } from './intrinsics';

type Document = Record<string, unknown>;

/** Applies one update operator to one concrete path of a (private copy of a) document. */
export type UpdateOperator = (
  document: Document,
  path: readonly string[],
  argument: unknown,
) => void;

const typeMismatch = (message: string): CommandFailure =>
  new CommandFailure(14, 'TypeMismatch', message);
const badValue = (message: string): CommandFailure => new CommandFailure(2, 'BadValue', message);
const idOf = (document: Document): string => `{_id: ${formatValue(document._id)}}`;

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * `$inc`/`$mul` arithmetic with mongod's types: Decimal128 if either operand is one, else a
 * double if either is one; two ints give an int, widened to a long when the result leaves
 * the int32 range; a long with an int or a long gives a long. undefined when a long result
 * overflows int64 (mongod refuses the update then).
 */
function arithmetic(a: unknown, b: unknown, op: 'add' | 'mul'): unknown {
  const decimal = bsonTag(a) === 'Decimal128' || bsonTag(b) === 'Decimal128';
  const x = numericValue(a);
  const y = numericValue(b);
  if (decimal) {
    const result = op === 'add' ? Number(x) + Number(y) : Number(x) * Number(y);
    return Decimal128.fromString(String(result));
  }
  const [typeA, typeB] = [bsonTypeOf(a), bsonTypeOf(b)];
  const integral = (type: string): boolean => type === 'int' || type === 'long';
  if (integral(typeA) && integral(typeB)) {
    const result = op === 'add' ? BigInt(x) + BigInt(y) : BigInt(x) * BigInt(y);
    if (typeA === 'int' && typeB === 'int' && result >= INT32_MIN && result <= INT32_MAX) {
      return Number(result);
    }
    return result >= INT64_MIN && result <= INT64_MAX ? Long.fromBigInt(result) : undefined;
  }
  const result = op === 'add' ? Number(x) + Number(y) : Number(x) * Number(y);
  // A double result with an int32 value stays a double only as a `Double` (see bson-codec.ts).
  return isInteger(result) && result >= -2_147_483_648 && result <= 2_147_483_647
    ? new Double(result)
    : result;
}

/** A number as mongod's SafeNum prints it in arithmetic errors: `(NumberLong)9223372036854775807`. */
function describeNumber(value: unknown): string {
  const type = bsonTypeOf(value);
  const prefix = type === 'int' ? 'NumberInt' : type === 'long' ? 'NumberLong' : 'NumberDouble';
  return `(${prefix})${String(numericValue(value))}`;
}

function numericUpdate(name: '$inc' | '$mul', op: 'add' | 'mul'): UpdateOperator {
  return (document, path, argument) => {
    const dotted = path.join('.');
    if (!isNumeric(argument)) {
      const verb = name === '$inc' ? 'increment' : 'multiply';
      throw typeMismatch(
        `Cannot ${verb} with non-numeric argument: {${dotted}: ${formatValue(argument)}}`,
      );
    }
    const location = locate(document, path, true)!;
    const current = readField(location.parent, location.key);
    if (current === undefined) {
      writeField(
        location.parent,
        location.key,
        op === 'add' ? argument : arithmetic(argument, 0, 'mul'),
      );
      return;
    }
    if (!isNumeric(current)) {
      throw typeMismatch(
        `Cannot apply ${name} to a value of non-numeric type. ${idOf(document)} has the field '${location.key}' of non-numeric type ${bsonTypeOf(current)}`,
      );
    }
    const result = arithmetic(current, argument, op);
    if (result === undefined) {
      throw badValue(
        `Failed to apply ${name} operations to current value (${describeNumber(current)}) for document ${idOf(document)}`,
      );
    }
    writeField(location.parent, location.key, result);
  };
}

function boundUpdate(keep: (order: number) => boolean): UpdateOperator {
  return (document, path, argument) => {
    const location = locate(document, path, true)!;
    const current = readField(location.parent, location.key);
    if (current === undefined || keep(compareValues(argument, current))) {
      writeField(location.parent, location.key, cloneValue(argument));
    }
  };
}

function arrayAt(
  document: Document,
  path: readonly string[],
  operator: string,
): { array: unknown[]; write: (value: unknown[]) => void } {
  const location = locate(document, path, true)!;
  const current = readField(location.parent, location.key);
  if (current !== undefined && !isArray(current)) {
    const message =
      operator === '$addToSet'
        ? `Cannot apply $addToSet to non-array field. Field named '${location.key}' has non-array type ${bsonTypeOf(current)}`
        : `The field '${path.join('.')}' must be an array but is of type ${bsonTypeOf(current)} in document ${idOf(document)}`;
    throw badValue(message);
  }
  return {
    array: current === undefined ? [] : (current as unknown[]),
    write: (value) => writeField(location.parent, location.key, value),
  };
}

function eachOf(argument: unknown): { values: unknown[]; modifiers: Document } {
  if (isPlainDocument(argument) && '$each' in argument) {
    if (!isArray(argument.$each)) {
      throw badValue(
        `The argument to $each in $push must be an array but it was of type: ${bsonTypeOf(argument.$each)}`,
      );
    }
    return { values: argument.$each.map(cloneValue), modifiers: argument };
  }
  return { values: [cloneValue(argument)], modifiers: {} };
}

function integerModifier(modifiers: Document, name: string): number | undefined {
  const value = modifiers[name];
  if (value === undefined) return undefined;
  if (!isNumeric(value) || !isInteger(Number(numericValue(value)))) {
    throw badValue(
      `The value for ${name} must be an integer value but was given type: ${bsonTypeOf(value)}`,
    );
  }
  return Number(numericValue(value));
}

const push: UpdateOperator = (document, path, argument) => {
  const { array, write } = arrayAt(document, path, '$push');
  const { values, modifiers } = eachOf(argument);
  for (const key of Object.keys(modifiers)) {
    if (!['$each', '$slice', '$sort', '$position'].includes(key))
      throw badValue(`Unrecognized clause in $push: ${key}`);
  }
  let result = array.slice();
  const position = integerModifier(modifiers, '$position');
  const at =
    position === undefined
      ? result.length
      : position < 0
        ? Math.max(0, result.length + position)
        : Math.min(position, result.length);
  result.splice(at, 0, ...values);
  if (modifiers.$sort !== undefined) {
    const spec = modifiers.$sort;
    if (isPlainDocument(spec)) {
      result = sortDocuments(result, parseSortSpec(spec));
    } else {
      const direction = isNumeric(spec) ? Number(numericValue(spec)) : 0;
      if (direction !== 1 && direction !== -1)
        throw badValue(
          'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields',
        );
      result = result
        .map((value, i) => ({ value, i }))
        .sort((a, b) => compareValues(a.value, b.value) * direction || a.i - b.i)
        .map((entry) => entry.value);
    }
  }
  const slice = integerModifier(modifiers, '$slice');
  if (slice !== undefined)
    result = slice >= 0 ? result.slice(0, slice) : result.slice(Math.max(0, result.length + slice));
  write(result);
};

const addToSet: UpdateOperator = (document, path, argument) => {
  const { array, write } = arrayAt(document, path, '$addToSet');
  const result = array.slice();
  for (const value of eachOf(argument).values) {
    if (!result.some((existing) => valuesEqual(existing, value))) result.push(value);
  }
  write(result);
};

function existingArray(
  document: Document,
  path: readonly string[],
  onScalar: (value: unknown) => CommandFailure,
) {
  const location = locate(document, path, false);
  if (!location) return undefined;
  const current = readField(location.parent, location.key);
  if (current === undefined) return undefined;
  if (!isArray(current)) throw onScalar(current);
  return {
    array: current,
    write: (value: unknown[]) => writeField(location.parent, location.key, value),
  };
}

function pullMatcher(condition: unknown): (element: unknown) => boolean {
  if (isPlainDocument(condition)) {
    const keys = Object.keys(condition);
    if (
      keys.length > 0 &&
      keys.every((key) => key.startsWith('$') && !['$and', '$or', '$nor', '$expr'].includes(key))
    ) {
      const matcher = compileFilter({ v: condition });
      return (element) => matcher({ v: element });
    }
    const matcher = compileFilter(condition);
    return (element) => isPlainDocument(element) && matcher(element);
  }
  return (element) => valuesEqual(element, condition);
}

const OPERATORS: Readonly<Record<string, UpdateOperator>> = {
  $set: (document, path, argument) => {
    const location = locate(document, path, true)!;
    writeField(location.parent, location.key, cloneValue(argument));
  },
  $unset: (document, path) => {
    const location = locate(document, path, false);
    if (!location || readField(location.parent, location.key) === undefined) return;
    if (isArray(location.parent)) location.parent[Number(location.key)] = null;
    else delete location.parent[location.key];
  },
  $inc: numericUpdate('$inc', 'add'),
  $mul: numericUpdate('$mul', 'mul'),
  $min: boundUpdate((order) => order < 0),
  $max: boundUpdate((order) => order > 0),
  $currentDate: (document, path, argument) => {
    const type = isPlainDocument(argument)
      ? argument.$type
      : argument === true
        ? 'date'
        : undefined;
    if (type !== 'date' && type !== 'timestamp') {
      throw badValue(
        `${formatValue(argument)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`,
      );
    }
    const now = new Date();
    const value =
      type === 'date' ? now : new Timestamp({ t: Math.floor(now.getTime() / 1000), i: 1 });
    const location = locate(document, path, true)!;
    writeField(location.parent, location.key, value);
  },
  $push: push,
  $addToSet: addToSet,
  $pop: (document, path, argument) => {
    const direction = isNumeric(argument) ? Number(numericValue(argument)) : Number.NaN;
    if (direction !== 1 && direction !== -1)
      throw new CommandFailure(
        9,
        'FailedToParse',
        `$pop expects 1 or -1, found: ${formatValue(argument)}`,
      );
    const target = existingArray(document, path, (value) =>
      typeMismatch(
        `Path '${path.join('.')}' contains an element of non-array type '${bsonTypeOf(value)}'`,
      ),
    );
    if (!target || target.array.length === 0) return;
    target.write(direction === 1 ? target.array.slice(0, -1) : target.array.slice(1));
  },
  $pull: (document, path, argument) => {
    const target = existingArray(document, path, () =>
      badValue('Cannot apply $pull to a non-array value'),
    );
    if (!target) return;
    const matches = pullMatcher(argument);
    const kept = target.array.filter((element) => !matches(element));
    if (kept.length !== target.array.length) target.write(kept);
  },
  $pullAll: (document, path, argument) => {
    if (!isArray(argument))
      throw badValue(`$pullAll requires an array argument but was given a ${bsonTypeOf(argument)}`);
    const target = existingArray(document, path, () =>
      badValue('Cannot apply $pull to a non-array value'),
    );
    if (!target) return;
    const kept = target.array.filter(
      (element) => !argument.some((value) => valuesEqual(element, value)),
    );
    if (kept.length !== target.array.length) target.write(kept);
  },
  $bit: (document, path, argument) => {
    if (!isPlainDocument(argument) || Object.keys(argument).length === 0) {
      throw badValue(
        `The $bit modifier is not compatible with a ${bsonTypeOf(argument)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`,
      );
    }
    const location = locate(document, path, true)!;
    const current = readField(location.parent, location.key) ?? 0;
    if (!isNumeric(current) || !isInteger(Number(numericValue(current)))) {
      throw badValue(
        `Cannot apply $bit to a value of non-integral type. ${idOf(document)} has the field ${location.key} of non-integer type ${bsonTypeOf(current)}`,
      );
    }
    let value = BigInt(numericValue(current));
    for (const [op, operand] of Object.entries(argument)) {
      const bits = BigInt(numericValue(operand));
      if (op === 'and') value &= bits;
      else if (op === 'or') value |= bits;
      else if (op === 'xor') value ^= bits;
      else
        throw badValue(
          `The $bit modifier only supports 'and', 'or', and 'xor', not '${op}' which is an unknown operator: {${op}: ${formatValue(operand)}}`,
        );
    }
    writeField(
      location.parent,
      location.key,
      bsonTypeOf(current) === 'long' ? Long.fromBigInt(value) : Number(value),
    );
  },
};

/** The update operators the stand-in implements (`$rename` and `$setOnInsert` live in update-apply.ts). */
export const UPDATE_OPERATORS: Readonly<Record<string, UpdateOperator>> = OPERATORS;
