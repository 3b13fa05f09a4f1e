import { Context, ProcessingMode } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { Lazy, type Iterator } from 'mingo/lazy';
import type { CollectionResolver, Options } from 'mingo/types/types';
import { CommandFailure } from '../command-types';
import { allPredicate } from './all-predicate';
import { BSON_FIELD_OPERATORS, type Predicate } from './bson-predicates';
import { checkDeadline, commandVariables } from './command-time';
import { GEO_QUERY_OPERATORS } from './geo/geo-query-operators';
import { RegExpClass } from './intrinsics';
import { LinearRegExp } from './linear-regex';
import { REGEX_EXPRESSION_OPERATORS } from './regex-expressions';
import { normaliseFilterRegexes } from './regex-filter';
import { parseSortSpec, sortDocuments } from './sort-documents';
import { refuseWhereOutsideFind } from './where-refusal';
import { compileJsonSchema } from './json-schema';

/*
 * mingo compares values with JavaScript semantics: a Long never equals the number 1, values
 * of different bson classes order by class name, `$type` knows no `objectId`, and `$sort`
 * orders mixed types differently from MongoDB. The stand-in replaces those operators in the
 * context it hands mingo with versions built on `compareValues` (MongoDB's BSON order), so
 * every query, `$match`, `$elemMatch`, `$pull` condition and `$sort` shares one semantics.
 */

type Document = Record<string, unknown>;
type QueryOperator = (selector: string, value: unknown, options: unknown) => unknown;

const mingoQuery = queryOperators as unknown as Record<string, QueryOperator>;
const mingoPipeline = pipelineOperators as unknown as Record<
  string,
  (collection: Iterator, expression: unknown, options: unknown) => Iterator
>;

/** A RegExp matched on RE2 in place of a native one (mingo copies filters into native ones). */
const linear = (value: unknown): unknown =>
  value instanceof RegExpClass && !(value instanceof LinearRegExp)
    ? new LinearRegExp(value)
    : value;

/*
 * Regular expressions run on RE2 (linear-regex.ts): mingo's `$regex` (also for the members
 * of `$all`) keeps its semantics but gets RegExps whose `exec`/`test` are RE2's, and a
 * `$match` stage's filter is
 * validated and normalised as a find filter is.
 */
const linearRegexQueryOperators = {
  $regex: (selector: string, value: unknown, options: unknown) =>
    mingoQuery.$regex(selector, linear(value), options),
};

/** `$all` with mongod's semantics (all-predicate.ts), its members tested by mingo's operators. */
const allQueryOperator = {
  $all: (selector: string, value: unknown, options: unknown) =>
    allPredicate(selector, value, {
      elemMatch: (path, criteria) => mingoQuery.$elemMatch(path, criteria, options) as Predicate,
      regex: (path, pattern) => mingoQuery.$regex(path, linear(pattern), options) as Predicate,
    }),
};

const bsonPipelineOperators = {
  $match: (collection: Iterator, filter: unknown, options: unknown): Iterator => {
    refuseWhereOutsideFind(filter);
    return mingoPipeline.$match(collection, normaliseFilterRegexes(filter), options);
  },
  $sort: (collection: Iterator, spec: unknown): Iterator => {
    const parsed = parseSortSpec(spec);
    if (parsed.length === 0) {
      throw new CommandFailure(
        15976,
        'Location15976',
        '$sort stage must have at least one sort key',
      );
    }
    return collection.transform((documents: Document[]) => Lazy(sortDocuments(documents, parsed)));
  },
};

/**
 * A writing stage that reaches mingo sits inside `$lookup`, `$unionWith` or `$facet` (the
 * aggregate command runs a final one itself), where mongod refuses it.
 */
const refuseNestedWriter = (name: string) => (): Iterator => {
  throw new CommandFailure(
    51047,
    'Location51047',
    `${name} is not allowed within a $lookup, $unionWith or $facet sub-pipeline`,
  );
};

/** Every pipeline stage reads its input through a maxTimeMS check (see command-time.ts). */
const deadlineCheckedPipelineOperators = Object.fromEntries(
  Object.entries({
    ...mingoPipeline,
    ...bsonPipelineOperators,
    $out: refuseNestedWriter('$out'),
    $merge: refuseNestedWriter('$merge'),
  }).map(([name, operator]) => [
    name,
    (collection: Iterator, expression: unknown, options: unknown): Iterator =>
      operator(
        collection.map((document: unknown) => {
          checkDeadline();
          return document;
        }),
        expression,
        options,
      ),
  ]),
);

const CONTEXT = Context.init({
  accumulator: { ...accumulatorOperators },
  expression: { ...expressionOperators, ...REGEX_EXPRESSION_OPERATORS },
  pipeline: deadlineCheckedPipelineOperators,
  projection: { ...projectionOperators },
  query: {
    ...queryOperators,
    ...BSON_FIELD_OPERATORS,
    ...linearRegexQueryOperators,
    ...GEO_QUERY_OPERATORS,
    ...allQueryOperator,
  },
  window: { ...windowOperators },
} as unknown as Parameters<typeof Context.init>[0]);

/** `$jsonSchema` in a query: whether a document satisfies the schema. */
function jsonSchemaPredicate(schema: unknown): (document: unknown) => boolean {
  const check = compileJsonSchema(schema);
  return (document) => check(document).length === 0;
}

/**
 * The mingo options every stand-in query, projection, update and aggregation uses: the
 * BSON-aware operator context, strict MongoDB mode, no server-side scripts, MongoDB's
 * `$jsonSchema` dialect (json-schema.ts), inputs cloned
 * so that a pipeline never mutates stored documents, and the command's `let` variables.
 */
export function mingoOptions(collectionResolver?: CollectionResolver): Partial<Options> {
  return {
    context: CONTEXT,
    useStrictMode: true,
    scriptEnabled: false,
    jsonSchemaValidator: jsonSchemaPredicate,
    processingMode: ProcessingMode.CLONE_INPUT,
    collectionResolver,
    variables: commandVariables(),
  };
}
