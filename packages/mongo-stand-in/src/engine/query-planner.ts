import type { CollectionState } from './collection-state';
import { excludesNull, filterConstraints, type FieldConstraint } from './filter-constraints';
import { isPlainDocument } from './bson-value';
import { countInRanges } from './index-scan';
import { isArray } from './intrinsics';
import { partialFilterCovered } from './partial-index-coverage';
import type { SecondaryIndex } from './secondary-index';
import type { SortSpec } from './sort-documents';

type Document = Record<string, unknown>;

/** At most this many index ranges (products of `$in` sizes) per scan; later fields are checked on entries instead. */
const MAX_RANGES = 256;
/** An unordered index plan whose ranges hold more than this share of the collection loses to a scan. */
const SCAN_RATIO = 0.35;

/** How an index scan gives the sort order (absent: the candidates are sorted afterwards). */
export interface IndexOrder {
  /** 1 to walk the index forward, -1 backward. */
  readonly direction: 1 | -1;
  /** The index fields (positions) the sort compares, in sort order... */
  readonly keyPositions: readonly number[];
  /** ...with the sort's own directions. */
  readonly keyDirections: ReadonlyArray<1 | -1>;
  /**
   * True when equal sort keys may come out of one range in an order other than natural
   * order (a backward walk, or index fields after the sorted ones), so each run of equal
   * sort keys is reordered by sequence number.
   */
  readonly regroup: boolean;
}

/** A scan of a secondary index. */
export interface IndexScanPlan {
  readonly kind: 'index';
  readonly index: SecondaryIndex;
  /**
   * Constraints on the leading index fields that bound the scan: points (one range per
   * combination of them) and, last, possibly a value range.
   */
  readonly bounds: readonly FieldConstraint[];
  /** Constraints on later index fields, checked on index entries before fetching. */
  readonly residual: ReadonlyArray<readonly [position: number, constraint: FieldConstraint]>;
  readonly order?: IndexOrder;
}

/** Point lookups in the `_id` map. */
export interface IdLookupPlan {
  readonly kind: 'ids';
  readonly values: readonly unknown[];
}

/** Every document, in natural order. */
export interface CollectionScanPlan {
  readonly kind: 'collscan';
}

/** The union of one plan per clause of a top-level `$or` (mongod's OR stage). */
export interface OrPlan {
  readonly kind: 'or';
  readonly clauses: ReadonlyArray<IndexScanPlan | IdLookupPlan>;
}

/**
 * One index scan per clause of a top-level `$or`, each giving the query's sort, merged in
 * sort order (mongod's SORT_MERGE): a sorted query with a limit reads only the start of
 * each clause's ranges.
 */
export interface SortedOrPlan {
  readonly kind: 'sorted-or';
  readonly clauses: readonly IndexScanPlan[];
}

/**
 * How a query selects its candidate documents. Whatever the plan, candidates are matched
 * with the full filter afterwards: a plan only narrows, it never decides a match.
 */
export type QueryPlan = IndexScanPlan | IdLookupPlan | OrPlan | SortedOrPlan | CollectionScanPlan;

const COLLECTION_SCAN: CollectionScanPlan = { kind: 'collscan' };

/** `_id` values an `$or` pins when each of its clauses pins `_id` by equality or `$in`. */
function orIdValues(filter: Document): unknown[] | undefined {
  const clauses = filter.$or;
  if (!isArray(clauses) || clauses.length === 0) return undefined;
  const values: unknown[] = [];
  for (const clause of clauses) {
    if (!isPlainDocument(clause)) return undefined;
    const points = filterConstraints(clause).get('_id')?.points;
    if (!points) return undefined;
    values.push(...points);
  }
  return values;
}

function indexOrder(
  index: SecondaryIndex,
  bounds: readonly FieldConstraint[],
  sort: SortSpec | undefined,
): IndexOrder | undefined {
  if (!sort || sort.length === 0) return undefined;
  // Within one range, the point fields are constant: the rest of the sort must follow the
  // index from the first field after them. Ranges are then merged on the whole sort key.
  const pointFields = bounds.filter((constraint) => constraint.points).length;
  const keyPositions: number[] = [];
  let direction: 1 | -1 | undefined;
  let next = pointFields;
  for (const [path, sortDirection] of sort) {
    const position = index.fields.indexOf(path);
    if (position < 0) return undefined;
    keyPositions.push(position);
    if (position < pointFields) continue;
    if (position !== next) return undefined;
    next += 1;
    const relative = sortDirection === index.directions[position] ? 1 : -1;
    if (direction !== undefined && relative !== direction) return undefined;
    direction = relative;
  }
  if (direction === undefined) return undefined; // a sort on point fields only
  return {
    direction,
    keyPositions,
    keyDirections: sort.map(([, sortDirection]) => sortDirection),
    regroup: direction === -1 || next < index.fields.length,
  };
}

