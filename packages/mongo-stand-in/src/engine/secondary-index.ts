import { CommandFailure } from '../command-types';
import { compareValues, identicalValues } from './bson-compare';
import { canonicalKey } from './canonical-key';
import { getPathValue } from './document-path';
import { sphereKeyError } from './geo/geo-values';
import { isTextLanguage } from './text-search/text-languages';
import { compileFilter, type DocumentMatcher } from './query-matcher';
import { extractIndexKeys, type IndexKey } from './index-key';
import type { IndexSpec } from './index-spec';
import { isArray } from './intrinsics';
import { ownField, setOwnField } from './own-fields';
import { SortedChunkList, type ListPosition } from './sorted-chunk-list';
import { formatValue } from './value-format';

type Document = Record<string, unknown>;

/** One key of one document, in the index's order. */
export interface IndexEntry {
  /** The key's values in key-pattern order (missing fields are null). */
  readonly values: readonly unknown[];
  /** The document's natural-order sequence number: the last tie-breaker of the order. */
  readonly seq: number;
  /** The document's canonical `_id` key. */
  readonly id: string;
  /** Canonical string of the values, equal for keys MongoDB considers equal. */
  readonly key: string;
}

/** The keys a document has in an index, and whether an indexed path met an array. */
export interface IndexedKeys {
  readonly keys: readonly IndexKey[];
  readonly multikey: boolean;
}

/** A document's entries: one object for the usual single key, an array for several. */
type DocumentEntries = IndexEntry | readonly IndexEntry[];

const NOT_INDEXED: IndexedKeys = { keys: [], multikey: false };

/**
 * One index other than `_id_`. It keeps its keys in index order, each entry followed by the
 * document's natural-order sequence number, so that a range of the index lists its
 * documents in key order and, among equal keys, in natural order (what a stable sort of a
 * collection scan gives). A unique index (or one preparing to be) also maps each canonical
 * key to the documents holding it, for O(1) unique checks. Documents outside a partial
 * filter, or lacking every field of a sparse index, are not in it.
 *
 * An index holds an entry per document, and a collection may have many indexes (Docket's
 * jobs have a dozen): a document's entries are the only objects it costs an index, found
 * again through one map from the document's `_id` key, and an index that checks no
 * uniqueness keeps no map of keys.
 */
export class SecondaryIndex {
  readonly fields: readonly string[];
  /** Per field, 1 ascending or -1 descending (hashed, text and geo fields order ascending). */
  readonly directions: ReadonlyArray<1 | -1>;
  readonly sparse: boolean;
  /** Hashed, text or geo: its key order says nothing of its fields' values, so no plan uses it. */
  readonly special: boolean;
  /** The 2dsphere fields, whose values must be geometries (see geo-values.ts). */
  private readonly sphereFields: readonly string[];
  /** A text index's `language_override` field, whose string values must name a language. */
  private readonly languageField?: string;
  private currentSpec: IndexSpec;
  private readonly partial?: DocumentMatcher;
  private readonly ordered: SortedChunkList<IndexEntry>;
  private readonly byDocument = new Map<string, DocumentEntries>();
  /** The documents whose indexed paths meet an array (what makes the index multikey). */
  private readonly multikeyIds = new Set<string>();
  /**
   * Unique or preparing to be only: per canonical key, the `_id` key of the document holding
   * it, or a set of them where several do (an index preparing to be unique may keep
   * duplicates from before).
   */
  private holders: Map<string, string | Set<string>> | undefined;
  /**
   * The top-level fields a document's entries here derive from (those of its key pattern and
   * its partial filter); undefined for an index whose entries depend on more (text, geo,
   * hashed or wildcard keys, a partial filter with operators beyond `$and` and `$or`).
   */
  private readonly dependsOn: readonly string[] | undefined;

