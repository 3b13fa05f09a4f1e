import { calculateObjectSize } from 'bson';
import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import { isArray } from './intrinsics';
import { MAX_BSON_OBJECT_SIZE } from '../wire/wire-protocol';

type Document = Record<string, unknown>;

/** mongod's deepest field a stored document may have (a top-level field is at depth 1). */
const MAX_NESTING_DEPTH = 100;

/** How a write produced the document, which decides mongod's error for it. */
export type DocumentWrite = 'insert' | 'update' | 'upsert';

/** True when some field of `value` (a document at `depth`) lies deeper than the limit. */
function tooDeep(value: Document | unknown[], depth: number): boolean {
  const children = isArray(value) ? value : Object.values(value);
  for (const child of children) {
    if (isArray(child) || isPlainDocument(child)) {
      // An empty document or array adds no field, so it does not count as a level.
      const empty = isArray(child) ? child.length === 0 : Object.keys(child).length === 0;
      if (!empty && (depth >= MAX_NESTING_DEPTH || tooDeep(child, depth + 1))) return true;
    }
  }
  return false;
}

/**
 * Refuses a document mongod would not store, with mongod 7.0's code and message for the
 * kind of write: nesting deeper than 100 levels is 74 Overflow; more than 16 MiB of BSON is
 * 2 BadValue for an insert (larger documents never get past the wire layer), 17419 for an
 * update and 17420 for an upsert. Nothing has been stored when this throws.
 */
export function checkStorable(document: Document, write: DocumentWrite): void {
  if (tooDeep(document, 1)) {
    throw new CommandFailure(
      74,
      'Overflow',
      write === 'insert'
        ? `cannot insert document because it exceeds ${MAX_NESTING_DEPTH} levels of nesting`
        : `Document exceeds maximum nesting depth of ${MAX_NESTING_DEPTH}`,
    );
  }
  const size = calculateObjectSize(document, { ignoreUndefined: true });
  if (size <= MAX_BSON_OBJECT_SIZE) return;
  switch (write) {
    case 'insert':
      throw new CommandFailure(
        2,
        'BadValue',
        `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_OBJECT_SIZE}`,
      );
    case 'update':
      throw new CommandFailure(
        17419,
        'Location17419',
        `Resulting document after update is larger than ${MAX_BSON_OBJECT_SIZE}`,
      );
    case 'upsert':
      throw new CommandFailure(
        17420,
        'Location17420',
        `Document to upsert is larger than ${MAX_BSON_OBJECT_SIZE}`,
      );
  }
}
