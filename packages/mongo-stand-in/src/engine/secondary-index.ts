import { compareValues } from './bson-compare';
import { canonicalKey } from './canonical-key';
import { compileFilter, type DocumentMatcher } from './query-matcher';
import { extractIndexKeys, type IndexKey } from './index-key';
import type { IndexSpec } from './index-spec';
import { setOwnField } from './own-fields';
import { SortedChunkList, type ListPosition } from './sorted-chunk-list';

type Document = Record<string, unknown>;

interface HashEntry {
  /** The key's values in key-pattern order (what E11000 errors show). */
  readonly values: readonly unknown[];
  /** Canonical `_id` keys of the documents holding this key. */
  readonly ids: Set<string>;
}

/** One key of one document, in the index's order. */
export interface IndexEntry {
  /** The key's values in key-pattern order (missing fields are null). */
  readonly values: readonly unknown[];
  /** The document's natural-order sequence number: the last tie-breaker of the order. */
  readonly seq: number;
  /** The document's canonical `_id` key. */
  readonly id: string;
}

/** The keys a document has in an index, and whether an indexed path met an array. */
export interface IndexedKeys {
  readonly keys: readonly IndexKey[];
  readonly multikey: boolean;
}

interface DocumentEntries extends IndexedKeys {
  readonly entries: readonly IndexEntry[];
}

const NOT_INDEXED: IndexedKeys = { keys: [], multikey: false };

/**
 * One index other than `_id_`. It keeps a hash map from canonical key to the documents
 * holding it (O(1) unique checks) and the same keys in index order, each entry followed by
 * the document's natural-order sequence number, so that a range of the index lists its
 * documents in key order and, among equal keys, in natural order (what a stable sort of a
 * collection scan gives). Documents outside a partial filter, or lacking every field of a
 * sparse index, are not in it.
 */
export class SecondaryIndex {
  readonly fields: readonly string[];
  /** Per field, 1 ascending or -1 descending (hashed fields order ascending here). */
  readonly directions: ReadonlyArray<1 | -1>;
  readonly sparse: boolean;
  readonly hashed: boolean;
  private currentSpec: IndexSpec;
  private readonly partial?: DocumentMatcher;
  private readonly entries = new Map<string, HashEntry>();
  private readonly ordered: SortedChunkList<IndexEntry>;
  private readonly byDocument = new Map<string, DocumentEntries>();
  private multikeyDocuments = 0;

  constructor(spec: IndexSpec) {
    this.currentSpec = spec;
    this.fields = Object.keys(spec.key);
    this.directions = this.fields.map((field) => (Number(spec.key[field]) < 0 ? -1 : 1));
    this.hashed = this.fields.some((field) => spec.key[field] === 'hashed');
    this.sparse = spec.sparse === true;
    if (spec.partialFilterExpression) this.partial = compileFilter(spec.partialFilterExpression);
    const directions = this.directions;
    this.ordered = new SortedChunkList<IndexEntry>((a, b) => {
      for (let i = 0; i < directions.length; i++) {
        const order = compareValues(a.values[i], b.values[i]);
        if (order !== 0) return order * directions[i];
      }
      return a.seq - b.seq;
    });
  }

  /** The index as listIndexes shows it. */
  get spec(): IndexSpec {
    return this.currentSpec;
  }

  get unique(): boolean {
    return this.currentSpec.unique === true;
  }

  /** A hidden index is kept up to date (and expires documents) but no query plans with it. */
  get hidden(): boolean {
    return this.currentSpec.hidden === true;
  }

  /**
   * Replaces the options that leave every key as it is (collMod's `hidden`,
   * `expireAfterSeconds`, `unique`, `prepareUnique`). The key pattern, `sparse` and the
   * partial filter decide which keys the index holds, so they must not change.
   */
  respec(spec: IndexSpec): void {
    if (
      spec.name !== this.currentSpec.name ||
      canonicalKey(spec.key) !== canonicalKey(this.currentSpec.key) ||
      spec.sparse !== this.currentSpec.sparse ||
      canonicalKey(spec.partialFilterExpression) !==
        canonicalKey(this.currentSpec.partialFilterExpression)
    ) {
      throw new Error(`bug: respec of index ${this.currentSpec.name} changes its keys`);
    }
    this.currentSpec = spec;
  }

  /** True while some indexed document holds an array on an indexed path. */
  get multikey(): boolean {
    return this.multikeyDocuments > 0;
  }

  /** How many entries the index holds. */
  get size(): number {
    return this.ordered.size;
  }

  /** The keys a document would have in this index (none when it is filtered out). */
  keysFor(document: Document): readonly IndexKey[] {
    return this.indexedKeys(document).keys;
  }

