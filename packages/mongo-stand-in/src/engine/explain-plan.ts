import type { FieldConstraint, RangeEnd } from './filter-constraints';
import { rangesOf } from './index-scan';
import type { IndexScanPlan, QueryPlan } from './query-planner';
import type { SortSpec } from './sort-documents';
import { formatValue } from './value-format';

type Document = Record<string, unknown>;

/** What surrounds the candidate selection in the explained command. */
export interface ExplainedOperation {
  readonly filter: Document;
  readonly sort?: SortSpec;
  readonly skip?: number;
  /** 0 or absent: no limit. */
  readonly limit?: number;
  /** The write or count stage on top, if any. */
  readonly root?: 'UPDATE' | 'DELETE' | 'COUNT';
  /**
   * How a `$text` or `$near` query ranks what the rest of its filter finds (`TEXT_MATCH`,
   * `GEO_NEAR_2D`, `GEO_NEAR_2DSPHERE`), with the index that lets it; `filter` is then
   * that rest.
   */
  readonly ranking?: { readonly stage: string; readonly indexName: string };
}

/** Ends of a missing range side, per type rank, as mongod prints its type-bracketed bounds. */
const BRACKET_ENDS: Readonly<Record<number, readonly [string, string]>> = {
  3: ['-inf.0', 'inf.0'],
  4: ['""', '{}'],
  10: ['new Date(-9223372036854775808)', 'new Date(9223372036854775807)'],
};

function rangeText(constraint: FieldConstraint, reversed: boolean): string {
  const range = constraint.range!;
  const [typeLow, typeHigh] = BRACKET_ENDS[range.rank] ?? ['MinKey', 'MaxKey'];
  const end = (side: RangeEnd | undefined, fallback: string): [string, boolean] =>
    side ? [formatValue(side.value), side.inclusive] : [fallback, true];
  const [low, lowIn] = end(range.low, typeLow);
  const [high, highIn] = end(range.high, typeHigh);
  return reversed
    ? `${highIn ? '[' : '('}${high}, ${low}${lowIn ? ']' : ')'}`
    : `${lowIn ? '[' : '('}${low}, ${high}${highIn ? ']' : ')'}`;
}

function fieldBounds(constraint: FieldConstraint | undefined, reversed: boolean): string[] {
  if (!constraint) return [reversed ? '[MaxKey, MinKey]' : '[MinKey, MaxKey]'];
  if (constraint.range) return [rangeText(constraint, reversed)];
  const points = constraint.points!.map(
    (point) => `[${formatValue(point)}, ${formatValue(point)}]`,
  );
  return reversed ? points.reverse() : points;
}

function indexScan(
  plan: IndexScanPlan,
  bounds: ReadonlyArray<FieldConstraint | undefined>,
  direction: 1 | -1,
): Document {
  const indexBounds: Document = {};
  plan.index.fields.forEach((field, i) => {
    indexBounds[field] = fieldBounds(bounds[i], plan.index.directions[i] * direction < 0);
  });
  return {
    stage: 'IXSCAN',
    keyPattern: { ...plan.index.spec.key },
    indexName: plan.index.spec.name,
    isMultiKey: false,
    isUnique: plan.index.unique,
    isSparse: plan.index.sparse,
    isPartial: plan.index.spec.partialFilterExpression !== undefined,
    direction: direction === 1 ? 'forward' : 'backward',
    indexBounds,
  };
}

function accessStage(plan: QueryPlan, filter: Document): Document {
  if (plan.kind === 'collscan') return { stage: 'COLLSCAN', filter, direction: 'forward' };
  if (plan.kind === 'or') {
    const inputStages = plan.clauses.map((clause) => accessStage(clause, {}).inputStage);
    return { stage: 'FETCH', filter, inputStage: { stage: 'OR', inputStages } };
  }
  if (plan.kind === 'sorted-or') {
    const inputStages = plan.clauses.map((clause) => accessStage(clause, {}).inputStage);
    const sortPattern: Document = {};
    const order = plan.clauses[0].order!;
    order.keyPositions.forEach((position, i) => {
      sortPattern[plan.clauses[0].index.fields[position]] = order.keyDirections[i];
    });
    return {
      stage: 'FETCH',
      filter,
      inputStage: { stage: 'SORT_MERGE', sortPattern, inputStages },
    };
  }
  if (plan.kind === 'ids') {
    const scan = {
      stage: 'IXSCAN',
      keyPattern: { _id: 1 },
      indexName: '_id_',
      isMultiKey: false,
      isUnique: true,
      direction: 'forward',
      indexBounds: { _id: plan.values.map((v) => `[${formatValue(v)}, ${formatValue(v)}]`) },
    };
    return { stage: 'FETCH', filter, inputStage: scan };
  }
  const direction = plan.order?.direction ?? 1;
  if (plan.order && rangesOf(plan).length > 1) {
    // Each combination of `$in` values is one ordered range; they are merged on the sort key.
    const inputStages = rangesOf(plan).map((range) =>
      indexScan(
        plan,
        range.map(({ point, constraint }) => (constraint.range ? constraint : { points: [point] })),
        direction,
      ),
    );
    const sortPattern: Document = {};
    plan.order.keyPositions.forEach((position, i) => {
      sortPattern[plan.index.fields[position]] = plan.order!.keyDirections[i];
    });
    return {
      stage: 'FETCH',
      filter,
      inputStage: { stage: 'SORT_MERGE', sortPattern, inputStages },
    };
  }
  return { stage: 'FETCH', filter, inputStage: indexScan(plan, plan.bounds, direction) };
}

/**
 * The `queryPlanner.winningPlan` of an explained command, describing the plan the stand-in
 * really runs: COLLSCAN, or FETCH over an IXSCAN of the chosen index (SORT_MERGE over one
 * IXSCAN per `$in` combination when the index order gives the sort, or over one per `$or`
 * clause), under the ranking stage of a `$text` or `$near` query, with SORT, SKIP, LIMIT
 * and the write/count stage around it as mongod shows them.
 */
export function winningPlan(plan: QueryPlan, operation: ExplainedOperation): Document {
  let stage = accessStage(plan, operation.filter);
  if (operation.ranking) stage = { ...operation.ranking, inputStage: stage };
  const sorted = operation.sort !== undefined && operation.sort.length > 0;
  const limit = operation.limit ?? 0;
  const skip = operation.skip ?? 0;
  if (sorted && !(plan.kind === 'index' && plan.order) && plan.kind !== 'sorted-or') {
    const sortPattern: Document = {};
    for (const [path, direction] of operation.sort!) sortPattern[path] = direction;
    stage = {
      stage: 'SORT',
      sortPattern,
      ...(limit > 0 ? { limitAmount: limit + skip } : {}),
      inputStage: stage,
    };
  }
  if (skip > 0) stage = { stage: 'SKIP', skipAmount: skip, inputStage: stage };
  if (limit > 0 && operation.root === undefined) {
    stage = { stage: 'LIMIT', limitAmount: limit, inputStage: stage };
  }
  return operation.root ? { stage: operation.root, inputStage: stage } : stage;
}