function planIndex(
  index: SecondaryIndex,
  filter: Document,
  constraints: ReadonlyMap<string, FieldConstraint>,
  sort: SortSpec | undefined,
): IndexScanPlan | undefined {
  // Array values match by element, which the key order does not reflect: scan instead.
  // A hidden index is invisible to the planner, as in mongod.
  if (index.hidden || index.special || index.multikey) return undefined;
  const bounds: FieldConstraint[] = [];
  let ranges = 1;
  for (const field of index.fields) {
    const constraint = constraints.get(field);
    if (constraint?.points) {
      ranges *= Math.max(1, constraint.points.length);
      if (ranges > MAX_RANGES) break;
      bounds.push(constraint);
      continue;
    }
    if (constraint?.range) bounds.push(constraint);
    break;
  }
  if (bounds.length === 0) return undefined;
  const { partialFilterExpression } = index.spec;
  if (
    partialFilterExpression &&
    !partialFilterCovered(partialFilterExpression, filter, constraints)
  )
    return undefined;
  if (index.sparse) {
    // A sparse index lacks documents missing every indexed field: some constraint must rule them out.
    const holdsAll = index.fields.some((field) => {
      const constraint = constraints.get(field);
      return constraint !== undefined && excludesNull(constraint);
    });
    if (!holdsAll) return undefined;
  }
  const residual: Array<readonly [number, FieldConstraint]> = [];
  index.fields.forEach((field, position) => {
    const constraint = constraints.get(field);
    if (position >= bounds.length && constraint) residual.push([position, constraint]);
  });
  return { kind: 'index', index, bounds, residual, order: indexOrder(index, bounds, sort) };
}

function score(plan: IndexScanPlan): number[] {
  const points = plan.bounds.filter((constraint) => constraint.points).length;
  const ranged = plan.bounds.length - points;
  const ranges = plan.bounds.reduce((n, constraint) => n * (constraint.points?.length ?? 1), 1);
  return [points * 2 + ranged, plan.order ? 1 : 0, -ranges, -plan.index.fields.length];
}

