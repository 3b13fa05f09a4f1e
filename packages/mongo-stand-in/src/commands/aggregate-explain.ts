import type { Document } from 'bson';
import { isNumeric, isPlainDocument, numericValue } from '../engine/bson-value';
import type { ExplainedOperation } from '../engine/explain-plan';
import { validateCollectionName } from '../engine/namespace';
import { parseSortSpec } from '../engine/sort-documents';
import type { StandInStore } from '../engine/stand-in-store';
import { checkedStage, commandName, requiredArray } from './command-args';
import { queryPlannerOf, refuseViewExplain } from './explain-query-planner';

/** The stages the query layer runs for a pipeline, as mongod pushes them down. */
interface PushedDown {
  readonly operation: ExplainedOperation;
  /** How many leading stages the operation stands for. */
  readonly stages: number;
}

const positive = (value: unknown): number | undefined =>
  isNumeric(value) && Number(numericValue(value)) > 0 ? Number(numericValue(value)) : undefined;

/**
 * The leading `$match`, then `$sort` (with a `$limit` right after it): what mongod's
 * planner answers for, with an index when one serves the filter or the sort.
 */
function pushedDown(pipeline: readonly Document[]): PushedDown {
  let next = 0;
  let filter: Document = {};
  if (isPlainDocument(pipeline[0]?.$match)) {
    filter = pipeline[0].$match;
    next = 1;
  }
  const sortSpec: unknown = pipeline[next]?.$sort;
  if (!isPlainDocument(sortSpec)) return { operation: { filter }, stages: next };
  const sort = parseSortSpec(sortSpec);
  const limit = positive(pipeline[next + 1]?.$limit);
  return {
    operation: { filter, sort, limit },
    stages: next + (limit === undefined ? 1 : 2),
  };
}

/**
 * `explain` of an `aggregate` (the explain command around one, or `explain: true` on it), as
 * mongod 7.0 answers it: the leading `$match`/`$sort`/`$limit` go to the query planner,
 * whose plan (an index scan when one serves them) is `queryPlanner`; when stages remain,
 * the answer lists `stages`, the first a `$cursor` holding that plan, the others as given.
 * A pipeline that writes (`$out`, `$merge`) is explained without writing.
 */
export function explainAggregate(inner: Document, dbName: string, store: StandInStore): Document {
  const target: unknown = inner[commandName(inner)];
  const pipeline = requiredArray(inner, 'pipeline').map(checkedStage);
  const command = { ...inner };
  delete command.explain;
  if (target === 1) return { explainVersion: '1', stages: pipeline, command };
  const name = validateCollectionName(dbName, target);
  refuseViewExplain(store, dbName, name);
  const { operation, stages } = pushedDown(pipeline);
  const queryPlanner = queryPlannerOf(store, dbName, name, operation, inner.hint);
  const rest = pipeline.slice(stages);
  if (rest.length === 0) return { explainVersion: '1', queryPlanner, command };
  return {
    explainVersion: '1',
    stages: [{ $cursor: { queryPlanner } }, ...rest],
    command,
  };
}
