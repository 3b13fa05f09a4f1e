import { CommandFailure } from '../command-types';
import { compareValues, valuesEqual } from './bson-compare';
import {
  BSON_TYPE_CODES,
  bsonTypeOf,
  isNumeric,
  isPlainDocument,
  numericValue,
} from './bson-value';
import { isArray } from './intrinsics';
import { compileLinearRegex } from './linear-regex';
import { ownField } from './own-fields';

type Document = Record<string, unknown>;

/** One rule a value breaks, shaped as in mongod's `schemaRulesNotSatisfied`. */
export type SchemaFailure = Document;

/** A compiled schema: the rules `value` breaks, none when it satisfies the schema. */
export type SchemaCheck = (value: unknown) => SchemaFailure[];

/** JSON Schema's `type` names, as BSON types. */
const JSON_TYPES: Readonly<Record<string, readonly string[]>> = {
  object: ['object'],
  array: ['array'],
  number: ['int', 'long', 'double', 'decimal'],
  boolean: ['bool'],
  string: ['string'],
  null: ['null'],
};

/** A malformed schema, refused as mongod's `$jsonSchema` parser refuses it (9). */
export const failedToParse = (message: string) => new CommandFailure(9, 'FailedToParse', message);

/** A broken rule: the keyword, its operand as given, and what was wrong. */
export function rule(keyword: string, specified: unknown, details: Document): SchemaFailure {
  return { operatorName: keyword, specifiedAs: { [keyword]: specified }, ...details };
}

function typeNames(keyword: 'type' | 'bsonType', spec: unknown): string[] {
  const names = isArray(spec) ? spec : [spec];
  if (names.length === 0 || !names.every((name) => typeof name === 'string')) {
    throw failedToParse(`${keyword} must be a string or an array of strings`);
  }
  return (names as string[]).flatMap((name) => {
    if (keyword === 'type') {
      const types = JSON_TYPES[name];
      if (!types) throw failedToParse(`Unknown type name alias: ${name}`);
      return types;
    }
    if (name === 'number') return JSON_TYPES.number;
    if (!(name in BSON_TYPE_CODES)) throw failedToParse(`Unknown type name alias: ${name}`);
    return [name];
  });
}

function count(keyword: string, spec: unknown): number {
  const value = isNumeric(spec) ? Number(numericValue(spec)) : NaN;
  if (!Number.isInteger(value) || value < 0) {
    throw failedToParse(`$jsonSchema keyword '${keyword}' must be a non-negative integer`);
  }
  return value;
}

/**
 * The `$jsonSchema` keywords that test one value (its type, bounds, length, pattern,
 * required fields...), compiled once, or undefined for the keywords that hold subschemas
 * (json-schema.ts). Each applies only to values of its type, as JSON Schema says; a
 * malformed operand fails with 9 FailedToParse, as mongod's parser does.
 */