function better(a: IndexScanPlan, b: IndexScanPlan | undefined): boolean {
  if (!b) return true;
  const [x, y] = [score(a), score(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return false;
}

/**
 * Picks how to find the candidates of a query: `_id` lookups when the filter pins `_id`
 * (directly, with `$in`, or in every clause of an `$or`); else the secondary index with the
 * longest usable prefix of equality/`$in` fields (then at most one range field), preferring
 * one whose order gives the sort; else a collection scan. An index is used only when it
 * surely holds every matching document: not multikey, not hashed, text or geo, a partial filter the
 * query implies, a sparse index only when the query rules out missing fields; never a
 * hidden one.
 */
export function planQuery(
  collection: CollectionState,
  filter: Document,
  sort?: SortSpec,
): QueryPlan {
  const constraints = filterConstraints(filter);
  const ids = constraints.get('_id')?.points ?? orIdValues(filter);
  if (ids) return { kind: 'ids', values: ids };
  const best = bestIndexPlan(collection, filter, constraints, sort);
  if (!best) return orPlan(collection, filter) ?? COLLECTION_SCAN;
  if (best.order && sort && sort.length > 0)
    return sortedOrPlan(collection, filter, sort, best) ?? best;
  // Candidates read through the index are sorted back into natural order: past about a
  // third of the collection, a plain scan is cheaper (measured on 20k documents).
  if (countInRanges(best) <= collection.size * SCAN_RATIO) return best;
  return orPlan(collection, filter) ?? COLLECTION_SCAN;
}

/**
 * For a sorted filter with a top-level `$or`, one ordered index scan per clause, when each
 * clause narrows the scan further than `single`, the best plan for the filter without its
 * `$or` (more bounded fields, or as many and more constraints checked on index entries).
 * mongod's planner finds that out by racing the plans; here it is decided up front, as
 * the clauses' constraints are a superset of the rest's. Agenda's claim (`name`, then an
 * `$or` of unlocked due jobs and expired locks, sorted by `nextRunAt`) is such a query:
 * the single plan walks every job of the name in `nextRunAt` order, finished ones first.
 */
function sortedOrPlan(
  collection: CollectionState,
  filter: Document,
  sort: SortSpec,
  single: IndexScanPlan,
): SortedOrPlan | undefined {
  const clauses = orClauses(filter);
  if (!clauses) return undefined;
  const plans: IndexScanPlan[] = [];
  for (const { combined, constraints } of clauses) {
    const best = bestIndexPlan(collection, combined, constraints, sort, true);
    if (!best || !narrower(best, single)) return undefined;
    plans.push(best);
  }
  return { kind: 'sorted-or', clauses: plans };
}

/** True when `plan` bounds more index fields than `than`, or as many with more checks. */
function narrower(plan: IndexScanPlan, than: IndexScanPlan): boolean {
  const [bounded, other] = [score(plan)[0], score(than)[0]];
  return bounded > other || (bounded === other && plan.residual.length > than.residual.length);
}

/**
 * For a filter with a top-level `$or`, one plan per clause (each clause planned together
 * with the rest of the filter), when every clause can use an index or the `_id` map; their
 * candidates are united. Residual constraints on index entries keep a broad clause cheap.
 */
function orPlan(collection: CollectionState, filter: Document): OrPlan | undefined {
  const clauses = orClauses(filter);
  if (!clauses) return undefined;
  const plans: Array<IndexScanPlan | IdLookupPlan> = [];
  for (const { combined, constraints } of clauses) {
    const ids = constraints.get('_id')?.points;
    if (ids) {
      plans.push({ kind: 'ids', values: ids });
      continue;
    }
    const best = bestIndexPlan(collection, combined, constraints, undefined);
    if (!best) return undefined;
    plans.push(best);
  }
  return { kind: 'or', clauses: plans };
}

/**
 * The best index plan for a filter; with `ordered`, among those whose index order gives
 * the sort.
 */
function bestIndexPlan(
  collection: CollectionState,
  filter: Document,
  constraints: ReadonlyMap<string, FieldConstraint>,
  sort: SortSpec | undefined,
  ordered = false,
): IndexScanPlan | undefined {
  let best: IndexScanPlan | undefined;
  for (const index of collection.secondaryIndexes()) {
    const plan = planIndex(index, filter, constraints, sort);
    if (plan && (!ordered || plan.order) && better(plan, best)) best = plan;
  }
  return best;
}

/**
 * Each clause of a filter's top-level `$or` together with the rest of the filter, and what
 * that implies per field; undefined without such an `$or` or when a clause is no document.
 */
function orClauses(
  filter: Document,
): Array<{ combined: Document; constraints: Map<string, FieldConstraint> }> | undefined {
  const clauses = filter.$or;
  if (!isArray(clauses) || clauses.length === 0) return undefined;
  const rest: Document = { ...filter };
  delete rest.$or;
  const planned: Array<{ combined: Document; constraints: Map<string, FieldConstraint> }> = [];
  for (const clause of clauses) {
    if (!isPlainDocument(clause)) return undefined;
    const combined: Document = { $and: [rest, clause] };
    planned.push({ combined, constraints: filterConstraints(combined) });
  }
  return planned;
}

/**
 * The scan of a hinted index, for explain: mongod's planner reads the index a hint names
 * whatever its cost, within the bounds the filter gives where it can, else over all of
 * it. Undefined when no secondary index has that name (`_id_` is the `_id` map here).
 */
export function planHintedIndex(
  collection: CollectionState,
  indexName: string,
  filter: Document,
  sort?: SortSpec,
): IndexScanPlan | undefined {
  for (const index of collection.secondaryIndexes()) {
    if (index.spec.name !== indexName) continue;
    const bounded = index.multikey
      ? undefined
      : planIndex(index, filter, filterConstraints(filter), sort);
    return (
      bounded ?? {
        kind: 'index',
        index,
        bounds: [],
        residual: [],
        order: indexOrder(index, [], sort),
      }
    );
  }
  return undefined;
}
