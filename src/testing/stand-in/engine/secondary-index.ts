import { compileFilter, type DocumentMatcher } from './query-matcher';
import { extractIndexKeys, type IndexKey } from './index-key';
import type { IndexSpec } from './index-spec';

type Document = Record<string, unknown>;

interface IndexEntry {
  /** The key's values in key-pattern order (kept for a future range-scanning planner). */
  readonly values: readonly unknown[];
  /** Canonical `_id` keys of the documents holding this key. */
  readonly ids: Set<string>;
}

/**
 * One index other than `_id_`: its spec plus a hash map from canonical key to the
 * documents holding it, which makes unique checks O(1) per key. Documents outside a
 * partial filter, or lacking every field of a sparse index, are not in it.
 */
export class SecondaryIndex {
  readonly fields: readonly string[];
  readonly unique: boolean;
  private readonly sparse: boolean;
  private readonly partial?: DocumentMatcher;
  private readonly entries = new Map<string, IndexEntry>();
  private readonly keysByDocument = new Map<string, readonly string[]>();

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    if (spec.partialFilterExpression) this.partial = compileFilter(spec.partialFilterExpression);
  }

  /** The keys a document would have in this index (none when it is filtered out). */
  keysFor(document: Document): readonly IndexKey[] {
    if (this.partial && !this.partial(document)) return [];
    const { keys, anyFieldPresent } = extractIndexKeys(document, this.fields);
    return this.sparse && !anyFieldPresent ? [] : keys;
  }

  /** For a unique index, the first of `keys` already held by another document. */
  findConflict(keys: readonly IndexKey[], ownId: string | undefined): IndexKey | undefined {
    if (!this.unique) return undefined;
    return keys.find((key) => {
      const entry = this.entries.get(key.key);
      if (!entry) return false;
      return entry.ids.size > (ownId !== undefined && entry.ids.has(ownId) ? 1 : 0);
    });
  }

  /** The `{ field: value }` document of a key, as E11000 errors show it. */
  keyValue(key: IndexKey): Document {
    const out: Document = {};
    this.fields.forEach((field, i) => (out[field] = key.values[i]));
    return out;
  }

  /** Records a document's keys (after {@link remove} of its old ones, for an update). */
  add(id: string, keys: readonly IndexKey[]): void {
    if (keys.length === 0) return;
    for (const key of keys) {
      const entry = this.entries.get(key.key);
      if (entry) entry.ids.add(id);
      else this.entries.set(key.key, { values: key.values, ids: new Set([id]) });
    }
    this.keysByDocument.set(
      id,
      keys.map((key) => key.key),
    );
  }

  /** Forgets a document's keys. */
  remove(id: string): void {
    const keys = this.keysByDocument.get(id);
    if (!keys) return;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      entry.ids.delete(id);
      if (entry.ids.size === 0) this.entries.delete(key);
    }
    this.keysByDocument.delete(id);
  }

  /** Canonical `_id` keys of the documents holding an exact key (for a future planner). */
  lookup(key: string): ReadonlySet<string> {
    return this.entries.get(key)?.ids ?? new Set();
  }
}
