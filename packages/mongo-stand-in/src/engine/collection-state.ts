import { calculateObjectSize, UUID } from 'bson';
import { CommandFailure } from '../command-types';
import { canonicalKey } from './canonical-key';
import { cappedLimitsOf, type CappedLimits } from './capped-limits';
import { DuplicateKeyError } from './duplicate-key.error';
import {
  ID_INDEX_SPEC,
  identicalIndexExists,
  normaliseIndexSpec,
  type IndexSpec,
} from './index-spec';
import { SecondaryIndex, type IndexedKeys } from './secondary-index';
import { SharedValues } from './shared-values';
import { SortedChunkList } from './sorted-chunk-list';
import { validateId } from './id-validation';
import { IGNORE_WRITES, type WriteListener } from './write-notifier';

type Document = Record<string, unknown>;

/** What {@link CollectionState.createIndex} did. */
export type CreateIndexOutcome = 'created' | 'exists';

/** A stored document's place in natural order: its sequence number and canonical `_id`. */
export interface NaturalPosition {
  readonly seq: number;
  readonly idKey: string;
}

/**
 * Hears of a change to a collection before it is made, and may refuse it by throwing: the
 * document's canonical `_id` key, or `undefined` for the collection as a whole (an index,
 * its options). Transactions use it to keep their snapshot and to find write conflicts.
 */
export type ChangeGuard = (collection: CollectionState, idKey: string | undefined) => void;

/** A guard that lets every change through (a collection no transaction can see). */
export const ALLOW_CHANGES: ChangeGuard = () => undefined;

/**
 * One collection: its documents in insertion (natural) order keyed by canonical `_id`, its
 * indexes, and the write paths that keep both consistent. Stored documents are never
 * mutated in place (an update stores a new object), so cursors may hold them as snapshots.
 * Every write checks all unique indexes before changing anything, so a write that would
 * violate one leaves the collection as it was, and each change is reported to `onWrite`
 * once made.
 *
 * A capped collection (options `capped`, `size`, `max`) evicts its oldest documents, and
 * their index entries, when an insert takes it past either bound, as mongod 7.0 does: never
 * the document just inserted, so a document larger than the whole collection is kept alone.
 * Updates may change a document's size (allowed since 5.0) and evict nothing; deletes are
 * allowed. It also keeps its documents ordered by sequence number, so a tailable cursor
 * finds the documents after its position without scanning from the start.
 */
export class CollectionState {
  private readonly documents = new Map<string, Document>();
  /** Per document, its place in natural order (insertion order, kept by replacements). */
  private readonly sequence = new Map<string, number>();
  private nextSequence = 0;
  private readonly indexes = new Map<string, SecondaryIndex>();
  private currentOptions: Readonly<Document>;
  private limits: CappedLimits | undefined;
  /** Capped only: the documents by sequence number, and their total BSON size. */
  private readonly naturalOrder: SortedChunkList<NaturalPosition> | undefined;
  private dataBytes = 0;
  /** Equal dates and short strings of the stored documents, held once (see SharedValues). */
  private readonly sharedValues = new SharedValues();

  constructor(
    readonly dbName: string,
    readonly name: string,
    options: Readonly<Document> = {},
    readonly uuid: UUID = new UUID(),
    private readonly onWrite: WriteListener = IGNORE_WRITES,
    private readonly beforeChange: ChangeGuard = ALLOW_CHANGES,
  ) {
    this.currentOptions = options;
    this.limits = cappedLimitsOf(options);
    this.naturalOrder = this.limits
      ? new SortedChunkList<NaturalPosition>((a, b) => a.seq - b.seq)
      : undefined;
  }

  /** Whether the collection is capped (which never changes after its creation). */
  get capped(): boolean {
    return this.naturalOrder !== undefined;
  }

  /** The collection's options (`capped`, `validator`...), as listCollections shows them. */
  get options(): Readonly<Document> {
    return this.currentOptions;
  }

  /**
   * Replaces the collection's options (collMod). They change no document: new capped bounds
   * evict what exceeds them on the next insert, as in mongod.
   */
  replaceOptions(options: Readonly<Document>): void {
    this.beforeChange(this, undefined);
    this.currentOptions = options;
    if (this.capped) this.limits = cappedLimitsOf(options);
  }

  /**
   * This collection's documents (in their natural order) and indexes under another
   * namespace, for a rename. Documents are never mutated in place, so both states may share
   * them, but this one must be discarded: its indexes now belong to the other.
   */
  movedTo(dbName: string, name: string, options: Readonly<Document>, uuid: UUID): CollectionState {
    const moved = new CollectionState(dbName, name, options, uuid, this.onWrite, this.beforeChange);
    this.copyDocumentsInto(moved);
    for (const [indexName, index] of this.indexes) moved.indexes.set(indexName, index);
    return moved;
  }

