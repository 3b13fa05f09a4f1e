import { Aggregator } from 'mingo/aggregator';
import type { CollectionResolver } from 'mingo/types/types';
import { mingoOptions } from './mingo-context';
import { translateMingoError } from './mingo-errors';
import { escapeDocument, escapeStage, unescapeDocument } from './mingo-field-escape';
import { withPlainNumbers } from './plain-numbers';

type Document = Record<string, unknown>;

/** A pipeline compiled once, to run over several inputs (see {@link compilePipeline}). */
export type CompiledPipeline = (documents: Document[]) => Document[];

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
  return compilePipeline(pipeline, resolveCollection)(documents);
}

/**
 * A pipeline ready to run over many inputs within one command (an update pipeline applied
 * to each document an `updateMany` matches): its stages are escaped and its options built
 * once. It reads the command's `let` variables as they were when it was compiled.
 */
export function compilePipeline(
  pipeline: readonly Document[],
  resolveCollection?: CollectionResolver,
): CompiledPipeline {
  const resolveEscaped: CollectionResolver | undefined =
    resolveCollection && ((name) => resolveCollection(name).map(pipelineInput));
  let aggregator: Aggregator;
  try {
    aggregator = new Aggregator(pipeline.map(escapeStage), mingoOptions(resolveEscaped));
  } catch (error) {
    throw translateMingoError(error);
  }
  return (documents) => {
    try {
      return aggregator.run<Document>(documents.map(pipelineInput)).map(unescapeDocument);
    } catch (error) {
      throw translateMingoError(error);
    }
  };
}

/** A document as a pipeline reads it: names escaped, numbers plain (see plain-numbers.ts). */
function pipelineInput(document: Document): Document {
  return escapeDocument(withPlainNumbers(document));
}
