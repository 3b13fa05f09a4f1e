import { CommandFailure } from '../command-types';
import { cloneDocument, cloneDocumentIdFirst } from './bson-clone';
import { bindNow, commandNow, commandVariables } from './command-time';
import { valuesEqual } from './bson-compare';
import { isPlainDocument } from './bson-value';
import { getPathValue, setPathValue } from './document-path';
import { compilePipeline, type CompiledPipeline } from './pipeline-runner';
import { compileSetPipeline, type SetPipeline } from './set-pipeline';
import { compileFilter, type DocumentMatcher } from './query-matcher';
import { parseArrayFilters } from './array-filters';
import { UPDATE_OPERATORS } from './update-operators';
import {
  copyingOnWrite,
  expandUpdatePath,
  filterIdentifier,
  locate,
  readField,
  type PositionalResolver,
} from './update-path';
import { formatValue } from './value-format';
import { isArray } from './intrinsics';

type Document = Record<string, unknown>;

/** One `{ path: argument }` entry of an operator-style update. */
interface UpdateEntry {
  readonly operator: string;
  readonly path: string;
  readonly parts: readonly string[];
  readonly argument: unknown;
}

/** An update statement's `u`, validated once and applicable to any number of documents. */
export type ParsedUpdate =
  | {
      readonly kind: 'operators';
      readonly entries: readonly UpdateEntry[];
      readonly arrayFilters: ReadonlyMap<string, DocumentMatcher>;
    }
  | { readonly kind: 'replacement'; readonly replacement: Document }
  | { readonly kind: 'pipeline'; readonly pipeline: readonly Document[] };

const PIPELINE_STAGES = new Set([
  '$addFields',
  '$set',
  '$project',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
]);
const KNOWN_OPERATORS = new Set([...Object.keys(UPDATE_OPERATORS), '$rename', '$setOnInsert']);

const failedToParse = (message: string): CommandFailure =>
  new CommandFailure(9, 'FailedToParse', message);