  /** Puts this collection's documents, in their natural order and positions, into `target`. */
  private copyDocumentsInto(target: CollectionState): void {
    for (const [idKey, document] of this.documents) {
      const seq = this.sequenceOf(idKey);
      target.documents.set(idKey, document);
      target.sequence.set(idKey, seq);
      target.naturalOrder?.insert({ seq, idKey });
    }
    target.nextSequence = this.nextSequence;
    target.dataBytes = this.dataBytes;
  }

  /**
   * An independent copy of this collection as it is now (same namespace, options, UUID,
   * documents in the same natural order, indexes rebuilt), reporting to its own listener
   * and guard: what a transaction reads and writes until it commits.
   */
  fork(onWrite: WriteListener, beforeChange: ChangeGuard): CollectionState {
    const copy = new CollectionState(
      this.dbName,
      this.name,
      this.currentOptions,
      this.uuid,
      onWrite,
      beforeChange,
    );
    copy.limits = this.limits;
    this.copyDocumentsInto(copy);
    for (const [indexName, index] of this.indexes) {
      const rebuilt = new SecondaryIndex(index.spec);
      for (const [idKey, document] of this.documents) {
        rebuilt.set(idKey, this.sequenceOf(idKey), rebuilt.indexedKeys(document));
      }
      copy.indexes.set(indexName, rebuilt);
    }
    return copy;
  }

  /** `db.collection`. */
  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  get size(): number {
    return this.documents.size;
  }

  /** The stored documents in natural order. Read-only: never mutate what this yields. */
  all(): IterableIterator<Document> {
    return this.documents.values();
  }

  /** The stored document with this canonical `_id` key, if any. Read-only. */
  get(idKey: string): Document | undefined {
    return this.documents.get(idKey);
  }

  /** The natural-order sequence number of a stored document (smaller comes first). */
  sequenceOf(idKey: string): number {
    return this.sequence.get(idKey) ?? Number.MAX_SAFE_INTEGER;
  }

  /**
   * The documents after `position` (all of them from `undefined`) in natural order, with
   * their positions. Read-only, and the collection must not change while this is iterated.
   */
  *documentsAfter(
    position: NaturalPosition | undefined,
  ): Generator<{ readonly position: NaturalPosition; readonly document: Document }> {
    const after = position?.seq ?? -1;
    if (this.naturalOrder) {
      const order = this.naturalOrder;
      const start = order.lowerBound((entry) => entry.seq <= after);
      const end = order.lowerBound(() => true);
      for (const entry of order.between(start, end, 1)) {
        yield { position: entry, document: this.documents.get(entry.idKey)! };
      }
      return;
    }
    for (const [idKey, document] of this.documents) {
      const seq = this.sequenceOf(idKey);
      if (seq > after) yield { position: { seq, idKey }, document };
    }
  }

  /** Whether the document at `position` is still stored (neither deleted nor evicted). */
  holds(position: NaturalPosition): boolean {
    return this.sequence.get(position.idKey) === position.seq;
  }

  /**
   * Stores a new document (which must have `_id` and belong to nobody else). In a capped
   * collection, the oldest documents then make room, as in mongod.
   */
  insert(document: Document): void {
    validateId(document._id);
    const idKey = canonicalKey(document._id);
    if (this.documents.has(idKey)) {
      throw new DuplicateKeyError(this.ns, '_id_', { _id: 1 }, { _id: document._id });
    }
    this.sharedValues.shareIn(document);
    const plan = this.planKeys(document, undefined);
    this.beforeChange(this, idKey);
    const seq = this.nextSequence++;
    this.documents.set(idKey, document);
    this.sequence.set(idKey, seq);
    for (const [index, keys] of plan) index.set(idKey, seq, keys);
    if (this.naturalOrder) {
      this.naturalOrder.insert({ seq, idKey });
      this.dataBytes += calculateObjectSize(document);
    }
    this.onWrite({ kind: 'insert', ns: this.ns, document });
    this.evictOverflow(idKey);
  }

  /**
   * Replaces the stored document with `_id` key `idKey` by `document` (same `_id`):
   * `replacement` when a replacement document made it, not update operators or a pipeline.
   */
  replace(idKey: string, document: Document, replacement = false): void {
    const before = this.documents.get(idKey);
    if (!before) throw new Error(`bug: no document ${idKey} in ${this.ns}`);
    this.sharedValues.shareIn(document, before);
    const plan = this.planKeys(document, idKey, before);
    this.beforeChange(this, idKey);
    const seq = this.sequenceOf(idKey);
    this.documents.set(idKey, document);
    for (const [index, keys] of plan) index.set(idKey, seq, keys);
    if (this.naturalOrder) {
      this.dataBytes += calculateObjectSize(document) - calculateObjectSize(before);
    }
    this.onWrite({ kind: 'update', ns: this.ns, before, after: document, replacement });
  }

