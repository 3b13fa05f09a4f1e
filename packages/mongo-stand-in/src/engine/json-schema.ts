import { isPlainDocument } from './bson-value';
import { isArray } from './intrinsics';
import {
  compileValueKeyword,
  failedToParse,
  rule,
  type SchemaCheck,
  type SchemaFailure,
} from './json-schema-value-rules';
import { compileLinearRegex } from './linear-regex';
import { ownField } from './own-fields';

export type { SchemaCheck, SchemaFailure } from './json-schema-value-rules';

type Document = Record<string, unknown>;

/** Keywords of MongoDB's `$jsonSchema` (JSON Schema draft 4, with `bsonType`). */
const KEYWORDS = new Set([
  'bsonType',
  'type',
  'enum',
  'required',
  'properties',
  'patternProperties',
  'additionalProperties',
  'minProperties',
  'maxProperties',
  'dependencies',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'items',
  'additionalItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'title',
  'description',
]);
const UNSUPPORTED = new Set(['$ref', '$schema', 'default', 'definitions', 'format', 'id']);
function schemaList(keyword: string, spec: unknown): SchemaCheck[] {
  if (!isArray(spec) || spec.length === 0) {
    throw failedToParse(`$jsonSchema keyword '${keyword}' must be a nonempty array`);
  }
  return spec.map((schema) => compileJsonSchema(schema));
}

function schemaMap(keyword: string, spec: unknown): Map<string, SchemaCheck> {
  if (!isPlainDocument(spec))
    throw failedToParse(`$jsonSchema keyword '${keyword}' must be an object`);
  return new Map(Object.keys(spec).map((name) => [name, compileJsonSchema(spec[name])]));
}

/** The rules each keyword makes, compiled once; each applies to the values of its type. */ /** The keywords that hold subschemas (properties, items, combinators), and the rest. */
function compileKeyword(keyword: string, spec: unknown, schema: Document): SchemaCheck {
  switch (keyword) {
    case 'properties': {
      const properties = schemaMap(keyword, spec);
      return (value) => {
        if (!isPlainDocument(value)) return [];
        const notSatisfied: Document[] = [];
        for (const [propertyName, check] of properties) {
          const field = ownField(value, propertyName);
          if (field === undefined) continue;
          const details = check(field);
          if (details.length > 0) notSatisfied.push({ propertyName, details });
        }
        return notSatisfied.length === 0
          ? []
          : [{ operatorName: 'properties', propertiesNotSatisfied: notSatisfied }];
      };
    }
    case 'patternProperties':
    case 'additionalProperties':
      return propertyRules(keyword, spec, schema);
    case 'dependencies': {
      if (!isPlainDocument(spec))
        throw failedToParse("$jsonSchema keyword 'dependencies' must be an object");
      const checks = Object.keys(spec).map((name): [string, SchemaCheck] => {
        const dependency = spec[name];
        if (isArray(dependency)) return [name, compileValueKeyword('required', dependency, {})!];
        return [name, compileJsonSchema(dependency)];
      });
      return (value) => {
        if (!isPlainDocument(value)) return [];
        const failed = checks.filter(
          ([name, check]) => ownField(value, name) !== undefined && check(value).length > 0,
        );
        return failed.length === 0
          ? []
          : [
              {
                operatorName: 'dependencies',
                failingDependencies: failed.map(([name, check]) => ({
                  conditionalProperty: name,
                  details: check(value),
                })),
              },
            ];
      };
    }
    case 'items':
    case 'additionalItems':
      return itemRules(keyword, spec, schema);
    case 'allOf':
    case 'anyOf':
    case 'oneOf': {
      const schemas = schemaList(keyword, spec);
      return (value) => {
        const results = schemas.map((check) => check(value));
        const satisfied = results.filter((details) => details.length === 0).length;
        const ok =
          keyword === 'allOf'
            ? satisfied === schemas.length
            : keyword === 'anyOf'
              ? satisfied > 0
              : satisfied === 1;
        if (ok) return [];
        if (keyword === 'oneOf' && satisfied > 1) {
          return [
            {
              operatorName: keyword,
              reason: 'more than one subschema matched',
              matchingSchemaIndexes: results.flatMap((details, index) =>
                details.length === 0 ? [index] : [],
              ),
            },
          ];
        }
        return [
          {
            operatorName: keyword,
            schemasNotSatisfied: results.flatMap((details, index) =>
              details.length > 0 ? [{ index, details }] : [],
            ),
          },
        ];
      };
    }
    case 'not': {
      const check = compileJsonSchema(spec);
      return (value) =>
        check(value).length > 0
          ? []
          : [{ operatorName: 'not', reason: 'child expression matched' }];
    }
    default:
      // title and description check nothing.
      return compileValueKeyword(keyword, spec, schema) ?? (() => []);
  }
}

