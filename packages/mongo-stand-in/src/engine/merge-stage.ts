import { ObjectId, type Document } from 'bson';
import { CommandFailure, unknownField } from '../command-types';
import { isPlainDocument } from './bson-value';
import { cloneDocument } from './bson-clone';
import { commandVariables, withCommandVariables } from './command-time';
import { checkStorable } from './document-limits';
import { isArray } from './intrinsics';
import { escapeDocument } from './mingo-field-escape';
import { getPathValue } from './document-path';
import { evaluateExpression, validateVariableName } from './let-variables';
import { setOwnField } from './own-fields';
import { refuseOutputNamespace, type OutputNamespace } from './output-namespace';
import type { StandInStore } from './stand-in-store';
import { parseUpdate, type ParsedUpdate } from './update-apply';
import { updateDocuments } from './write-operations';
import { validateDocument } from './document-validation';

/*
 * `$merge` as mongod 7.0 runs it: every result document becomes one write into the target,
 * found by its `on` fields: an update (replace, merge = `$set`, keepExisting =
 * `$setOnInsert`, or a pipeline reading the result as `$$new`), an upsert when unmatched
 * documents are inserted, or a plain insert for `whenMatched: 'fail'`. As in mongod, the
 * writes are not one transaction: documents written before a failing one stay written.
 */

type WhenMatched = 'replace' | 'keepExisting' | 'merge' | 'fail' | 'pipeline';
type WhenNotMatched = 'insert' | 'discard' | 'fail';

interface MergeSpec {
  readonly into: OutputNamespace;
  readonly on: readonly string[];
  readonly whenMatched: WhenMatched;
  readonly pipeline?: ParsedUpdate;
  readonly whenNotMatched: WhenNotMatched;
  readonly letSpec?: Document;
}

const MATCHED_MODES = new Set(['replace', 'keepExisting', 'merge', 'fail']);
const NOT_MATCHED_MODES = new Set(['insert', 'discard', 'fail']);
/** The whenMatched/whenNotMatched pairs mongod supports. */
const SUPPORTED_MODES = new Set([
  'replace/insert',
  'replace/fail',
  'replace/discard',
  'merge/insert',
  'merge/fail',
  'merge/discard',
  'keepExisting/insert',
  'pipeline/insert',
  'pipeline/fail',
  'pipeline/discard',
  'fail/insert',
]);
const SPEC_FIELDS = new Set([
  'into',
  'on',
  'let',
  'whenMatched',
  'whenNotMatched',
  'targetCollectionVersion',
]);

/** How a `$merge` writes: the aggregate command's `bypassDocumentValidation`. */
export interface MergeWriteOptions {
  readonly bypassValidation: boolean;
}

/**
 * Writes `results` into the target `spec` names, as the final `$merge` stage of `dbName`;
 * the target's validator applies to each write (see document-validation.ts).
 */
export function writeMerge(
  store: StandInStore,
  dbName: string,
  spec: unknown,
  results: readonly Document[],
  options: MergeWriteOptions,
): void {
  const merge = { ...parseMergeSpec(dbName, spec), ...options };
  refuseOutputNamespace('$merge', merge.into, store);
  requireUniqueIndexOn(store, merge);
  for (const result of results) mergeOne(store, merge, result);
}

function parseMergeSpec(dbName: string, spec: unknown): MergeSpec {
  if (typeof spec === 'string') return withDefaults({ into: { db: dbName, coll: spec } });
  if (!isPlainDocument(spec)) {
    throw new CommandFailure(
      51182,
      'Location51182',
      '$merge only supports a string or object argument',
    );
  }
  for (const field of Object.keys(spec)) {
    if (!SPEC_FIELDS.has(field)) {
      throw unknownField(`$merge.${field}`);
    }
  }
  const { whenMatched, pipeline } = parseWhenMatched(spec.whenMatched);
  const whenNotMatched =
    parseEnum(spec.whenNotMatched, 'whenNotMatched', NOT_MATCHED_MODES) ?? 'insert';
  if (!SUPPORTED_MODES.has(`${whenMatched}/${whenNotMatched}`)) {
    throw new CommandFailure(
      51181,
      'Location51181',
      `Combination of $merge modes 'whenMatched: ${whenMatched}' and 'whenNotMatched: ${whenNotMatched}' is not supported`,
    );
  }
  return {
    into: parseInto(dbName, spec.into),
    on: parseOn(spec.on),
    whenMatched,
    pipeline,
    whenNotMatched: whenNotMatched as WhenNotMatched,
    letSpec: parseLet(spec.let, whenMatched),
  };
}