  /** Deletes the document with `_id` key `idKey`; false when there was none. */
  remove(idKey: string): boolean {
    return this.removeDocument(idKey, false);
  }

  /** Deletes every document (indexes stay defined). */
  clear(): void {
    for (const idKey of [...this.documents.keys()]) this.remove(idKey);
  }

  /** All index specs, `_id_` first, in creation order. */
  indexSpecs(): IndexSpec[] {
    return [ID_INDEX_SPEC, ...[...this.indexes.values()].map((index) => index.spec)];
  }

  /** The secondary indexes (everything but `_id_`). */
  secondaryIndexes(): IterableIterator<SecondaryIndex> {
    return this.indexes.values();
  }

  /**
   * Creates an index from a raw `createIndexes` entry. An identical existing index is a
   * no-op ('exists'); a name clash with a different spec is 86 IndexKeySpecsConflict; the
   * same key pattern and options under another name is 85 IndexOptionsConflict. A unique
   * index over existing duplicates fails with 11000 and is not created. A TTL index on a
   * capped collection is 67 CannotCreateIndex, as in mongod 7.0 (8.0 allows it).
   */
  createIndex(raw: unknown): CreateIndexOutcome {
    const spec = normaliseIndexSpec(raw);
    if (this.capped && spec.expireAfterSeconds !== undefined) {
      throw new CommandFailure(
        67,
        'CannotCreateIndex',
        'Cannot create TTL index on a capped collection',
      );
    }
    if (identicalIndexExists(this.indexSpecs(), spec)) return 'exists';
    const index = new SecondaryIndex(spec);
    for (const [idKey, document] of this.documents) {
      const indexed = index.indexedKeys(document);
      // Only a unique index refuses existing duplicates; `prepareUnique` refuses new ones.
      const conflict = index.unique ? index.findConflict(indexed.keys, idKey) : undefined;
      if (conflict)
        throw new DuplicateKeyError(this.ns, spec.name, { ...spec.key }, index.keyValue(conflict));
      index.set(idKey, this.sequenceOf(idKey), indexed);
    }
    this.beforeChange(this, undefined);
    this.indexes.set(spec.name, index);
    return 'created';
  }

  /** Drops a secondary index by name; false when there is none. */
  dropIndex(name: string): boolean {
    if (!this.indexes.has(name)) return false;
    this.beforeChange(this, undefined);
    return this.indexes.delete(name);
  }

  /** The secondary index of this name, if any (`_id_` is not one). */
  secondaryIndex(name: string): SecondaryIndex | undefined {
    return this.indexes.get(name);
  }

  /** The name of the index with this exact key pattern, if any. */
  findIndexByKey(key: Document): string[] {
    const wanted = canonicalKey(key);
    return this.indexSpecs()
      .filter((spec) => canonicalKey(spec.key) === wanted)
      .map((spec) => spec.name);
  }

  private removeDocument(idKey: string, evicted: boolean): boolean {
    const document = this.documents.get(idKey);
    if (!document) return false;
    this.beforeChange(this, idKey);
    const seq = this.sequenceOf(idKey);
    this.documents.delete(idKey);
    this.sequence.delete(idKey);
    for (const index of this.indexes.values()) index.remove(idKey);
    if (this.naturalOrder) {
      this.naturalOrder.delete({ seq, idKey });
      this.dataBytes -= calculateObjectSize(document);
    }
    this.onWrite({ kind: 'delete', ns: this.ns, document, evicted });
    return true;
  }

  /**
   * Evicts the oldest documents while the collection is past its size or its document
   * count, stopping at the one just inserted, which mongod never evicts.
   */
  private evictOverflow(justInserted: string): void {
    const limits = this.limits;
    if (!limits) return;
    // A Map iterates in insertion order, which is natural order: the oldest come first.
    for (const idKey of this.documents.keys()) {
      const overSize = this.dataBytes > limits.size;
      const overCount = limits.max > 0 && this.documents.size > limits.max;
      if ((!overSize && !overCount) || idKey === justInserted) return;
      this.removeDocument(idKey, true);
    }
  }

  /** Each index's keys for `document`, free where unique; for an update, changed ones only. */
  private planKeys(
    document: Document,
    ownId: string | undefined,
    before?: Document,
  ): Array<[SecondaryIndex, IndexedKeys]> {
    const plan: Array<[SecondaryIndex, IndexedKeys]> = [];
    for (const index of this.indexes.values()) {
      if (before && index.keepsKeys(before, document)) continue;
      const keys = index.indexedKeys(document);
      const conflict = index.findConflict(keys.keys, ownId);
      if (conflict) {
        throw new DuplicateKeyError(
          this.ns,
          index.spec.name,
          { ...index.spec.key },
          index.keyValue(conflict),
        );
      }
      plan.push([index, keys]);
    }
    return plan;
  }
}
