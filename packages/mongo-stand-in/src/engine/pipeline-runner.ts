import { Aggregator } from 'mingo/aggregator';
import type { CollectionResolver } from 'mingo/types/types';
import { mingoOptions } from './mingo-context';
import { translateMingoError } from './mingo-errors';

type Document = Record<string, unknown>;

/**
 * Runs an aggregation pipeline over documents with the stand-in's BSON-aware mingo context.
 * `resolveCollection` serves `$lookup`, `$graphLookup` and `$unionWith`. Inputs are cloned by
 * mingo (CLONE_INPUT), so stored documents are never mutated.
 */
export function runPipeline(
  documents: Document[],
  pipeline: Document[],
  resolveCollection?: CollectionResolver,
): Document[] {
  try {
    return new Aggregator(pipeline, mingoOptions(resolveCollection)).run<Document>(documents);
  } catch (error) {
    throw translateMingoError(error);
  }
}