function propertyRules(keyword: string, spec: unknown, schema: Document): SchemaCheck {
  if (keyword === 'patternProperties') {
    const patterns = [...schemaMap(keyword, spec)].map(
      ([pattern, check]) => [compileLinearRegex(pattern, '', 'query'), check] as const,
    );
    return (value) => {
      if (!isPlainDocument(value)) return [];
      const failing: Document[] = [];
      for (const name of Object.keys(value)) {
        for (const [regex, check] of patterns) {
          if (!regex.test(name)) continue;
          const details = check(value[name]);
          if (details.length > 0)
            failing.push({ propertyName: name, regexMatched: regex.toString(), details });
        }
      }
      return failing.length === 0
        ? []
        : [{ operatorName: keyword, propertiesNotSatisfied: failing }];
    };
  }
  const known = new Set(isPlainDocument(schema.properties) ? Object.keys(schema.properties) : []);
  const patterns = isPlainDocument(schema.patternProperties)
    ? Object.keys(schema.patternProperties).map((pattern) =>
        compileLinearRegex(pattern, '', 'query'),
      )
    : [];
  const extra = (value: Document) =>
    Object.keys(value).filter(
      (name) => !known.has(name) && !patterns.some((regex) => regex.test(name)),
    );
  if (typeof spec === 'boolean') {
    return (value) => {
      if (spec || !isPlainDocument(value)) return [];
      const additional = extra(value);
      return additional.length === 0
        ? []
        : [rule(keyword, spec, { additionalProperties: additional })];
    };
  }
  const check = compileJsonSchema(spec);
  return (value) => {
    if (!isPlainDocument(value)) return [];
    const failing = extra(value).flatMap((name) => {
      const details = check(value[name]);
      return details.length > 0 ? [{ propertyName: name, details }] : [];
    });
    return failing.length === 0 ? [] : [{ operatorName: keyword, propertiesNotSatisfied: failing }];
  };
}

function itemRules(keyword: string, spec: unknown, schema: Document): SchemaCheck {
  const failure = (itemIndex: number, details: SchemaFailure[]) => ({
    operatorName: keyword,
    reason: 'At least one item did not match the sub-schema',
    itemIndex,
    details,
  });
  const firstFailing = (
    items: readonly unknown[],
    from: number,
    check: (item: unknown, i: number) => SchemaFailure[],
  ) => {
    for (let i = from; i < items.length; i++) {
      const details = check(items[i], i);
      if (details.length > 0) return [failure(i, details)];
    }
    return [];
  };
  if (keyword === 'items') {
    if (isArray(spec)) {
      const checks = spec.map((item) => compileJsonSchema(item));
      return (value) =>
        isArray(value)
          ? firstFailing(value.slice(0, checks.length), 0, (item, i) => checks[i](item))
          : [];
    }
    const check = compileJsonSchema(spec);
    return (value) => (isArray(value) ? firstFailing(value, 0, (item) => check(item)) : []);
  }
  // additionalItems: only beside an array of `items`, for the items past them.
  if (!isArray(schema.items)) return () => [];
  const from = schema.items.length;
  if (typeof spec === 'boolean') {
    return (value) =>
      spec || !isArray(value) || value.length <= from
        ? []
        : [
            rule(keyword, spec, {
              reason: 'found additional items',
              additionalItems: value.slice(from),
            }),
          ];
  }
  const check = compileJsonSchema(spec);
  return (value) => (isArray(value) ? firstFailing(value, from, (item) => check(item)) : []);
}

/**
 * Compiles a MongoDB `$jsonSchema` (draft 4 with `bsonType`; no `$ref`, `format` or
 * `integer` type) into a check listing the rules a value breaks, in the shape of mongod's
 * `schemaRulesNotSatisfied`. Type-specific keywords ignore values of other types, as the
 * standard says. A malformed schema fails when compiled, with 9 FailedToParse as mongod's
 * parser does.
 */
export function compileJsonSchema(schema: unknown): SchemaCheck {
  if (!isPlainDocument(schema)) throw failedToParse('$jsonSchema must be an object');
  const checks: SchemaCheck[] = [];
  for (const keyword of Object.keys(schema)) {
    if (UNSUPPORTED.has(keyword))
      throw failedToParse(`$jsonSchema keyword '${keyword}' is not currently supported`);
    if (!KEYWORDS.has(keyword)) throw failedToParse(`Unknown $jsonSchema keyword: ${keyword}`);
    if (keyword === 'bsonType' && schema.type !== undefined)
      throw failedToParse("Cannot specify both $jsonSchema keywords 'type' and 'bsonType'");
    checks.push(compileKeyword(keyword, schema[keyword], schema));
  }
  return (value) => checks.flatMap((check) => check(value));
}
