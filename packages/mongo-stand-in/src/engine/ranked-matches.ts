import type { CollectionState } from './collection-state';
import { measureOn, nearestShape, splitNearClause, withinDistances } from './geo/near-query';
import type { NearClause } from './geo/near-query';
import { sortDocuments, type SortSpec } from './sort-documents';
import { requirePrefixEquality, splitTextClause, textIndexOf } from './text-search/text-clause';
import { compileTextQuery, type TextScorer } from './text-search/text-query';
import { TEXT_SCORE_FIELD } from './text-search/text-score-meta';

type Document = Record<string, unknown>;

/**
 * A query whose matches are found, then ranked by the server: a `$text` search (each match
 * scored) or a `$near`/`$nearSphere` (matches nearest first), with the rest of its filter.
 */
export interface RankedQuery {
  readonly score?: TextScorer;
  readonly near?: NearClause;
  /** The filter without its `$text` and `$near` clauses: what selects the candidates. */
  readonly rest: Document;
}

/**
 * The ranked part of a filter, or undefined for a plain filter.
 * @throws CommandFailure 27 for `$text` without a text index, 291 for a compound text index
 *   whose leading fields the filter leaves open, or a near query without a geo index that
 *   fits it.
 */
export function rankedQueryOf(
  collection: CollectionState,
  filter: Document,
): RankedQuery | undefined {
  const text = splitTextClause(filter);
  const afterText = text?.rest ?? filter;
  const near = splitNearClause(afterText);
  if (!text && !near) return undefined;
  const specs = collection.indexSpecs();
  const textIndex = text && textIndexOf(specs);
  if (textIndex) requirePrefixEquality(textIndex, text.rest);
  return {
    score: textIndex && compileTextQuery(text.operand, textIndex),
    near: near && { ...near, ...measureOn(specs, near.path, near) },
    rest: near?.rest ?? afterText,
  };
}

/**
 * Ranks the candidates of a ranked query (the documents matching its `rest`): drops those a
 * `$text` search scores 0 or a near query finds out of range, orders near matches nearest
 * first, then by `sort` if any (where `TEXT_SCORE_FIELD` sorts by score), and keeps
 * `limit` (0 = all). With `keepScores`, text matches come back as copies carrying their
 * score in `TEXT_SCORE_FIELD`; otherwise they are the candidates themselves.
 */
export function rankMatches(
  query: RankedQuery,
  candidates: readonly Document[],
  limit: number,
  sort: SortSpec | undefined,
  keepScores: boolean,
): Document[] {
  const { score, near } = query;
  const ranked: Array<{ document: Document; score?: number; distance: number }> = [];
  for (const document of candidates) {
    const textScore = score?.(document);
    if (textScore === 0) continue;
    const nearest = near && nearestShape(document, near.path, near);
    if (near && !(nearest && withinDistances(nearest.distance, near))) continue;
    ranked.push({ document, score: textScore, distance: nearest?.distance ?? 0 });
  }
  if (near) ranked.sort((a, b) => a.distance - b.distance);
  const originals = new Map<Document, Document>();
  let ordered = ranked.map(({ document, score: textScore }) => {
    if (textScore === undefined) return document;
    const scored = { ...document, [TEXT_SCORE_FIELD]: textScore };
    originals.set(scored, document);
    return scored;
  });
  if (sort !== undefined && sort.length > 0) ordered = sortDocuments(ordered, sort);
  if (limit > 0) ordered = ordered.slice(0, limit);
  return keepScores ? ordered : ordered.map((document) => originals.get(document) ?? document);
}
