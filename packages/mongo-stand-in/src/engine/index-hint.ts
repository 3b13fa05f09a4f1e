import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import { isPlainDocument } from './bson-value';
import { canonicalKey } from './canonical-key';
import type { CollectionState } from './collection-state';

/**
 * Refuses a `hint` that names no index of `collection`, as mongod's planner does (2
 * BadValue); a hidden index counts as none. A hint is an index name or a key pattern
 * (field order counts); `{ $natural }` and an empty hint name no index and are always
 * accepted, and so is any hint on a collection that does not exist, which mongod answers
 * without planning. The stand-in still chooses its own plan: results do not depend on it.
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
