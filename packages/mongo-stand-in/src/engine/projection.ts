import { Query } from 'mingo/query';
import { CommandFailure } from '../command-types';
import {
  applySlices,
  isInclusion,
  keepElement,
  positionalIndex,
  splitProjection,
} from './array-projection';
import { cloneDocument } from './bson-clone';
import { isNumeric, isPlainDocument } from './bson-value';
import { mingoOptions } from './mingo-context';
import { translateMingoError } from './mingo-errors';
import { escapeDocument, escapeSpec, unescapeDocument } from './mingo-field-escape';
import { isSimpleFieldName, ownField, setOwnField } from './own-fields';
import { withPlainNumbers } from './plain-numbers';
import { isTextScoreMeta, TEXT_SCORE_FIELD, withoutTextScore } from './text-search/text-score-meta';

const hasOwn: (value: object, key: PropertyKey) => boolean = Object.hasOwn;

type Document = Record<string, unknown>;

const SELECT_ALL = new Query({}, mingoOptions());

/** True when the projection would change nothing (absent or empty). */
export function isEmptyProjection(projection: unknown): boolean {
  return (
    projection === undefined ||
    projection === null ||
    (isPlainDocument(projection) && Object.keys(projection).length === 0)
  );
}

/**
 * Applies a find projection (inclusion, exclusion, `$slice`, `$elemMatch`, positional,
 * expressions, `{ $meta: 'textScore' }`) to documents; `filter`, the query, gives the
 * positional `<array>.$` its element. A `$text` query's score, which its matches carry in
 * `TEXT_SCORE_FIELD`, is shown only where the projection asks for it. The results may share
 * nested values with the inputs; callers clone before handing them out.
 */
export function projectDocuments(
  documents: Document[],
  projection: unknown,
  filter?: unknown,
): Document[] {
  if (isEmptyProjection(projection)) return documents.map(withoutTextScore);
  if (!isPlainDocument(projection)) {
    throw new CommandFailure(14, 'TypeMismatch', 'Expected field projection to be of type object');
  }
  const scoreFields = Object.keys(projection).filter((field) => isTextScoreMeta(projection[field]));
  const rest = Object.fromEntries(
    Object.entries(projection).filter(([field]) => !scoreFields.includes(field)),
  );
  const projected = projectFields(documents.map(withoutTextScore), rest, filter);
  if (scoreFields.length === 0) return projected;
  return projected.map((document, i) => {
    const out = { ...document };
    const score = documents[i][TEXT_SCORE_FIELD];
    // Without a `$text` query there is no score to show: the field stays out.
    if (score !== undefined) for (const field of scoreFields) setOwnField(out, field, score);
    return out;
  });
}

/** A projection without text scores: mingo's part, then `$slice` and the positional `.$`. */
function projectFields(documents: Document[], projection: Document, filter: unknown): Document[] {
  if (isEmptyProjection(projection)) return documents;
  const { rest, slices, positional } = splitProjection(projection);
  if (slices.length === 0 && positional === undefined) return mingoProject(documents, rest);

  // As on mongod, `$slice` alone keeps every other field; beside inclusions it is one.
  if (positional !== undefined || isInclusion(rest)) {
    for (const { path } of slices)
      if (ownField(rest, path) === undefined) setOwnField(rest, path, 1);
    if (positional !== undefined) setOwnField(rest, positional.path, 1);
  }
  const positions = positional
    ? documents.map((document) => positionalIndex(document, positional.path, filter))
    : undefined;
  // Slicing writes into the projected documents, whose nested values may be the stored ones.
  const projected = mingoProject(documents, rest).map(cloneDocument);
  projected.forEach((document, i) => {
    if (positional && positions) keepElement(document, positional.path, positions[i]);
    applySlices(document, slices);
  });
  return projected;
}

function mingoProject(documents: Document[], spec: Document): Document[] {
  if (isEmptyProjection(spec)) return documents;
  const keep = topLevelFlags(spec);
  if (keep) return documents.map((document) => keepFields(document, keep));
  // Expressions are mingo's arithmetic, which reads no `Double` (see plain-numbers.ts).
  const input = computesValues(spec) ? documents.map(withPlainNumbers) : documents;
  try {
    return SELECT_ALL.find<Document>(input.map(escapeDocument), escapeSpec(spec) as Document)
      .all()
      .map((document, i) => inDocumentOrder(unescapeDocument(document), documents[i]));
  } catch (error) {
    throw translateMingoError(error);
  }
}

/** True when some field of the projection is an expression, not a 0/1 flag. */
function computesValues(spec: Document): boolean {
  return Object.keys(spec).some((key) => {
    const value = spec[key];
    return typeof value !== 'number' && typeof value !== 'boolean' && !isNumeric(value);
  });
}

/**
 * mingo orders an inclusion's output by name, `_id` last; mongod keeps the stored order
 * (`_id` first) and appends computed fields.
 */
function inDocumentOrder(projected: Document, source: Document): Document {
  const keys = Object.keys(projected);
  let previous = -1;
  let ordered = true;
  const sourceKeys = Object.keys(source);
  let computed = false;
  for (const key of keys) {
    const position = sourceKeys.indexOf(key);
    if (position === -1) {
      computed = true;
      continue;
    }
    if (computed || position < previous) {
      ordered = false;
      break;
    }
    previous = position;
  }
  if (ordered) return projected;
  const result: Document = {};
  for (const key of sourceKeys)
    if (hasOwn(projected, key)) setOwnField(result, key, projected[key]);
  for (const key of keys) if (!hasOwn(result, key)) setOwnField(result, key, projected[key]);
  return result;
}

const FLAGS: ReadonlySet<unknown> = new Set([0, 1, true, false]);

/**
 * A projection of 0/1 flags on top-level fields, all inclusions or all exclusions besides
 * `_id`, as a test of which fields stay (in stored order, as mongod keeps them); undefined
 * for any other projection, which mingo applies (and rejects when it mixes the two).
 */
function topLevelFlags(spec: Document): ((field: string) => boolean) | undefined {
  const flags = new Map<string, boolean>();
  for (const field of Object.keys(spec)) {
    const value = spec[field];
    if (!isSimpleFieldName(field) || !FLAGS.has(value)) return undefined;
    flags.set(field, value === 1 || value === true);
  }
  const idFlag = flags.get('_id');
  flags.delete('_id');
  const values = [...flags.values()];
  // `{ _id: 1 }` alone keeps only `_id`; `{ _id: 0 }` alone keeps the rest.
  if (values.length === 0) return (field) => (field === '_id') === idFlag;
  const inclusion = values[0];
  if (values.some((value) => value !== inclusion)) return undefined;
  return inclusion
    ? (field) => (field === '_id' ? idFlag !== false : flags.has(field))
    : (field) => (field === '_id' ? idFlag !== false : !flags.has(field));
}

function keepFields(document: Document, keep: (field: string) => boolean): Document {
  const out: Document = {};
  for (const field of Object.keys(document)) {
    if (keep(field)) setOwnField(out, field, document[field]);
  }
  return out;
}
