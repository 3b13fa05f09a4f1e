import { canonicalKey } from './canonical-key';
import type { CollectionState } from './collection-state';
import { merged, scanInNaturalOrder, scanInSortOrder } from './index-scan';
import { rankedQueryOf, rankMatches } from './ranked-matches';
import { planQuery, type IdLookupPlan, type QueryPlan, type SortedOrPlan } from './query-planner';
import { compileFilter, type DocumentMatcher } from './query-matcher';
import { documentOrder, topDocuments, type SortSpec } from './sort-documents';

type Document = Record<string, unknown>;

/** The documents an `_id` lookup plan finds, once each, in natural order. */
function lookUpIds(collection: CollectionState, plan: IdLookupPlan): Document[] {
  const found = new Map<string, Document>();
  for (const value of plan.values) {
    const idKey = canonicalKey(value);
    const document = collection.get(idKey);
    if (document) found.set(idKey, document);
  }
  const idKeys = [...found.keys()];
  if (idKeys.length > 1) {
    idKeys.sort((a, b) => collection.sequenceOf(a) - collection.sequenceOf(b));
  }
  return idKeys.map((idKey) => found.get(idKey)!);
}

/**
 * The documents a plan may match (a superset of the matches), in natural order, or
 * undefined for a collection scan. Read-only.
 */
function candidatesOf(collection: CollectionState, plan: QueryPlan): Document[] | undefined {
  if (plan.kind === 'collscan') return undefined;
  if (plan.kind === 'ids') return lookUpIds(collection, plan);
  if (plan.kind === 'or' || plan.kind === 'sorted-or') {
    // The union of the clauses' candidates, each once, in natural order.
    const ids = new Set<string>();
    for (const clause of plan.clauses) {
      for (const document of candidatesOf(collection, clause)!) ids.add(canonicalKey(document._id));
    }
    return [...ids]
      .sort((a, b) => collection.sequenceOf(a) - collection.sequenceOf(b))
      .map((idKey) => collection.get(idKey)!);
  }
  return scanInNaturalOrder(plan).map((entry) => collection.get(entry.id)!);
}

/**
 * The documents of a sorted `$or` plan's clauses, merged in sort order, ties in natural
 * order (what a stable sort gives), each once (a document may lie in several clauses).
 */
function* mergedClauses(
  collection: CollectionState,
  plan: SortedOrPlan,
  sort: SortSpec,
): Generator<Document> {
  const bySort = documentOrder<Document>(sort);
  const compare = (a: Document, b: Document): number =>
    bySort(a, b) ||
    collection.sequenceOf(canonicalKey(a._id)) - collection.sequenceOf(canonicalKey(b._id));
  const streams = plan.clauses.map(function* (clause) {
    for (const entry of scanInSortOrder(clause, clause.order!)) yield collection.get(entry.id)!;
  });
  const seen = new Set<Document>();
  for (const document of merged(streams, compare)) {
    if (seen.has(document)) continue;
    seen.add(document);
    yield document;
  }
}

function firstMatches(
  documents: Iterable<Document>,
  matcher: DocumentMatcher,
  limit: number,
): Document[] {
  const matches: Document[] = [];
  for (const document of documents) {
    if (!matcher(document)) continue;
    matches.push(document);
    if (limit > 0 && matches.length >= limit) break;
  }
  return matches;
}

function* filtered(documents: Iterable<Document>, matcher: DocumentMatcher): Generator<Document> {
  for (const document of documents) if (matcher(document)) yield document;
}

/**
 * Runs a plan: the documents matching `matcher`, by `sort` (ties in natural order) or in
 * natural order, stopping after `limit` (0 = all). An index whose order gives the sort is
 * read lazily, so a sorted query with a small limit reads only the start of its range.
 */
export function runPlan(
  collection: CollectionState,
  plan: QueryPlan,
  matcher: DocumentMatcher,
  limit: number,
  sort?: SortSpec,
): Document[] {
  const sorted = sort !== undefined && sort.length > 0;
  if (plan.kind === 'index' && plan.order && sorted) {
    const documents = (function* () {
      for (const entry of scanInSortOrder(plan, plan.order!)) yield collection.get(entry.id)!;
    })();
    return firstMatches(documents, matcher, limit);
  }
  if (plan.kind === 'sorted-or' && sorted) {
    return firstMatches(mergedClauses(collection, plan, sort), matcher, limit);
  }
  const candidates = candidatesOf(collection, plan) ?? collection.all();
  if (sorted) return topDocuments(filtered(candidates, matcher), sort, limit);
  return firstMatches(candidates, matcher, limit);
}

/**
 * The documents of a collection that match `query`, in natural order or by `sort` (a
 * stable sort: ties keep natural order), stopping after `limit` (0 = all). Candidates come
 * from the plan {@link planQuery} picks, and are all matched with the full filter, so the
 * result is the same whatever the plan. A `$text` or `$near` query is ranked (see
 * ranked-matches.ts); with `keepTextScores`, its text matches are copies carrying their
 * score for a sort or projection to read. Read-only.
 */
export function findMatches(
  collection: CollectionState | undefined,
  query: Document,
  limit: number,
  sort?: SortSpec,
  keepTextScores = false,
): Document[] {
  if (!collection) return [];
  const ranked = rankedQueryOf(collection, query);
  if (ranked) {
    const candidates = findMatches(collection, ranked.rest, 0);
    return rankMatches(ranked, candidates, limit, sort, keepTextScores);
  }
  const matcher = compileFilter(query);
  return runPlan(collection, planQuery(collection, query, sort), matcher, limit, sort);
}

/**
 * A superset of the documents matching `filter`, in natural order, when an index or the
 * `_id` map narrows them; undefined when only a collection scan would do. The caller
 * applies the filter itself (aggregate's leading `$match`). Read-only.
 */
export function indexedCandidates(
  collection: CollectionState,
  filter: Document,
): Document[] | undefined {
  return candidatesOf(collection, planQuery(collection, filter));
}