function withDefaults(spec: { into: OutputNamespace }): MergeSpec {
  return { ...spec, on: ['_id'], whenMatched: 'merge', whenNotMatched: 'insert' };
}

function parseInto(dbName: string, into: unknown): OutputNamespace {
  if (typeof into === 'string') return { db: dbName, coll: into };
  if (isPlainDocument(into) && typeof into.coll === 'string') {
    if (into.db !== undefined && typeof into.db !== 'string') {
      throw new CommandFailure(
        14,
        'TypeMismatch',
        "BSON field 'into.db' is the wrong type, expected type 'string'",
      );
    }
    return { db: into.db ?? dbName, coll: into.coll };
  }
  if (into === undefined) {
    throw new CommandFailure(
      40414,
      'Location40414',
      "BSON field '$merge.into' is missing but a required field",
    );
  }
  throw new CommandFailure(
    51178,
    'Location51178',
    "$merge 'into' field must be either a string or an object, with 'db' and 'coll' fields",
  );
}

function parseWhenMatched(value: unknown): { whenMatched: WhenMatched; pipeline?: ParsedUpdate } {
  if (isArray(value)) {
    // Validated as an update pipeline is (the stages an update allows).
    return { whenMatched: 'pipeline', pipeline: parseUpdate(value, undefined) };
  }
  return {
    whenMatched: (parseEnum(value, 'whenMatched', MATCHED_MODES) ?? 'merge') as WhenMatched,
  };
}

function parseEnum(
  value: unknown,
  field: string,
  allowed: ReadonlySet<string>,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.has(value)) {
    throw new CommandFailure(
      2,
      'BadValue',
      `Enumeration value '${String(value)}' for field '${field}' is not a valid value.`,
    );
  }
  return value;
}

function parseOn(on: unknown): readonly string[] {
  if (on === undefined) return ['_id'];
  const fields = typeof on === 'string' ? [on] : on;
  if (
    !isArray(fields) ||
    fields.length === 0 ||
    !fields.every((field) => typeof field === 'string')
  ) {
    throw new CommandFailure(
      51186,
      'Location51186',
      "$merge 'on' field must be either a string or an array of strings",
    );
  }
  const seen = new Set<string>();
  for (const field of fields as string[]) {
    if (seen.has(field)) {
      throw new CommandFailure(31465, 'Location31465', `Found a duplicate field '${field}'`);
    }
    seen.add(field);
  }
  return fields as string[];
}

function parseLet(letSpec: unknown, whenMatched: WhenMatched): Document | undefined {
  if (letSpec === undefined) return undefined;
  if (whenMatched !== 'pipeline') {
    throw new CommandFailure(
      51199,
      'Location51199',
      `Cannot use 'let' variables with 'whenMatched: ${whenMatched}' mode`,
    );
  }
  if (!isPlainDocument(letSpec)) {
    throw new CommandFailure(
      14,
      'TypeMismatch',
      "BSON field '$merge.let' is the wrong type, expected type 'object'",
    );
  }
  for (const name of Object.keys(letSpec)) validateVariableName(name);
  if ('new' in letSpec && letSpec.new !== '$$ROOT') {
    throw new CommandFailure(
      51273,
      'Location51273',
      "'let' may not define a value for the reserved 'new' variable other than '$$ROOT'",
    );
  }
  return letSpec;
}