  /** The keys a document would have in this index, and whether they make it multikey. */
  indexedKeys(document: Document): IndexedKeys {
    if (this.partial && !this.partial(document)) return NOT_INDEXED;
    const { keys, anyFieldPresent, multikey } = extractIndexKeys(document, this.fields);
    return this.sparse && !anyFieldPresent ? NOT_INDEXED : { keys, multikey };
  }

  /**
   * For a unique index, or one preparing to become unique (`prepareUnique`), the first of
   * `keys` that the document would newly share with another document. A key the document
   * already holds is never a conflict: an index preparing to be unique may still hold
   * duplicates from before, and rejects only new ones.
   */
  findConflict(keys: readonly IndexKey[], ownId: string | undefined): IndexKey | undefined {
    if (!this.unique && this.currentSpec.prepareUnique !== true) return undefined;
    return keys.find((key) => {
      const entry = this.entries.get(key.key);
      if (!entry) return false;
      return ownId === undefined || !entry.ids.has(ownId);
    });
  }

  /**
   * The keys more than one document holds, in index order, each with the canonical `_id`
   * keys of its documents: what stops the index from becoming unique.
   */
  duplicateKeys(): Array<{ readonly values: readonly unknown[]; readonly ids: string[] }> {
    const duplicates = [...this.entries.values()].filter((entry) => entry.ids.size > 1);
    duplicates.sort((a, b) => {
      for (let i = 0; i < this.directions.length; i++) {
        const order = compareValues(a.values[i], b.values[i]);
        if (order !== 0) return order * this.directions[i];
      }
      return 0;
    });
    return duplicates.map((entry) => ({ values: entry.values, ids: [...entry.ids] }));
  }

  /** The `{ field: value }` document of a key, as E11000 errors show it. */
  keyValue(key: IndexKey): Document {
    const out: Document = {};
    this.fields.forEach((field, i) => setOwnField(out, field, key.values[i]));
    return out;
  }

  /**
   * Records a document's keys, replacing those it had. A document whose keys did not change
   * (most updates touch no indexed field) costs a comparison of key strings.
   */
  set(id: string, seq: number, indexed: IndexedKeys): void {
    const previous = this.byDocument.get(id);
    if (previous && unchanged(previous, indexed)) return;
    this.remove(id);
    if (indexed.keys.length === 0) return;
    const entries: IndexEntry[] = [];
    for (const key of indexed.keys) {
      const hashed = this.entries.get(key.key);
      if (hashed) hashed.ids.add(id);
      else this.entries.set(key.key, { values: key.values, ids: new Set([id]) });
      const entry: IndexEntry = { values: key.values, seq, id };
      this.ordered.insert(entry);
      entries.push(entry);
    }
    this.byDocument.set(id, { ...indexed, entries });
    if (indexed.multikey) this.multikeyDocuments += 1;
  }

  /** Forgets a document's keys. */
  remove(id: string): void {
    const previous = this.byDocument.get(id);
    if (!previous) return;
    for (const key of previous.keys) {
      const hashed = this.entries.get(key.key);
      if (!hashed) continue;
      hashed.ids.delete(id);
      if (hashed.ids.size === 0) this.entries.delete(key.key);
    }
    for (const entry of previous.entries) this.ordered.delete(entry);
    if (previous.multikey) this.multikeyDocuments -= 1;
    this.byDocument.delete(id);
  }

  /** Canonical `_id` keys of the documents holding an exact key. */
  lookup(key: string): ReadonlySet<string> {
    return this.entries.get(key)?.ids ?? new Set();
  }

  /** The position of the first entry for which `before` (monotone in index order) is false. */
  lowerBound(before: (entry: IndexEntry) => boolean): ListPosition {
    return this.ordered.lowerBound(before);
  }

  /** Entries between two positions, in index order (1) or backwards (-1). */
  entriesBetween(start: ListPosition, end: ListPosition, direction: 1 | -1): Generator<IndexEntry> {
    return this.ordered.between(start, end, direction);
  }

  /** The entries between two positions, in index order. */
  sliceBetween(start: ListPosition, end: ListPosition): IndexEntry[] {
    return this.ordered.slice(start, end);
  }

  /** How many entries lie between two positions. */
  countBetween(start: ListPosition, end: ListPosition): number {
    return this.ordered.rank(end) - this.ordered.rank(start);
  }
}

function unchanged(previous: IndexedKeys, next: IndexedKeys): boolean {
  if (previous.multikey !== next.multikey || previous.keys.length !== next.keys.length)
    return false;
  for (let i = 0; i < next.keys.length; i++) {
    if (previous.keys[i].key !== next.keys[i].key) return false;
  }
  return true;
}
