import { compareValues } from './bson-compare';
import { bsonTypeOf, isPlainDocument, typeRank } from './bson-value';
import { isArray } from './intrinsics';

type Document = Record<string, unknown>;

/** One end of a range: the operand and whether it is included. */
export interface RangeEnd {
  readonly value: unknown;
  readonly inclusive: boolean;
}

/**
 * The values `$gt/$gte/$lt/$lte` let through: those of the operand's canonical type (its
 * comparison rank, as MongoDB's type bracketing says) between the ends. Contiguous in BSON
 * order, so one index range holds them.
 */
export interface ValueRange {
  readonly rank: number;
  readonly low?: RangeEnd;
  readonly high?: RangeEnd;
}

/**
 * What a filter implies about one field, as a superset of the values a matching document
 * can hold there when the field holds no array: `points` (equality, `$in`; ascending, no
 * two equal; empty when nothing can match) or else a `range`.
 */
export interface FieldConstraint {
  readonly points?: readonly unknown[];
  readonly range?: ValueRange;
}

const RANGE_OPERATORS: Readonly<Record<string, (value: unknown) => Partial<ValueRange>>> = {
  $gt: (value) => ({ low: { value, inclusive: false } }),
  $gte: (value) => ({ low: { value, inclusive: true } }),
  $lt: (value) => ({ high: { value, inclusive: false } }),
  $lte: (value) => ({ high: { value, inclusive: true } }),
};

/**
 * A value an index can look up by equality: not an array (matches elements too), not a
 * regex (matches patterns), not undefined. null stays: it matches null and missing fields,
 * which an index keys as null.
 */
function isPointValue(value: unknown): boolean {
  const type = bsonTypeOf(value);
  return type !== 'array' && type !== 'regex' && type !== 'undefined';
}

/**
 * An operand whose range is type-bracketed: null (`$lte: null` means "null or missing"),
 * MinKey/MaxKey (they compare across types), arrays, regexes and documents stay out.
 */
function isRangeOperand(value: unknown): boolean {
  switch (bsonTypeOf(value)) {
    case 'undefined':
    case 'null':
    case 'minKey':
    case 'maxKey':
    case 'array':
    case 'regex':
    case 'object':
      return false;
    default:
      return true;
  }
}

/** -1, 0 or 1: where `value` sits relative to a range, in ascending BSON order. */
export function rangePosition(range: ValueRange, value: unknown): -1 | 0 | 1 {
  const rank = typeRank(value);
  if (rank !== range.rank) return rank < range.rank ? -1 : 1;
  if (range.low) {
    const order = compareValues(value, range.low.value);
    if (order < 0 || (order === 0 && !range.low.inclusive)) return -1;
  }
  if (range.high) {
    const order = compareValues(value, range.high.value);
    if (order > 0 || (order === 0 && !range.high.inclusive)) return 1;
  }
  return 0;
}

/** True when an index value satisfies a constraint. */
export function satisfies(constraint: FieldConstraint, value: unknown): boolean {
  if (constraint.points)
    return constraint.points.some((point) => compareValues(value, point) === 0);
  return constraint.range === undefined || rangePosition(constraint.range, value) === 0;
}

function sortedPoints(values: readonly unknown[]): unknown[] {
  const sorted = [...values].sort(compareValues);
  return sorted.filter((value, i) => i === 0 || compareValues(sorted[i - 1], value) !== 0);
}

function tighter(
  a: RangeEnd | undefined,
  b: RangeEnd | undefined,
  side: 1 | -1,
): RangeEnd | undefined {
  if (!a) return b;
  if (!b) return a;
  const order = compareValues(a.value, b.value) * side;
  if (order !== 0) return order > 0 ? a : b;
  return a.inclusive ? b : a;
}

function intersect(a: FieldConstraint, b: FieldConstraint): FieldConstraint {
  if (a.points && b.points) {
    return { points: a.points.filter((point) => satisfies(b, point)) };
  }
  if (a.points || b.points) {
    const points = (a.points ?? b.points)!;
    const other = a.points ? b : a;
    return { points: points.filter((point) => satisfies(other, point)) };
  }
  if (!a.range || !b.range) return a.range ? a : b;
  // Different type brackets: no single (non-array) value satisfies both.
  if (a.range.rank !== b.range.rank) return { points: [] };
  return {
    range: {
      rank: a.range.rank,
      low: tighter(a.range.low, b.range.low, 1),
      high: tighter(a.range.high, b.range.high, -1),
    },
  };
}

function operatorConstraint(operator: string, operand: unknown): FieldConstraint | undefined {
  if (operator === '$eq') return isPointValue(operand) ? { points: [operand] } : undefined;
  if (operator === '$in') {
    if (!isArray(operand) || !operand.every(isPointValue)) return undefined;
    return { points: sortedPoints(operand) };
  }
  const range = RANGE_OPERATORS[operator];
  if (!range || !isRangeOperand(operand)) return undefined;
  return { range: { rank: typeRank(operand), ...range(operand) } };
}

/** The constraint one field condition implies, or undefined when it implies none we use. */
function conditionConstraint(condition: unknown): FieldConstraint | undefined {
  if (!isPlainDocument(condition)) {
    return isPointValue(condition) ? { points: [condition] } : undefined;
  }
  const operators = Object.keys(condition);
  const dollar = operators.filter((key) => key.startsWith('$')).length;
  if (dollar === 0) return { points: [condition] }; // equality to an embedded document
  if (dollar !== operators.length) return undefined; // mixed: invalid, let the matcher say so
  let constraint: FieldConstraint | undefined;
  for (const operator of operators) {
    // Operators not understood here ($ne, $exists, $elemMatch...) only narrow further.
    const next = operatorConstraint(operator, condition[operator]);
    if (next) constraint = constraint ? intersect(constraint, next) : next;
  }
  return constraint;
}

function collectInto(filter: Document, out: Map<string, FieldConstraint>): void {
  for (const key of Object.keys(filter)) {
    const condition = filter[key];
    if (key === '$and') {
      if (isArray(condition)) {
        for (const clause of condition) if (isPlainDocument(clause)) collectInto(clause, out);
      }
      continue;
    }
    if (key.startsWith('$') || key === '') continue; // $or, $nor, $expr... imply nothing here
    const constraint = conditionConstraint(condition);
    if (!constraint) continue;
    const existing = out.get(key);
    out.set(key, existing ? intersect(existing, constraint) : constraint);
  }
}

/**
 * Per field path, what a filter implies about the field's value: the conjunction of its
 * top-level field conditions (and of `$and` clauses). Never throws, whatever the filter:
 * anything it does not understand implies nothing, since candidates are always re-checked
 * with the full filter. Only valid for documents whose fields hold no arrays.
 */
export function filterConstraints(filter: Document): Map<string, FieldConstraint> {
  const out = new Map<string, FieldConstraint>();
  collectInto(filter, out);
  return out;
}

/** True when a constraint admits no null (so every matching document has the field). */
export function excludesNull(constraint: FieldConstraint): boolean {
  if (constraint.points) return constraint.points.every((point) => typeRank(point) !== 2);
  return constraint.range !== undefined;
}
