import { compareValues } from './bson-compare';
import { rangePosition, satisfies, type FieldConstraint } from './filter-constraints';
import type { IndexOrder, IndexScanPlan } from './query-planner';
import type { IndexEntry, SecondaryIndex } from './secondary-index';
import type { ListPosition } from './sorted-chunk-list';

/** One contiguous range of an index: a single value or a value range per leading field. */
type RangeBounds = ReadonlyArray<{
  readonly point?: unknown;
  readonly constraint: FieldConstraint;
}>;

/** Every combination of the plan's points (with its trailing range, if any). */
export function rangesOf(plan: IndexScanPlan): RangeBounds[] {
  let ranges: Array<RangeBounds> = [[]];
  for (const constraint of plan.bounds) {
    const next: Array<RangeBounds> = [];
    for (const range of ranges) {
      if (constraint.points) {
        for (const point of constraint.points) next.push([...range, { point, constraint }]);
      } else {
        next.push([...range, { constraint }]);
      }
    }
    ranges = next;
  }
  return ranges;
}

/** -1 before the range, 0 inside, 1 after, in the index's order. */
function positionOf(index: SecondaryIndex, bounds: RangeBounds, entry: IndexEntry): number {
  for (let i = 0; i < bounds.length; i++) {
    const { point, constraint } = bounds[i];
    const value = entry.values[i];
    const position = constraint.range
      ? rangePosition(constraint.range, value)
      : compareValues(value, point);
    if (position !== 0) return position * index.directions[i];
  }
  return 0;
}

/** Where one range starts and ends in the index. */
function locate(
  index: SecondaryIndex,
  bounds: RangeBounds,
): { start: ListPosition; end: ListPosition } {
  return {
    start: index.lowerBound((entry) => positionOf(index, bounds, entry) < 0),
    end: index.lowerBound((entry) => positionOf(index, bounds, entry) <= 0),
  };
}

/** The entries of one range, walking the index forward (1) or backward (-1). */
function scanRange(
  index: SecondaryIndex,
  bounds: RangeBounds,
  direction: 1 | -1,
): Generator<IndexEntry> {
  const { start, end } = locate(index, bounds);
  return index.entriesBetween(start, end, direction);
}

/** How many entries the plan's ranges hold (before the constraints on later fields). */
export function countInRanges(plan: IndexScanPlan): number {
  let count = 0;
  for (const range of rangesOf(plan)) {
    const { start, end } = locate(plan.index, range);
    count += plan.index.countBetween(start, end);
  }
  return count;
}

function residualCheck(plan: IndexScanPlan): (entry: IndexEntry) => boolean {
  const { residual } = plan;
  return (entry) => {
    for (const [position, constraint] of residual) {
      if (!satisfies(constraint, entry.values[position])) return false;
    }
    return true;
  };
}

/**
 * Every entry in the plan's ranges that passes the constraints on the other index fields,
 * in natural order (by sequence number). Each document appears once: the index is not
 * multikey, so a document has one entry, and the ranges are disjoint.
 */
export function scanInNaturalOrder(plan: IndexScanPlan): IndexEntry[] {
  const keep = plan.residual.length > 0 ? residualCheck(plan) : undefined;
  const entries: IndexEntry[] = [];
  for (const range of rangesOf(plan)) {
    const { start, end } = locate(plan.index, range);
    for (const entry of plan.index.sliceBetween(start, end)) {
      if (keep === undefined || keep(entry)) entries.push(entry);
    }
  }
  return sortBySequence(entries);
}

/** Up to this many entries, {@link sortBySequence} packs an entry's position beside its sequence number. */
const PACKED_ENTRIES = 2 ** 21;
const PACKED_SEQUENCE = 2 ** 31;

/**
 * Entries in sequence-number order. A typed-array sort of `seq * 2^21 + position` (exact
 * in a double) is several times faster than sorting the objects with a comparator.
 */
function sortBySequence(entries: IndexEntry[]): IndexEntry[] {
  const n = entries.length;
  if (n < 32 || n >= PACKED_ENTRIES) return entries.sort((a, b) => a.seq - b.seq);
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { seq } = entries[i];
    if (seq >= PACKED_SEQUENCE) return entries.sort((a, b) => a.seq - b.seq);
    packed[i] = seq * PACKED_ENTRIES + i;
  }
  packed.sort();
  const out = new Array<IndexEntry>(n);
  for (let i = 0; i < n; i++) out[i] = entries[packed[i] % PACKED_ENTRIES];
  return out;
}

function sortOrder(order: IndexOrder): (a: IndexEntry, b: IndexEntry) => number {
  const { keyPositions, keyDirections } = order;
  return (a, b) => {
    for (let i = 0; i < keyPositions.length; i++) {
      const position = keyPositions[i];
      const byValue = compareValues(a.values[position], b.values[position]);
      if (byValue !== 0) return byValue * keyDirections[i];
    }
    return a.seq - b.seq;
  };
}

