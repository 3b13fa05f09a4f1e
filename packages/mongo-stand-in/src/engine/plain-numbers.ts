import { bsonTag, isPlainDocument } from './bson-value';
import { isArray } from './intrinsics';
import { setOwnField } from './own-fields';

/*
 * A double with an int32 value is stored as a bson `Double` (see bson-codec.ts), which the
 * stand-in's own operators read as a number, but mingo's accumulators and arithmetic
 * (`$sum`, `$max`, `$add`...) do not. Pipelines and projections with expressions get such
 * values as plain numbers; what they output from them then goes back as int32, their one
 * departure from mongod.
 */

type Document = Record<string, unknown>;

/** The document with every `Double` as a number (the same object when it holds none). */
export function withPlainNumbers(document: Document): Document {
  return holdsDouble(document) ? (plain(document) as Document) : document;
}

function holdsDouble(value: unknown): boolean {
  if (isArray(value)) return value.some(holdsDouble);
  if (!isPlainDocument(value)) return bsonTag(value) === 'Double';
  for (const key of Object.keys(value)) if (holdsDouble(value[key])) return true;
  return false;
}

function plain(value: unknown): unknown {
  if (isArray(value)) return value.map(plain);
  if (!isPlainDocument(value)) {
    return bsonTag(value) === 'Double' ? (value as { value: number }).value : value;
  }
  const out: Document = {};
  for (const key of Object.keys(value)) setOwnField(out, key, plain(value[key]));
  return out;
}
