import { isPlainDocument } from '../bson-value';
import { isArray } from '../intrinsics';

type Document = Record<string, unknown>;

/**
 * The field a `$text` query's matches carry their score in, between the search and the
 * sort, projection or pipeline that reads it as `{ $meta: 'textScore' }`; it is removed
 * before any document leaves the server.
 */
export const TEXT_SCORE_FIELD = '__standInTextScore';

/** Whether a value is `{ $meta: 'textScore' }`. */
export function isTextScoreMeta(value: unknown): boolean {
  return isPlainDocument(value) && Object.keys(value).length === 1 && value.$meta === 'textScore';
}

/**
 * An expression or projection with each `{ $meta: 'textScore' }` read from the score field;
 * as a sort (`asSort`), such an entry sorts by the score, best first.
 */
export function readTextScore(value: unknown, asSort = false): unknown {
  if (isTextScoreMeta(value)) return `$${TEXT_SCORE_FIELD}`;
  if (isArray(value)) return value.map((element) => readTextScore(element));
  if (!isPlainDocument(value)) return value;
  const out: Document = {};
  for (const [key, inner] of Object.entries(value)) {
    if (asSort && isTextScoreMeta(inner)) out[TEXT_SCORE_FIELD] = -1;
    else out[key] = readTextScore(inner);
  }
  return out;
}

/** The document without its text score field (itself when it has none). */
export function withoutTextScore(document: Document): Document {
  if (!(TEXT_SCORE_FIELD in document)) return document;
  const copy = { ...document };
  delete copy[TEXT_SCORE_FIELD];
  return copy;
}
