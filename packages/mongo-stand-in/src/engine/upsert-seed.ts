import { ObjectId } from 'bson';
import { cloneDocument, cloneValue } from './bson-clone';
import { isPlainDocument } from './bson-value';
import { setPathValue } from './document-path';
import { applyUpdate, type ParsedUpdate } from './update-apply';

type Document = Record<string, unknown>;

function addEqualities(query: Document, seed: Document): void {
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const clause of value) if (isPlainDocument(clause)) addEqualities(clause, seed);
      continue;
    }
    if (key.startsWith('$') || value instanceof RegExp) continue;
    if (isPlainDocument(value) && Object.keys(value).some((field) => field.startsWith('$'))) {
      if ('$eq' in value) setPathValue(seed, key, cloneValue(value.$eq));
      else if (
        Array.isArray(value.$in) &&
        value.$in.length === 1 &&
        !(value.$in[0] instanceof RegExp)
      ) {
        setPathValue(seed, key, cloneValue(value.$in[0]));
      }
      continue;
    }
    setPathValue(seed, key, cloneValue(value));
  }
}

/**
 * The document an upsert inserts when nothing matched, as mongod builds it: equality
 * fields of the query (top level, dotted, inside `$and`, `$eq`, single-value `$in`) seed
 * an operator or pipeline update, which then applies with `$setOnInsert`; a replacement
 * keeps only the query's `_id`. `_id` comes first and is generated when still missing.
 */
export function buildUpsertDocument(query: Document, update: ParsedUpdate): Document {
  const seed: Document = {};
  addEqualities(query, seed);
  let document: Document;
  if (update.kind === 'replacement') {
    document = cloneDocument(update.replacement);
    if (!('_id' in document) && '_id' in seed) document = { _id: seed._id, ...document };
  } else {
    document = applyUpdate(seed, update, { query, upsertInsert: true });
  }
  const { _id: id, ...rest } = document;
  return { _id: id === undefined ? new ObjectId() : id, ...rest };
}