export function compileValueKeyword(
  keyword: string,
  spec: unknown,
  schema: Document,
): SchemaCheck | undefined {
  switch (keyword) {
    case 'bsonType':
    case 'type': {
      const types = new Set(typeNames(keyword, spec));
      return (value) => {
        const type = bsonTypeOf(value);
        if (types.has(type)) return [];
        return [
          rule(keyword, spec, {
            reason: 'type did not match',
            consideredValue: value,
            consideredType: type,
          }),
        ];
      };
    }
    case 'enum': {
      if (!isArray(spec) || spec.length === 0)
        throw failedToParse("$jsonSchema keyword 'enum' must be a nonempty array");
      return (value) =>
        spec.some((member) => valuesEqual(member, value))
          ? []
          : [
              rule(keyword, spec, {
                reason: 'value was not found in enum',
                consideredValue: value,
              }),
            ];
    }
    case 'required': {
      if (!isArray(spec) || !spec.every((name) => typeof name === 'string'))
        throw failedToParse("$jsonSchema keyword 'required' must be an array of strings");
      return (value) => {
        if (!isPlainDocument(value)) return [];
        const missing = (spec as string[]).filter((name) => ownField(value, name) === undefined);
        return missing.length === 0 ? [] : [rule(keyword, spec, { missingProperties: missing })];
      };
    }
    case 'minProperties':
    case 'maxProperties': {
      const bound = count(keyword, spec);
      const fits =
        keyword === 'minProperties' ? (n: number) => n >= bound : (n: number) => n <= bound;
      return (value) =>
        !isPlainDocument(value) || fits(Object.keys(value).length)
          ? []
          : [
              rule(keyword, spec, {
                reason: 'specified number of properties was not satisfied',
                numberOfProperties: Object.keys(value).length,
              }),
            ];
    }
    case 'minimum':
    case 'maximum': {
      if (!isNumeric(spec))
        throw failedToParse(`$jsonSchema keyword '${keyword}' must be a number`);
      const exclusive =
        schema[keyword === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true;
      const fits = (order: number) =>
        keyword === 'minimum'
          ? order > 0 || (!exclusive && order === 0)
          : order < 0 || (!exclusive && order === 0);
      return (value) =>
        !isNumeric(value) || fits(compareValues(value, spec))
          ? []
          : [rule(keyword, spec, { reason: 'comparison failed', consideredValue: value })];
    }
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      if (typeof spec !== 'boolean')
        throw failedToParse(`$jsonSchema keyword '${keyword}' must be a boolean`);
      return () => [];
    case 'multipleOf': {
      if (!isNumeric(spec) || Number(numericValue(spec)) <= 0)
        throw failedToParse("$jsonSchema keyword 'multipleOf' must be a positive number");
      const divisor = Number(numericValue(spec));
      return (value) =>
        !isNumeric(value) || Number(numericValue(value)) % divisor === 0
          ? []
          : [
              rule(keyword, spec, {
                reason: 'considered value is not a multiple of the specified value',
                consideredValue: value,
              }),
            ];
    }
    case 'minLength':
    case 'maxLength': {
      const bound = count(keyword, spec);
      const fits = keyword === 'minLength' ? (n: number) => n >= bound : (n: number) => n <= bound;
      return (value) =>
        typeof value !== 'string' || fits([...value].length)
          ? []
          : [
              rule(keyword, spec, {
                reason: 'specified string length was not satisfied',
                consideredValue: value,
              }),
            ];
    }
    case 'pattern': {
      if (typeof spec !== 'string')
        throw failedToParse("$jsonSchema keyword 'pattern' must be a string");
      const regex = compileLinearRegex(spec, '', 'query');
      return (value) =>
        typeof value !== 'string' || regex.test(value)
          ? []
          : [
              rule(keyword, spec, {
                reason: 'regular expression did not match',
                consideredValue: value,
              }),
            ];
    }
    case 'minItems':
    case 'maxItems': {
      const bound = count(keyword, spec);
      const fits = keyword === 'minItems' ? (n: number) => n >= bound : (n: number) => n <= bound;
      return (value) =>
        !isArray(value) || fits(value.length)
          ? []
          : [
              rule(keyword, spec, {
                reason: 'array did not match specified length',
                consideredValue: value,
              }),
            ];
    }
    case 'uniqueItems':
      if (typeof spec !== 'boolean')
        throw failedToParse("$jsonSchema keyword 'uniqueItems' must be a boolean");
      return (value) => {
        if (!spec || !isArray(value)) return [];
        const duplicate = value.find((item, i) =>
          value.slice(0, i).some((other) => valuesEqual(other, item)),
        );
        return duplicate === undefined
          ? []
          : [
              rule(keyword, spec, {
                reason: 'found a duplicate item',
                consideredValue: value,
                duplicateValue: duplicate,
              }),
            ];
      };
    default:
      return undefined;
  }
}
