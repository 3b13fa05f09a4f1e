import { Aggregator } from 'mingo/aggregator';
import type { CollectionResolver } from 'mingo/types/types';
import { mingoOptions } from './mingo-context';
import { translateMingoError } from './mingo-errors';
import { escapeDocument, escapeStage, unescapeDocument } from './mingo-field-escape';

type Document = Record<string, unknown>;

/**
 * Runs an aggregation pipeline over documents with the stand-in's BSON-aware mingo context.
 * `resolveCollection` serves `$lookup`, `$graphLookup` and `$unionWith`. Inputs are cloned by
 * mingo (CLONE_INPUT), so stored documents are never mutated. Fields named like
 * `Object.prototype`'s properties are escaped on the way in and out (see
 * mingo-field-escape.ts).
 */
export function runPipeline(
  documents: Document[],
  pipeline: readonly Document[],
  resolveCollection?: CollectionResolver,
): Document[] {
  const resolveEscaped: CollectionResolver | undefined =
    resolveCollection && ((name) => resolveCollection(name).map(escapeDocument));
  try {
    return new Aggregator(pipeline.map(escapeStage), mingoOptions(resolveEscaped))
      .run<Document>(documents.map(escapeDocument))
      .map(unescapeDocument);
  } catch (error) {
    throw translateMingoError(error);
  }
}
