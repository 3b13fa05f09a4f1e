import { Binary } from 'bson';
import { bsonTag, isPlainDocument } from './bson-value';
import { DateClass, RegExpClass, isArray } from './intrinsics';
import { setOwnField } from './own-fields';

/**
 * A deep copy of a deserialised BSON value that keeps `bson` classes intact. Documents,
 * arrays, Dates, RegExps and Binary payloads are copied; immutable value classes
 * (ObjectId, Long, Decimal128, Timestamp, MinKey...) are shared, as nobody mutates them.
 */
export function cloneValue<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (isArray(value)) return value.map(cloneValue) as T;
  if (value instanceof DateClass) return new Date(value.getTime()) as T;
  if (value instanceof RegExpClass) return new RegExp(value.source, value.flags) as T;
  if (isPlainDocument(value)) return cloneDocument(value) as T;
  if (bsonTag(value) === 'Binary') {
    const binary = value as unknown as Binary;
    return new Binary(
      Uint8Array.from(binary.buffer.subarray(0, binary.position)),
      binary.sub_type,
    ) as T;
  }
  return value;
}

/** A deep copy of a document (see {@link cloneValue}). */
export function cloneDocument<T extends Record<string, unknown>>(document: T): T {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(document)) setOwnField(copy, key, cloneValue(document[key]));
  return copy as T;
}

/**
 * A deep copy of a document to store, with `_id` moved first: mongod stores a document's
 * `_id` as its first field, whatever order an insert or replacement gave.
 */
export function cloneDocumentIdFirst<T extends Record<string, unknown>>(document: T): T {
  const copy: Record<string, unknown> = {};
  if (Object.hasOwn(document, '_id')) copy._id = cloneValue(document._id);
  for (const key of Object.keys(document)) {
    if (key !== '_id') setOwnField(copy, key, cloneValue(document[key]));
  }
  return copy as T;
}
