import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import { isPlainDocument } from './bson-value';
import { canonicalKey } from './canonical-key';
import type { CollectionState } from './collection-state';
import type { IndexSpec } from './index-spec';
import type { SortSpec } from './sort-documents';

type Document = Record<string, unknown>;

/**
 * Refuses a `hint` that names no index of `collection`, as mongod's planner does (2
 * BadValue); a hidden index counts as none. A hint is an index name or a key pattern
 * (field order counts); `{ $natural }` and an empty hint name no index and are always
 * accepted, and so is any hint on a collection that does not exist, which mongod answers
 * without planning. Which documents match never depends on the hint; their order may (see
 * {@link hintedIndexScan}).
 */
export function refuseMissingHintedIndex(
  collection: CollectionState | undefined,
  hint: unknown,
): void {
  if (collection === undefined || hint === undefined || hint === null) return;
  // A hidden index is invisible to the planner: hinting it is hinting no index.
  const specs = collection.indexSpecs().filter((spec) => spec.hidden !== true);
  if (typeof hint === 'string') {
    if (specs.some((spec) => spec.name === hint)) return;
  } else if (isPlainDocument(hint)) {
    const keys = Object.keys(hint);
    if (keys.length === 0 || keys[0] === '$natural') return;
    const wanted = canonicalKey(hint);
    if (specs.some((spec) => canonicalKey(spec.key) === wanted)) return;
  } else {
    return;
  }
  throw new CommandFailure(
    ErrorCodes.BadValue,
    'BadValue',
    'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index',
  );
}

/** The visible index a hint names, by name or by key pattern, if any. */
function hintedSpec(collection: CollectionState, hint: unknown): IndexSpec | undefined {
  const specs = collection.indexSpecs().filter((spec) => spec.hidden !== true);
  if (typeof hint === 'string') return specs.find((spec) => spec.name === hint);
  if (!isPlainDocument(hint) || Object.keys(hint).length === 0) return undefined;
  const wanted = canonicalKey(hint);
  return specs.find((spec) => canonicalKey(spec.key) === wanted);
}

/** The name of the visible index `hint` names, if it names one. */
export function hintedIndexName(collection: CollectionState, hint: unknown): string | undefined {
  return hintedSpec(collection, hint)?.name;
}

/** How a read through a hinted index gives its documents. */
export interface HintedIndexScan {
  /** The index's key order, as a sort: the order the scan returns documents in. */
  readonly order: SortSpec;
  /**
   * For a sparse index, a filter keeping only the documents it holds (those with some
   * indexed field): a hinted scan of it never sees the others, as on mongod.
   */
  readonly sparseFilter?: Document;
}

/**
 * What a `hint` to an ascending/descending index means for an unsorted find: mongod scans
 * that index, so documents come in its key order (ties in insertion order), not in
 * natural order. Undefined for no hint, `$natural`, and hashed, text or geo indexes (whose
 * order no application relies on).
 */
export function hintedIndexScan(
  collection: CollectionState | undefined,
  hint: unknown,
): HintedIndexScan | undefined {
  if (collection === undefined) return undefined;
  const spec = hintedSpec(collection, hint);
  if (!spec) return undefined;
  const fields = Object.keys(spec.key);
  const order: Array<readonly [string, 1 | -1]> = [];
  for (const field of fields) {
    const direction = spec.key[field];
    if (direction !== 1 && direction !== -1) return undefined;
    order.push([field, direction]);
  }
  if (spec.sparse !== true) return { order };
  return { order, sparseFilter: { $or: fields.map((field) => ({ [field]: { $exists: true } })) } };
}