  constructor(spec: IndexSpec) {
    this.currentSpec = spec;
    this.fields = Object.keys(spec.key);
    this.directions = this.fields.map((field) => (Number(spec.key[field]) < 0 ? -1 : 1));
    this.special = this.fields.some((field) => typeof spec.key[field] === 'string');
    this.sphereFields = this.fields.filter((field) => spec.key[field] === '2dsphere');
    if (spec.key._fts === 'text') this.languageField = String(spec.language_override);
    this.sparse = spec.sparse === true;
    if (spec.partialFilterExpression) this.partial = compileFilter(spec.partialFilterExpression);
    if (checksUniqueness(spec)) this.holders = new Map();
    this.dependsOn = this.special ? undefined : topLevelFieldsOf(spec);
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
    if (!checksUniqueness(spec)) this.holders = undefined;
    else if (!this.holders) {
      this.holders = new Map();
      for (const entries of this.byDocument.values()) {
        for (const entry of entriesOf(entries)) this.hold(entry);
      }
    }
  }

  /** True while some indexed document holds an array on an indexed path. */
  get multikey(): boolean {
    return this.multikeyIds.size > 0;
  }

  /** How many entries the index holds. */
  get size(): number {
    return this.ordered.size;
  }

  /**
   * True when a document's entries here are sure to be the same in `after` as in `before`:
   * every field they derive from is identical in both. An update that touched none of them
   * is spared extracting keys it would only find unchanged.
   */
  keepsKeys(before: Document, after: Document): boolean {
    const names = this.dependsOn;
    if (names === undefined) return false;
    for (const name of names) {
      if (!identicalValues(ownField(before, name), ownField(after, name))) return false;
    }
    return true;
  }

  /** The keys a document would have in this index (none when it is filtered out). */
  keysFor(document: Document): readonly IndexKey[] {
    return this.indexedKeys(document).keys;
  }

  /** The keys a document would have in this index, and whether they make it multikey. */
  indexedKeys(document: Document): IndexedKeys {
    if (this.partial && !this.partial(document)) return NOT_INDEXED;
    for (const field of this.sphereFields) checkSphereKeys(document, field);
    if (this.languageField !== undefined) checkLanguageOverride(document, this.languageField);
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
    const holders = this.holders;
    if (!holders) return undefined;
    return keys.find((key) => {
      const holding = holders.get(key.key);
      if (holding === undefined) return false;
      if (ownId === undefined) return true;
      return typeof holding === 'string' ? holding !== ownId : !holding.has(ownId);
    });
  }

  /**
   * The keys more than one document holds, in index order, each with the canonical `_id`
   * keys of its documents: what stops the index from becoming unique.
   */
  duplicateKeys(): Array<{ readonly values: readonly unknown[]; readonly ids: string[] }> {
    const byKey = new Map<string, { values: readonly unknown[]; ids: string[] }>();
    for (const entries of this.byDocument.values()) {
      for (const entry of entriesOf(entries)) {
        const group = byKey.get(entry.key);
        if (group) group.ids.push(entry.id);
        else byKey.set(entry.key, { values: entry.values, ids: [entry.id] });
      }
    }
    const duplicates = [...byKey.values()].filter((group) => group.ids.length > 1);
    duplicates.sort((a, b) => {
      for (let i = 0; i < this.directions.length; i++) {
        const order = compareValues(a.values[i], b.values[i]);
        if (order !== 0) return order * this.directions[i];
      }
      return 0;
    });
    return duplicates;
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
    if (previous && unchanged(previous, indexed, this.multikeyIds.has(id))) return;
    this.remove(id);
    const { keys } = indexed;
    if (keys.length === 0) return;
    const entries: IndexEntry[] = [];
    for (const key of keys) {
      const entry: IndexEntry = { values: key.values, seq, id, key: key.key };
      this.ordered.insert(entry);
      this.hold(entry);
      entries.push(entry);
    }
    this.byDocument.set(id, entries.length === 1 ? entries[0] : entries);
    if (indexed.multikey) this.multikeyIds.add(id);
  }