/** Reorders each run of entries with equal sort keys by sequence number. */
function* regrouped(entries: Iterable<IndexEntry>, order: IndexOrder): Generator<IndexEntry> {
  const sameKey = (a: IndexEntry, b: IndexEntry): boolean =>
    order.keyPositions.every(
      (position) => compareValues(a.values[position], b.values[position]) === 0,
    );
  let run: IndexEntry[] = [];
  for (const entry of entries) {
    if (run.length > 0 && !sameKey(run[0], entry)) {
      yield* run.sort((a, b) => a.seq - b.seq);
      run = [];
    }
    run.push(entry);
  }
  yield* run.sort((a, b) => a.seq - b.seq);
}

/** Merges streams each sorted by `compare` into one sorted stream. */
export function* merged<T>(
  streams: Array<Iterator<T>>,
  compare: (a: T, b: T) => number,
): Generator<T> {
  const next = (i: number): T | undefined => {
    const result = streams[i].next();
    return result.done ? undefined : result.value;
  };
  const heads = streams.map((_, i) => next(i));
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head !== undefined && (best < 0 || compare(head, heads[best]!) < 0)) best = i;
    }
    if (best < 0) return;
    yield heads[best]!;
    heads[best] = next(best);
  }
}

/**
 * The plan's entries (residual constraints applied) in sort order, ties in natural order:
 * the order a stable sort of the matching documents in natural order would give. Lazy, so
 * that a query with a limit reads only the start of the index.
 */
export function* scanInSortOrder(plan: IndexScanPlan, order: IndexOrder): Generator<IndexEntry> {
  const keep = residualCheck(plan);
  const compare = sortOrder(order);
  const seeking = order.direction === 1 && plan.residual.length > 0;
  const streams = rangesOf(plan).map((range) => {
    const entries = seeking
      ? seekingScan(plan, range)
      : scanRange(plan.index, range, order.direction);
    return order.regroup ? regrouped(entries, order) : entries;
  });
  const all = streams.length === 1 ? streams[0] : merged(streams, compare);
  for (const entry of all) if (keep(entry)) yield entry;
}

/** Consecutive entries failing a residual constraint before the walk seeks past their run. */
const SEEK_AFTER = 16;

/**
 * The entries of one range that pass the plan's residual constraints, walking forward. Like
 * mongod's index bounds checker, it skips runs of entries that cannot pass: after a few
 * entries in a row fail a constraint on a later field, it seeks to the first entry with the
 * same leading values whose value there may pass, or past those leading values when theirs
 * lie beyond the constraint. A residual constraint after an unbounded field (Agenda's
 * `lockedAt` after `nextRunAt`) then costs a seek per run of equal leading values, not a
 * look at every entry.
 */
function* seekingScan(plan: IndexScanPlan, bounds: RangeBounds): Generator<IndexEntry> {
  const { index } = plan;
  const { start, end } = locate(index, bounds);
  let from = start;
  for (;;) {
    let seek: ListPosition | undefined;
    let failures = 0;
    for (const entry of index.entriesBetween(from, end, 1)) {
      const failed = plan.residual.find(
        ([position, constraint]) => !satisfies(constraint, entry.values[position]),
      );
      if (failed === undefined) {
        failures = 0;
        yield entry;
        continue;
      }
      if (++failures < SEEK_AFTER) continue;
      seek = seekPast(index, entry, failed[0], failed[1]);
      if (seek !== undefined) break;
    }
    if (seek === undefined) return;
    from = seek;
  }
}

/**
 * Where the entries after `entry` that may satisfy `constraint` on field `position` begin:
 * among those sharing its values before `position`, the first whose value there is not
 * before the constraint (in index order), or the first entry past them. Undefined when the
 * constraint's values do not form one interval (several points).
 */
function seekPast(
  index: SecondaryIndex,
  entry: IndexEntry,
  position: number,
  constraint: FieldConstraint,
): ListPosition | undefined {
  const relation = intervalRelation(constraint);
  if (relation === undefined) return undefined;
  const direction = index.directions[position];
  const prefixOrder = (other: IndexEntry): number => {
    for (let i = 0; i < position; i++) {
      const order = compareValues(other.values[i], entry.values[i]);
      if (order !== 0) return order * index.directions[i];
    }
    return 0;
  };
  if (relation(entry.values[position]) * direction < 0) {
    return index.lowerBound((other) => {
      const order = prefixOrder(other);
      return order < 0 || (order === 0 && relation(other.values[position]) * direction < 0);
    });
  }
  return index.lowerBound((other) => prefixOrder(other) <= 0);
}

/** Where a value lies relative to a constraint that is one interval: -1 before, 0 in, 1 after. */
function intervalRelation(constraint: FieldConstraint): ((value: unknown) => number) | undefined {
  const { points, range } = constraint;
  if (points) {
    if (points.length !== 1) return undefined;
    return (value) => Math.sign(compareValues(value, points[0]));
  }
  return range ? (value) => rangePosition(range, value) : undefined;
}
