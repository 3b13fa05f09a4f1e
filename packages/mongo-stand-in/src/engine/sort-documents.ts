import { CommandFailure } from '../command-types';
import { compareValues } from './bson-compare';
import { isNumeric, isPlainDocument, numericValue } from './bson-value';
import { sortPathValues } from './document-path';
import { isArray } from './intrinsics';
import { ownField } from './own-fields';
import { isTextScoreMeta, TEXT_SCORE_FIELD } from './text-search/text-score-meta';

/** A validated sort specification: dotted paths with their direction, in priority order. */
export type SortSpec = ReadonlyArray<readonly [path: string, direction: 1 | -1]>;

/** An empty array sorts before null and missing values (MongoDB 3.6+). */
const EMPTY_ARRAY = Symbol('empty array');

const badSort = (): CommandFailure =>
  new CommandFailure(
    2,
    'BadValue',
    '$sort key ordering must be 1 (for ascending) or -1 (for descending)',
  );

/**
 * Validates a sort document (`{ a: 1, 'b.c': -1 }`). `{ $meta: 'textScore' }` sorts by a
 * `$text` query's score, best first; anything else but ±1 per field is refused with BadValue.
 */
export function parseSortSpec(spec: unknown): SortSpec {
  if (spec === undefined || spec === null) return [];
  if (!isPlainDocument(spec)) throw new CommandFailure(2, 'BadValue', 'sort must be an object');
  return Object.keys(spec).map((path) => {
    const direction = spec[path];
    if (isTextScoreMeta(direction)) return [TEXT_SCORE_FIELD, -1] as const;
    if (!isNumeric(direction)) throw badSort();
    const value = Number(numericValue(direction));
    if (value !== 1 && value !== -1) throw badSort();
    return [path, value] as const;
  });
}

function compareKeys(a: unknown, b: unknown): number {
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) {
    if (a === b) return 0;
    const other = a === EMPTY_ARRAY ? b : a;
    const emptyFirst = compareValues(other, null) >= 0 || other === undefined ? -1 : 1;
    return a === EMPTY_ARRAY ? emptyFirst : -emptyFirst;
  }
  return compareValues(a, b);
}

function sortKey(document: unknown, path: string, direction: 1 | -1): unknown {
  if (!path.includes('.') && isPlainDocument(document)) {
    const value = ownField(document, path);
    if (!isArray(value)) return value; // the common case: no traversal, no allocation
  }
  let best: unknown = undefined;
  let first = true;
  for (const raw of sortPathValues(document, path)) {
    const value = isArray(raw) && raw.length === 0 ? EMPTY_ARRAY : raw;
    if (first || compareKeys(value, best) * direction < 0) best = value;
    first = false;
  }
  return best;
}

/**
 * Sorts documents the way MongoDB does: arrays sort by their smallest element ascending
 * and their largest descending, missing fields sort as null, values of different types by
 * canonical type order. The sort is stable, so ties keep the input (natural) order.
 */
export function sortDocuments<T>(documents: readonly T[], spec: SortSpec): T[] {
  if (spec.length === 0) return documents.slice();
  const decorated = documents.map((document) => decorate(document, spec));
  decorated.sort((x, y) => compareDecorated(x, y, spec));
  return decorated.map((entry) => entry.document);
}

/** Up to this many results, {@link topDocuments} selects in one pass instead of sorting. */
const SELECTION_LIMIT = 16;

/**
 * The first `limit` documents of {@link sortDocuments}' order. For small limits (a claim
 * takes one) it selects in a single pass, O(n·limit), instead of sorting every match.
 */
export function topDocuments<T>(documents: Iterable<T>, spec: SortSpec, limit: number): T[] {
  if (limit <= 0 || limit > SELECTION_LIMIT) {
    const sorted = sortDocuments([...documents], spec);
    return limit > 0 ? sorted.slice(0, limit) : sorted;
  }
  const best: Array<Decorated<T>> = [];
  for (const document of documents) {
    const entry = decorate(document, spec);
    if (best.length === limit && compareDecorated(entry, best[limit - 1], spec) >= 0) continue;
    let at = best.length;
    while (at > 0 && compareDecorated(entry, best[at - 1], spec) < 0) at--;
    best.splice(at, 0, entry);
    if (best.length > limit) best.pop();
  }
  return best.map((entry) => entry.document);
}

interface Decorated<T> {
  readonly document: T;
  readonly keys: unknown[];
}

function decorate<T>(document: T, spec: SortSpec): Decorated<T> {
  return { document, keys: spec.map(([path, direction]) => sortKey(document, path, direction)) };
}

function compareDecorated<T>(x: Decorated<T>, y: Decorated<T>, spec: SortSpec): number {
  for (let i = 0; i < spec.length; i++) {
    const order = compareKeys(x.keys[i], y.keys[i]);
    if (order !== 0) return order * spec[i][1];
  }
  return 0;
}

/** Compares two documents as {@link sortDocuments} orders them (0 for equal sort keys). */
export function documentOrder<T>(spec: SortSpec): (a: T, b: T) => number {
  return (a, b) => compareDecorated(decorate(a, spec), decorate(b, spec), spec);
}
