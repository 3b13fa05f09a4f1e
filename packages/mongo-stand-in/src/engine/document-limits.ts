import { calculateObjectSize } from 'bson';
import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import { isArray } from './intrinsics';
import { ownField, setOwnField } from './own-fields';
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
 * update and 17420 for an upsert. Nothing has been stored when this throws. Given the
 * version an update started from (`before`), only the fields it changed are measured.
 */
export function checkStorable(document: Document, write: DocumentWrite, before?: Document): void {
  const beforeSize = before && checkedSizes.get(before);
  let size: number;
  if (before === undefined || beforeSize === undefined) {
    checkDepth(document, write);
    size = calculateObjectSize(document, { ignoreUndefined: true });
  } else {
    const { added, removed } = changedFields(before, document);
    checkDepth(added, write);
    size =
      beforeSize +
      calculateObjectSize(added, { ignoreUndefined: true }) -
      calculateObjectSize(removed, { ignoreUndefined: true });
  }
  if (size <= MAX_BSON_OBJECT_SIZE) {
    if (size >= MIN_REMEMBERED_SIZE) checkedSizes.set(document, size);
    return;
  }
  refuseSize(size, write);
}

/**
 * The BSON size of each document of at least {@link MIN_REMEMBERED_SIZE} bytes that passed
 * {@link checkStorable}, so that a later update of it measures only the fields it changed.
 * Documents are never mutated once checked (see shared-values.ts), so a size stays right;
 * the map holds none of them alive.
 */
const checkedSizes = new WeakMap<Document, number>();

/**
 * Below this size a document is measured whole: an update of a small document (a queue's job)
 * changes about as many bytes as it keeps, and measuring both sides of the change costs more
 * than measuring the result.
 */
const MIN_REMEMBERED_SIZE = 16 * 1024;

/**
 * The top-level fields that differ between two versions of a document, as two documents:
 * the new values (`added`) and the values they replace or remove (`removed`). A field whose
 * value is the same object in both (an update shares what it does not write) is left out.
 */
function changedFields(before: Document, after: Document): { added: Document; removed: Document } {
  const added: Document = {};
  const removed: Document = {};
  for (const key of Object.keys(after)) {
    const value = after[key];
    const old = ownField(before, key);
    // Object.is: 0 and -0 have BSON types of different sizes.
    if (Object.is(value, old)) continue;
    setOwnField(added, key, value);
    if (old !== undefined) setOwnField(removed, key, old);
  }
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key)) setOwnField(removed, key, before[key]);
  }
  return { added, removed };
}

function checkDepth(document: Document, write: DocumentWrite): void {
  if (tooDeep(document, 1)) {
    throw new CommandFailure(
      74,
      'Overflow',
      write === 'insert'
        ? `cannot insert document because it exceeds ${MAX_NESTING_DEPTH} levels of nesting`
        : `Document exceeds maximum nesting depth of ${MAX_NESTING_DEPTH}`,
    );
  }
}

function refuseSize(size: number, write: DocumentWrite): never {
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
