import { CommandFailure } from '../command-types';
import { compareValues, valuesEqual } from './bson-compare';
import { BSON_TYPE_CODES, bsonTypeOf, isNumeric, numericValue, typeRank } from './bson-value';
import { somePathValue } from './document-path';
import { RegExpClass, isArray } from './intrinsics';
import { testLinear } from './linear-regex';

type Document = Record<string, unknown>;
/** A compiled test of one document. */
export type Predicate = (document: Document) => boolean;

const isNullish = (value: unknown): boolean => value === null || value === undefined;
const isBound = (value: unknown): boolean => {
  const type = bsonTypeOf(value);
  return type === 'minKey' || type === 'maxKey';
};

function matchesEquality(candidate: unknown, value: unknown): boolean {
  if (isNullish(value)) return isNullish(candidate);
  return candidate !== undefined && valuesEqual(candidate, value);
}

function matchesIn(candidate: unknown, values: readonly unknown[]): boolean {
  return values.some((value) =>
    value instanceof RegExpClass
      ? typeof candidate === 'string' && testLinear(value, candidate)
      : matchesEquality(candidate, value),
  );
}

function fieldPredicate(test: (candidate: unknown) => boolean) {
  return (selector: string): Predicate => somePathValue(selector, test);
}

function ordering(accept: (order: number) => boolean, inclusive: boolean) {
  return (selector: string, value: unknown): Predicate => {
    if (isNullish(value)) {
      return fieldPredicate((candidate) => inclusive && isNullish(candidate))(selector);
    }
    const bound = isBound(value);
    const rank = typeRank(value);
    return fieldPredicate(
      (candidate) =>
        (bound || (candidate !== undefined && typeRank(candidate) === rank)) &&
        accept(compareValues(candidate, value)),
    )(selector);
  };
}

function requireArray(operator: string, value: unknown): unknown[] {
  if (!isArray(value)) throw new CommandFailure(2, 'BadValue', `${operator} needs an array`);
  return value;
}

function typeMatcher(spec: unknown): (candidate: unknown) => boolean {
  const wanted = (isArray(spec) ? spec : [spec]).map((alias) => {
    if (alias === 'number') return (candidate: unknown) => isNumeric(candidate);
    if (typeof alias === 'string') {
      if (!(alias in BSON_TYPE_CODES)) {
        throw new CommandFailure(2, 'BadValue', `Unknown type name alias: ${alias}`);
      }
      return (candidate: unknown) => bsonTypeOf(candidate) === alias;
    }
    if (isNumeric(alias)) {
      const code = Number(numericValue(alias));
      return (candidate: unknown) => BSON_TYPE_CODES[bsonTypeOf(candidate)] === code;
    }
    throw new CommandFailure(2, 'BadValue', 'type must be represented as a number or a string');
  });
  return (candidate) => candidate !== undefined && wanted.some((test) => test(candidate));
}

/**
 * Field-level query operators with MongoDB's BSON semantics: each takes the field path and
 * the operand and returns a predicate over documents. Used both by the stand-in's direct
 * filter compiler and, through the mingo context, by mingo itself.
 */
export const BSON_FIELD_OPERATORS = {
  $eq: (selector: string, value: unknown): Predicate =>
    fieldPredicate((candidate) => matchesEquality(candidate, value))(selector),
  $ne: (selector: string, value: unknown): Predicate => {
    const equal = BSON_FIELD_OPERATORS.$eq(selector, value);
    return (document) => !equal(document);
  },
  $in: (selector: string, value: unknown): Predicate => {
    const values = requireArray('$in', value);
    return fieldPredicate((candidate) => matchesIn(candidate, values))(selector);
  },
  $nin: (selector: string, value: unknown): Predicate => {
    const within = BSON_FIELD_OPERATORS.$in(selector, requireArray('$nin', value));
    return (document) => !within(document);
  },
  $gt: ordering((order) => order > 0, false),
  $gte: ordering((order) => order >= 0, true),
  $lt: ordering((order) => order < 0, false),
  $lte: ordering((order) => order <= 0, true),
  $type: (selector: string, value: unknown): Predicate =>
    fieldPredicate(typeMatcher(value))(selector),
};

/** `$exists`: whether the path designates any value (truthy operand) or none. */
export function existsPredicate(selector: string, value: unknown): Predicate {
  const present = somePathValue(selector, (candidate) => candidate !== undefined);
  return value ? present : (document) => !present(document);
}