  /** Forgets a document's keys. */
  remove(id: string): void {
    const previous = this.byDocument.get(id);
    if (!previous) return;
    for (const entry of entriesOf(previous)) {
      this.ordered.delete(entry);
      this.release(entry);
    }
    this.multikeyIds.delete(id);
    this.byDocument.delete(id);
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

  private hold(entry: IndexEntry): void {
    const holders = this.holders;
    if (!holders) return;
    const holding = holders.get(entry.key);
    if (holding === undefined) holders.set(entry.key, entry.id);
    else if (typeof holding === 'string') holders.set(entry.key, new Set([holding, entry.id]));
    else holding.add(entry.id);
  }

  private release(entry: IndexEntry): void {
    const holders = this.holders;
    const holding = holders?.get(entry.key);
    if (holders === undefined || holding === undefined) return;
    if (typeof holding === 'string') {
      if (holding === entry.id) holders.delete(entry.key);
      return;
    }
    holding.delete(entry.id);
    if (holding.size === 1) holders.set(entry.key, holding.values().next().value as string);
  }
}

/**
 * Refuses a document whose value at a 2dsphere-indexed path is no geometry, as mongod does
 * (a missing or null value is left out of the index).
 * @throws CommandFailure 16755.
 */
function checkSphereKeys(document: Document, path: string): void {
  const value = getPathValue(document, path);
  if (value === undefined || value === null) return;
  const error = sphereKeyError(value);
  if (error === undefined) return;
  throw new CommandFailure(
    16755,
    'Location16755',
    `Can't extract geo keys: ${formatValue(document)}  ${error}`,
  );
}

/**
 * Refuses a document whose language override names a language text search does not know.
 * @throws CommandFailure 17262.
 */
function checkLanguageOverride(document: Document, field: string): void {
  const language = getPathValue(document, field);
  if (typeof language !== 'string' || isTextLanguage(language)) return;
  throw new CommandFailure(17262, 'Location17262', `language override unsupported: ${language}`);
}

/** Whether an index refuses keys another document holds (`unique`, `prepareUnique`). */
function checksUniqueness(spec: IndexSpec): boolean {
  return spec.unique === true || spec.prepareUnique === true;
}

function isSingle(entries: DocumentEntries): entries is IndexEntry {
  return !isArray(entries);
}

function entriesOf(entries: DocumentEntries): readonly IndexEntry[] {
  return isSingle(entries) ? [entries] : entries;
}

/**
 * The top-level fields an index's entries derive from: the first name of each key path and
 * of each path its partial filter reads (under `$and` and `$or` only). Undefined when
 * something else could matter: a wildcard key, or any other operator at a filter's top.
 */
function topLevelFieldsOf(spec: IndexSpec): string[] | undefined {
  const names = new Set<string>();
  for (const path of Object.keys(spec.key)) {
    if (path.includes('$**')) return undefined;
    names.add(path.split('.')[0]);
  }
  const filterFields = (filter: unknown): boolean => {
    if (filter === null || typeof filter !== 'object' || isArray(filter)) return false;
    for (const [name, value] of Object.entries(filter)) {
      if (name === '$and' || name === '$or') {
        if (!isArray(value) || !value.every(filterFields)) return false;
      } else if (name.startsWith('$')) return false;
      else names.add(name.split('.')[0]);
    }
    return true;
  };
  if (spec.partialFilterExpression !== undefined && !filterFields(spec.partialFilterExpression)) {
    return undefined;
  }
  return [...names];
}

/** Whether a document's entries hold exactly the keys it would get now. */
function unchanged(previous: DocumentEntries, next: IndexedKeys, multikey: boolean): boolean {
  if (multikey !== next.multikey) return false;
  if (isSingle(previous)) return next.keys.length === 1 && next.keys[0].key === previous.key;
  if (previous.length !== next.keys.length) return false;
  for (let i = 0; i < next.keys.length; i++) {
    if (previous[i].key !== next.keys[i].key) return false;
  }
  return true;
}