function parseOperatorEntries(update: Document): UpdateEntry[] {
  const entries: UpdateEntry[] = [];
  for (const [operator, fields] of Object.entries(update)) {
    if (!KNOWN_OPERATORS.has(operator)) {
      throw failedToParse(
        `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainDocument(fields)) {
      throw failedToParse(
        `Modifiers operate on fields but we found type ${formatValue(fields)} instead. For example: {$mod: {<field>: ...}} not {${operator}: ${formatValue(fields)}}`,
      );
    }
    for (const [path, argument] of Object.entries(fields)) {
      const parts = path.split('.');
      if (parts.some((part) => part === '')) {
        throw new CommandFailure(
          56,
          'EmptyFieldName',
          `An update path '${path}' contains an empty field name, which is not allowed.`,
        );
      }
      entries.push({ operator, path, parts, argument });
      if (operator === '$rename') {
        if (typeof argument !== 'string')
          throw new CommandFailure(
            2,
            'BadValue',
            `The 'to' field for $rename must be a string: ${path}: ${formatValue(argument)}`,
          );
        if (argument === path)
          throw new CommandFailure(
            2,
            'BadValue',
            `The source and target field for $rename must differ: ${path}: "${argument}"`,
          );
      }
    }
  }
  return entries;
}

function checkConflicts(entries: readonly UpdateEntry[]): void {
  const paths: Array<readonly string[]> = [];
  for (const entry of entries) {
    paths.push(entry.parts);
    if (entry.operator === '$rename') paths.push(String(entry.argument).split('.'));
  }
  for (let i = 0; i < paths.length; i++) {
    for (let j = 0; j < paths.length; j++) {
      if (i === j || paths[i].length > paths[j].length) continue;
      if (paths[i].every((part, k) => paths[j][k] === part)) {
        throw new CommandFailure(
          40,
          'ConflictingUpdateOperators',
          `Updating the path '${paths[j].join('.')}' would create a conflict at '${paths[i].join('.')}'`,
        );
      }
    }
  }
}

function checkArrayFilterUse(
  entries: readonly UpdateEntry[],
  filters: ReadonlyMap<string, unknown>,
  update: Document,
): void {
  const used = new Set<string>();
  for (const entry of entries) {
    for (const part of entry.parts) {
      const identifier = filterIdentifier(part);
      if (identifier === undefined) continue;
      if (!filters.has(identifier)) {
        throw new CommandFailure(
          2,
          'BadValue',
          `No array filter found for identifier '${identifier}' in path '${entry.path}'`,
        );
      }
      used.add(identifier);
    }
  }
  for (const identifier of filters.keys()) {
    if (!used.has(identifier)) {
      throw failedToParse(
        `The array filter for identifier '${identifier}' was not used in the update ${formatValue(update)}`,
      );
    }
  }
}

/**
 * Validates an update's `u` (operators, replacement or pipeline) and its `arrayFilters`,
 * with mongod's codes: 9 for unknown modifiers and unused array filters, 2 for `$` fields
 * in a replacement, 40 for conflicting paths, 72 for stages not allowed in an update.
 */
export function parseUpdate(update: unknown, arrayFilters: unknown): ParsedUpdate {
  if (isArray(update)) {
    for (const stage of update) {
      const name = isPlainDocument(stage) ? Object.keys(stage)[0] : undefined;
      if (!isPlainDocument(stage) || Object.keys(stage).length !== 1 || name === undefined) {
        throw failedToParse(
          'A pipeline stage specification object must contain exactly one field.',
        );
      }
      if (!PIPELINE_STAGES.has(name)) {
        throw new CommandFailure(
          72,
          'InvalidOptions',
          `${name} is not allowed to be used within an update`,
        );
      }
    }
    if (arrayFilters !== undefined)
      throw failedToParse('arrayFilters may not be specified for pipeline-style updates');
    return { kind: 'pipeline', pipeline: update as Document[] };
  }
  if (!isPlainDocument(update))
    throw failedToParse('Update argument must be either an object or an array');
  const keys = Object.keys(update);
  if (keys.length > 0 && keys[0].startsWith('$')) {
    const entries = parseOperatorEntries(update).sort((a, b) => comparePaths(a.parts, b.parts));
    const filters = parseArrayFilters(arrayFilters);
    checkConflicts(entries);
    checkArrayFilterUse(entries, filters, update);
    return { kind: 'operators', entries, arrayFilters: filters };
  }
  const dollar = keys.find((key) => key.startsWith('$'));
  if (dollar !== undefined) {
    throw new CommandFailure(
      2,
      'BadValue',
      `The dollar ($) prefixed field '${dollar}' in '${dollar}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
    );
  }
  if (arrayFilters !== undefined && isArray(arrayFilters) && arrayFilters.length > 0) {
    throw failedToParse('arrayFilters may not be specified for replacement-style updates');
  }
  return { kind: 'replacement', replacement: update };
}

/** mongod applies update fields in lexicographic order, numeric path parts numerically. */
function comparePaths(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const [x, y] = [Number(a[i]), Number(b[i])];
    if (/^\d+$/.test(a[i]) && /^\d+$/.test(b[i])) return x - y;
    return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

/** What an update is applied in the context of. */
export interface UpdateContext {
  /** The statement's query (for the positional `$`). */
  readonly query: Document;
  /** True when the document is being created by an upsert (`$setOnInsert` applies). */
  readonly upsertInsert: boolean;
}

function positionalResolver(
  original: Document,
  update: ParsedUpdate & { kind: 'operators' },
  context: UpdateContext,
): PositionalResolver {
  return {
    firstMatchIndex(arrayPath) {
      const array = getPathValue(original, arrayPath);
      const clauses = queryClauses(context.query).filter(
        ([key]) => key === arrayPath || key.startsWith(`${arrayPath}.`),
      );
      if (isArray(array) && clauses.length > 0) {
        const matcher = compileFilter(Object.fromEntries(clauses));
        const index = array.findIndex((element) => {
          const probe: Document = {};
          setPathValue(probe, arrayPath, [element]);
          return matcher(probe);
        });
        if (index >= 0) return index;
      }
      throw new CommandFailure(
        2,
        'BadValue',
        'The positional operator did not find the match needed from the query.',
      );
    },
    passesFilter(identifier, element) {
      const matcher = update.arrayFilters.get(identifier);
      return matcher !== undefined && matcher({ [identifier]: element });
    },
  };
}

function queryClauses(query: Document): Array<[string, unknown]> {
  const clauses: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and' && isArray(value)) {
      for (const clause of value)
        if (isPlainDocument(clause)) clauses.push(...queryClauses(clause));
    } else if (!key.startsWith('$')) {
      clauses.push([key, value]);
    }
  }
  return clauses;
}

