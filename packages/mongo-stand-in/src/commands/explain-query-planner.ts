import type { Document } from 'bson';
import { CommandFailure } from '../command-types';
import { winningPlan, type ExplainedOperation } from '../engine/explain-plan';
import { compileFilter } from '../engine/query-matcher';
import { hintedIndexName } from '../engine/index-hint';
import { planHintedIndex, planQuery } from '../engine/query-planner';
import type { StandInStore } from '../engine/stand-in-store';

/**
 * The `queryPlanner` section of an explain: the plan the stand-in would really run for
 * `operation` on `dbName.name` (see explain-plan.ts), through the index `hint` names if it
 * names one, as mongod's planner does. An invalid filter fails as the command would.
 */
export function queryPlannerOf(
  store: StandInStore,
  dbName: string,
  name: string,
  operation: ExplainedOperation,
  hint?: unknown,
): Document {
  compileFilter(operation.filter);
  const collection = store.getCollection(dbName, name);
  if (!collection) return plannerSection(dbName, name, operation, { stage: 'EOF' });
  const hinted = hintedIndexName(collection, hint);
  const plan =
    (hinted === undefined
      ? undefined
      : planHintedIndex(collection, hinted, operation.filter, operation.sort)) ??
    planQuery(collection, operation.filter, operation.sort);
  return plannerSection(dbName, name, operation, winningPlan(plan, operation));
}

/** The section around a winning plan. */
function plannerSection(
  dbName: string,
  name: string,
  operation: ExplainedOperation,
  plan: Document,
): Document {
  return {
    plannerVersion: 1,
    namespace: `${dbName}.${name}`,
    indexFilterSet: false,
    parsedQuery: operation.filter,
    winningPlan: plan,
    rejectedPlans: [],
  };
}

/** Views are not explained: their pipeline would have to be explained with the query. */
export function refuseViewExplain(store: StandInStore, dbName: string, name: string): void {
  if (store.getView(dbName, name)) {
    throw new CommandFailure(115, 'CommandNotSupported', 'the stand-in does not explain views');
  }
}
