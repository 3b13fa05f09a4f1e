import type { Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { isPlainDocument } from '../engine/bson-value';
import type { CollectionState } from '../engine/collection-state';
import type { ExplainedOperation } from '../engine/explain-plan';
import { geoIndexName } from '../engine/geo/geo-indexes';
import { rankedQueryOf } from '../engine/ranked-matches';
import { textIndexOf } from '../engine/text-search/text-clause';
import { explainAggregate } from './aggregate-explain';
import { queryPlannerOf, refuseViewExplain } from './explain-query-planner';
import { parseSortSpec } from '../engine/sort-documents';
import {
  collectionArgument,
  commandName,
  optionalBoolean,
  optionalCount,
  optionalDocument,
  optionalNumber,
} from './command-args';

function firstStatement(command: Document, field: string): Document {
  const statements: unknown = command[field];
  const first: unknown = Array.isArray(statements) ? statements[0] : undefined;
  if (!isPlainDocument(first) || !isPlainDocument(first.q)) {
    throw new CommandFailure(
      40414,
      'Location40414',
      `BSON field '${commandName(command)}.${field}.q' is missing but a required field`,
    );
  }
  return first;
}

/** The filter and surrounding stages of the commands the stand-in can explain. */
function operationOf(inner: Document): ExplainedOperation {
  const verb = commandName(inner);
  switch (verb) {
    case 'find':
      return {
        filter: optionalDocument(inner, 'filter') ?? {},
        sort: parseSortSpec(optionalDocument(inner, 'sort')),
        skip: optionalCount(inner, 'skip'),
        limit: Math.abs(Math.trunc(optionalNumber(inner, 'limit') ?? 0)),
      };
    case 'findAndModify':
      return {
        filter: optionalDocument(inner, 'query') ?? {},
        sort: parseSortSpec(optionalDocument(inner, 'sort')),
        limit: 1,
        root: optionalBoolean(inner, 'remove') ? 'DELETE' : 'UPDATE',
      };
    case 'count':
      return {
        filter: optionalDocument(inner, 'query') ?? {},
        skip: optionalCount(inner, 'skip'),
        limit: Math.abs(Math.trunc(optionalNumber(inner, 'limit') ?? 0)),
        root: 'COUNT',
      };
    case 'distinct':
      return { filter: optionalDocument(inner, 'query') ?? {} };
    case 'update': {
      const statement = firstStatement(inner, 'updates');
      const multi = optionalBoolean(statement, 'multi') ?? false;
      return { filter: statement.q as Document, limit: multi ? 0 : 1, root: 'UPDATE' };
    }
    case 'delete': {
      const statement = firstStatement(inner, 'deletes');
      const limit = optionalNumber(statement, 'limit') ?? 0;
      return { filter: statement.q as Document, limit, root: 'DELETE' };
    }
    default:
      throw new CommandFailure(
        59,
        'CommandNotFound',
        `Explain failed due to unknown command: ${verb}`,
      );
  }
}

/**
 * A `$text` or `$near` operation as the stand-in runs it: the rest of its filter planned,
 * then ranked with the index that allows it (see ranked-matches.ts).
 */
function withRanking(collection: CollectionState, operation: ExplainedOperation) {
  const ranked = rankedQueryOf(collection, operation.filter);
  if (!ranked) return operation;
  const specs = collection.indexSpecs();
  const ranking = ranked.near
    ? {
        stage: ranked.near.spherical ? 'GEO_NEAR_2DSPHERE' : 'GEO_NEAR_2D',
        indexName: geoIndexName(specs, ranked.near.path, ranked.near.spherical),
      }
    : { stage: 'TEXT_MATCH', indexName: textIndexOf(specs).name };
  return { ...operation, filter: ranked.rest, ranking };
}

/**
 * `explain` of `find`, `findAndModify`, `count`, `distinct`, `update`, `delete` and
 * `aggregate` (see aggregate-explain.ts): answers `queryPlanner` with the plan the stand-in
 * would really run, at any verbosity; execution statistics are not collected. Views are
 * not explained.
 */
export const explainCommand: CommandHandler = (command, { dbName, store }) => {
  const inner = optionalDocument(command, 'explain');
  if (!inner || Object.keys(inner).length === 0) {
    throw new CommandFailure(9, 'FailedToParse', 'explain command requires a nested object');
  }
  if (commandName(inner) === 'aggregate') return explainAggregate(inner, dbName, store);
  const name = collectionArgument(inner, dbName);
  refuseViewExplain(store, dbName, name);
  const parsed = operationOf(inner);
  const collection = store.getCollection(dbName, name);
  const operation = collection ? withRanking(collection, parsed) : parsed;
  return {
    explainVersion: '1',
    queryPlanner: queryPlannerOf(store, dbName, name, operation, inner.hint),
    command: inner,
  };
};