function rename(document: Document, from: readonly string[], to: string): void {
  const location = locate(document, from, false);
  if (!location) return;
  if (isArray(location.parent)) {
    throw new CommandFailure(
      2,
      'BadValue',
      `The source field cannot be an array element, '${from.join('.')}' in doc with ${formatValue(location.parent)}`,
    );
  }
  const value = readField(location.parent, location.key);
  if (value === undefined) return;
  delete location.parent[location.key];
  UPDATE_OPERATORS.$set(document, to.split('.'), value);
}

function withIdFirst(document: Document, id: unknown): Document {
  const { _id: _ignored, ...rest } = document;
  return { _id: id, ...rest };
}

/** Update pipelines compiled for the command running them (its time and `let` variables). */
const compiledPipelines = new WeakMap<ParsedUpdate, CompiledUpdatePipeline>();

interface CompiledUpdatePipeline {
  readonly at: number;
  readonly variables: unknown;
  /** The direct evaluation of `$set` stages, when the pipeline is one it handles. */
  readonly direct: SetPipeline | undefined;
  /** mingo's, for every other pipeline, and for documents the direct one gives back. */
  mingo: CompiledPipeline | undefined;
  readonly bound: readonly Document[];
}

/**
 * An update pipeline bound to the command's time (`$$NOW`) and compiled once for all the
 * documents the command updates. A pipeline the direct path takes is valid as it stands, so
 * mingo compiles it only if a document needs it; any other is compiled (and checked) at once.
 */
function pipelineOf(update: ParsedUpdate & { kind: 'pipeline' }): CompiledUpdatePipeline {
  const now = commandNow();
  const variables = commandVariables();
  const cached = compiledPipelines.get(update);
  if (cached && cached.at === now.getTime() && cached.variables === variables) return cached;
  const bound = update.pipeline.map((stage) => bindNow(stage, now) as Document);
  // The direct path reads no variable (`$$` names are not field paths to it).
  const direct = compileSetPipeline(bound);
  const compiled: CompiledUpdatePipeline = {
    at: now.getTime(),
    variables,
    direct,
    mingo: direct ? undefined : compilePipeline(bound),
    bound,
  };
  compiledPipelines.set(update, compiled);
  return compiled;
}

/** The document out of an update pipeline: evaluated directly when it can be, else by mingo. */
function runPipeline(update: ParsedUpdate & { kind: 'pipeline' }, original: Document): unknown {
  const compiled = pipelineOf(update);
  const direct = compiled.direct?.(original);
  if (direct !== undefined) return direct;
  compiled.mingo ??= compilePipeline(compiled.bound);
  return compiled.mingo([cloneDocument(original)])[0];
}

/**
 * Applies a parsed update to a document and returns the new document; `original` is not
 * touched, and the operators' result shares with it every nested document or array they did
 * not write into (see `copyingOnWrite`). The result keeps `original`'s `_id` (added first
 * when a replacement or pipeline drops it); changing it is 66 ImmutableField.
 */
export function applyUpdate(
  original: Document,
  update: ParsedUpdate,
  context: UpdateContext,
): Document {
  let result: Document;
  if (update.kind === 'replacement') {
    result = cloneDocumentIdFirst(update.replacement);
    if (!('_id' in result) && '_id' in original) result = withIdFirst(result, original._id);
  } else if (update.kind === 'pipeline') {
    const output = runPipeline(update, original);
    if (!isPlainDocument(output))
      throw new CommandFailure(2, 'BadValue', 'the update pipeline must produce a document');
    result = !('_id' in output) && '_id' in original ? withIdFirst(output, original._id) : output;
  } else {
    const resolver = positionalResolver(original, update, context);
    result = copyingOnWrite(original, (copy) => {
      for (const entry of update.entries) {
        if (entry.operator === '$setOnInsert' && !context.upsertInsert) continue;
        if (entry.operator === '$rename') {
          rename(copy, entry.parts, String(entry.argument));
          continue;
        }
        const apply = UPDATE_OPERATORS[entry.operator === '$setOnInsert' ? '$set' : entry.operator];
        for (const path of expandUpdatePath(copy, entry.parts, resolver))
          apply(copy, path, entry.argument);
      }
    });
  }
  if ('_id' in original && !valuesEqual(original._id, result._id)) {
    const message =
      update.kind === 'operators'
        ? "Performing an update on the path '_id' would modify the immutable field '_id'"
        : `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(result._id)}`;
    throw new CommandFailure(66, 'ImmutableField', message);
  }
  return result;
}
