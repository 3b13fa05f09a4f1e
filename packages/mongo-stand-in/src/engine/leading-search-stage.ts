import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import type { CollectionState } from './collection-state';
import { findMatches } from './find-matches';
import { runGeoNear } from './geo/geo-near-stage';
import { splitTextClause } from './text-search/text-clause';
import { readTextScore, TEXT_SCORE_FIELD } from './text-search/text-score-meta';

type Document = Record<string, unknown>;

/** The documents a pipeline starts from after its leading search stage, and the stages left. */
export interface SearchedPipeline {
  readonly source: Document[];
  readonly body: Document[];
}

const hasText = (stage: Document): boolean =>
  isPlainDocument(stage.$match) && splitTextClause(stage.$match) !== undefined;

function refuseMisplacedSearch(pipeline: readonly Document[]): void {
  pipeline.forEach((stage, i) => {
    if (i === 0) return;
    if ('$geoNear' in stage) {
      throw new CommandFailure(
        40603,
        'Location40603',
        '$geoNear was not the first stage in the pipeline.',
      );
    }
    if (hasText(stage)) {
      throw new CommandFailure(
        17313,
        'Location17313',
        '$match with $text is only allowed as the first pipeline stage',
      );
    }
  });
}

/**
 * Runs a pipeline's leading `$geoNear`, or its leading `$match` with `$text`, which mingo
 * cannot: they need the collection's indexes. The stages after it read a text score
 * (`{ $meta: 'textScore' }` in `$project`, `$addFields`, `$sort`...) from the field the
 * matches carry it in, which a last stage removes. Undefined when the pipeline starts with
 * neither.
 * @throws CommandFailure 40603 / 17313 when such a stage is not the first one.
 */
export function runLeadingSearch(
  collection: CollectionState | undefined,
  pipeline: readonly Document[],
): SearchedPipeline | undefined {
  refuseMisplacedSearch(pipeline);
  const [first, ...rest] = pipeline;
  if (first === undefined) return undefined;
  if ('$geoNear' in first) {
    if (!collection) return { source: [], body: rest };
    const find = (filter: Document) => findMatches(collection, filter, 0);
    return { source: runGeoNear(first.$geoNear, collection.indexSpecs(), find), body: rest };
  }
  if (!hasText(first)) return undefined;
  const source = collection ? findMatches(collection, first.$match as Document, 0, [], true) : [];
  const body = rest.map((stage) =>
    isPlainDocument(stage.$sort)
      ? { ...stage, $sort: readTextScore(stage.$sort, true) }
      : (readTextScore(stage) as Document),
  );
  return { source, body: [...body, { $unset: TEXT_SCORE_FIELD }] };
}
