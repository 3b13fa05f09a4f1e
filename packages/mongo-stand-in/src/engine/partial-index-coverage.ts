import { bsonTypeOf, isPlainDocument, typeRank } from './bson-value';
import { canonicalKey } from './canonical-key';
import { setPathValue } from './document-path';
import type { FieldConstraint } from './filter-constraints';
import { isArray } from './intrinsics';
import { compileFilter } from './query-matcher';

type Document = Record<string, unknown>;

/**
 * Operators whose outcome on a field depends only on a value up to BSON equality: when a
 * document holds a value equal to `v` at the path, the operator holds on the document if
 * it holds on `{ path: v }`, arrays or not.
 */
const VALUE_OPERATORS = new Set(['$eq', '$gt', '$gte', '$lt', '$lte', '$in', '$exists', '$type']);

/**
 * `$type` sees the representation, not the value: `1` equals `Long(1)`. It is implied only
 * for types alone in their comparison rank. Strings count as alone: symbols share their
 * rank, but the wire decoder promotes them to strings (promoteValues), so none is stored.
 */
function typeImplied(value: unknown, spec: unknown): boolean {
  const rank = typeRank(value);
  if (rank === 3) return spec === 'number' || (isArray(spec) && spec.includes('number'));
  return rank !== 2;
}

function operatorImplied(operator: string, operand: unknown, value: unknown): boolean {
  if (!VALUE_OPERATORS.has(operator)) return false;
  if (operator === '$exists') return Boolean(operand);
  if (operator === '$type') return typeImplied(value, operand);
  return true;
}

/** Whether `{ path: condition }` holds on every document where the path equals one of `points`. */
function impliedByPoints(path: string, condition: unknown, points: readonly unknown[]): boolean {
  if (points.length === 0) return true;
  // null also matches a missing field, where no partial condition but `$exists: false` holds.
  if (points.some((point) => typeRank(point) === 2)) return false;
  if (isPlainDocument(condition)) {
    for (const operator of Object.keys(condition)) {
      if (!operator.startsWith('$')) continue;
      if (!points.every((point) => operatorImplied(operator, condition[operator], point)))
        return false;
    }
  } else if (bsonTypeOf(condition) === 'regex') {
    return false;
  }
  const matcher = compileFilter({ [path]: condition });
  return points.every((point) => {
    const probe: Document = {};
    setPathValue(probe, path, point);
    return matcher(probe);
  });
}

function topLevelConditions(filter: Document, out: Map<string, string[]>): void {
  for (const key of Object.keys(filter)) {
    const condition = filter[key];
    if (key === '$and' && isArray(condition)) {
      for (const clause of condition) if (isPlainDocument(clause)) topLevelConditions(clause, out);
    } else if (!key.startsWith('$')) {
      out.set(key, [...(out.get(key) ?? []), canonicalKey(condition)]);
    }
  }
}

/**
 * True when every document matching `filter` passes a partial index's
 * `partialFilterExpression`, so the index holds all the candidates. Conservative: each
 * top-level condition of the partial filter must appear as is in the query, or follow from
 * the query's equality/`$in` values on that field.
 */
export function partialFilterCovered(
  partialFilter: Readonly<Document>,
  filter: Document,
  constraints: ReadonlyMap<string, FieldConstraint>,
): boolean {
  const conditions = new Map<string, string[]>();
  topLevelConditions(filter, conditions);
  const check = (partial: Readonly<Document>): boolean =>
    Object.keys(partial).every((path) => {
      const condition = partial[path];
      if (path === '$and') {
        return (
          isArray(condition) &&
          condition.every((clause) => isPlainDocument(clause) && check(clause))
        );
      }
      if (path.startsWith('$')) return false;
      if (conditions.get(path)?.includes(canonicalKey(condition))) return true;
      const points = constraints.get(path)?.points;
      try {
        return points !== undefined && impliedByPoints(path, condition, points);
      } catch {
        return false; // a partial filter the matcher cannot evaluate on its own
      }
    });
  return check(partialFilter);
}