/** `on` fields other than `_id` need a unique index on exactly those fields in the target. */
function requireUniqueIndexOn(store: StandInStore, merge: MergeSpec): void {
  if (merge.on.length === 1 && merge.on[0] === '_id') return;
  const target = store.getCollection(merge.into.db, merge.into.coll);
  const wanted = [...merge.on].sort().join('\u0000');
  const supported = target
    ?.indexSpecs()
    .some(
      (spec) =>
        (spec.unique === true || spec.name === '_id_') &&
        spec.partialFilterExpression === undefined &&
        Object.keys(spec.key).sort().join('\u0000') === wanted,
    );
  if (!supported) {
    throw new CommandFailure(
      51183,
      'Location51183',
      'Cannot find index to verify that join fields will be unique',
    );
  }
}

function mergeOne(
  store: StandInStore,
  merge: MergeSpec & MergeWriteOptions,
  result: Document,
): void {
  const document =
    merge.on.includes('_id') && !('_id' in result)
      ? { _id: new ObjectId(), ...cloneDocument(result) }
      : cloneDocument(result);
  const query = onValues(merge.on, document);
  const { db, coll } = merge.into;
  if (merge.whenMatched === 'fail') {
    checkStorable(document, 'insert');
    const { collection } = store.collectionForWrite(db, coll);
    validateDocument(collection, document, undefined, merge.bypassValidation);
    collection.insert(document);
    return;
  }
  const upsert = merge.whenNotMatched === 'insert';
  const outcome =
    merge.whenMatched === 'pipeline'
      ? mergeWithPipeline(store, merge, query, document)
      : updateDocuments(store, db, coll, {
          query,
          update: parseUpdate(modeUpdate(merge.whenMatched, document), undefined),
          multi: false,
          upsert,
          bypassValidation: merge.bypassValidation,
        });
  if (outcome.matched === 0 && outcome.upserted === undefined && merge.whenNotMatched === 'fail') {
    throw new CommandFailure(
      13113,
      'MergeStageNoMatchingDocument',
      '$merge could not find a matching document in the target collection for at least one document in the source collection',
    );
  }
}

function modeUpdate(whenMatched: WhenMatched, document: Document): Document {
  if (whenMatched === 'merge') return { $set: document };
  if (whenMatched === 'keepExisting') return { $setOnInsert: document };
  return document;
}

/**
 * A pipeline update of the matched document, reading the result as `$$new` and the
 * stage's `let` variables (evaluated against the result); an unmatched result is
 * inserted as it is, not through the pipeline.
 */
function mergeWithPipeline(
  store: StandInStore,
  merge: MergeSpec & MergeWriteOptions,
  query: Document,
  document: Document,
): ReturnType<typeof updateDocuments> {
  const { db, coll } = merge.into;
  const variables = {
    ...commandVariables(),
    ...evaluateLet(merge.letSpec, document),
    new: escapeDocument(document),
  };
  const outcome = withCommandVariables(variables, () =>
    updateDocuments(store, db, coll, {
      query,
      update: merge.pipeline!,
      multi: false,
      upsert: false,
      bypassValidation: merge.bypassValidation,
    }),
  );
  if (outcome.matched > 0 || merge.whenNotMatched !== 'insert') return outcome;
  checkStorable(document, 'insert');
  const { collection } = store.collectionForWrite(db, coll);
  validateDocument(collection, document, undefined, merge.bypassValidation);
  collection.insert(document);
  return { matched: 0, modified: 0, upserted: { _id: document._id }, after: document };
}

function evaluateLet(letSpec: Document | undefined, document: Document): Document {
  const values: Document = {};
  for (const name of Object.keys(letSpec ?? {})) {
    if (name !== 'new') setOwnField(values, name, evaluateExpression(document, letSpec![name]));
  }
  return values;
}

/** The result's `on` fields as an equality query; mongod refuses missing, null and arrays. */
function onValues(on: readonly string[], document: Document): Document {
  const query: Document = {};
  for (const field of on) {
    const value = getPathValue(document, field);
    if (isArray(value)) {
      throw new CommandFailure(
        51185,
        'Location51185',
        `$merge write error: 'on' field '${field}' is an array`,
      );
    }
    if (value === undefined || value === null) {
      throw new CommandFailure(
        51132,
        'Location51132',
        `$merge write error: 'on' field '${field}' cannot be missing, null, undefined or an array`,
      );
    }
    setOwnField(query, field, value);
  }
  return query;
}
