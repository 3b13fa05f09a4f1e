import type { Document } from 'bson';
import { CommandFailure } from '../command-types';
import { winningPlan, type ExplainedOperation } from '../engine/explain-plan';
import { compileFilter } from '../engine/query-matcher';
import { planQuery } from '../engine/query-planner';
import type { StandInStore } from '../engine/stand-in-store';

/**
 * The `queryPlanner` section of an explain: the plan the stand-in would really run for
 * `operation` on `dbName.name` (see explain-plan.ts). An invalid filter fails as the
 * command would.
 */
export function queryPlannerOf(
  store: StandInStore,
  dbName: string,
  name: string,
  operation: ExplainedOperation,
): Document {
  compileFilter(operation.filter);
  const collection = store.getCollection(dbName, name);
  const plan = collection
    ? winningPlan(planQuery(collection, operation.filter, operation.sort), operation)
    : { stage: 'EOF' };
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
