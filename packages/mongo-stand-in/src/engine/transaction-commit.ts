import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import { canonicalKey } from './canonical-key';
import { CollectionState } from './collection-state';
import { splitNamespace } from './namespace';
import type { Transaction, TransactionWrite } from './transaction';

type Document = Record<string, unknown>;

/** The committed catalog a transaction's writes are applied to (the store, outside any transaction). */
export interface CommittedCatalog {
  getCollection(dbName: string, name: string): CollectionState | undefined;
  getView(dbName: string, name: string): unknown;
  createCollection(dbName: string, name: string, options: Document): CollectionState;
}

/** Where replayed writes go: a collection by namespace, created on request. */
interface ReplayTarget {
  collection(ns: string): CollectionState;
  create(dbName: string, name: string, options: Document): void;
}

/**
 * Replays a transaction's writes, in the order it made them, onto the committed
 * collections. They are first rehearsed on copies of those collections, so that a write
 * that no longer fits (a unique key taken since the snapshot) fails before anything is
 * applied: a commit is all or nothing. Collections the transaction created get its indexes
 * once their documents are in (the transaction's copy holds them all, so they fit).
 * @throws CommandFailure (or DuplicateKeyError) from the rehearsal; nothing is applied then.
 */
export function applyTransaction(transaction: Transaction, catalog: CommittedCatalog): void {
  replay(transaction.writes, rehearsal(catalog));
  replay(transaction.writes, committed(catalog));
  for (const write of transaction.writes) {
    if (write.kind !== 'create') continue;
    const copy = transaction.collection(write.ns, undefined);
    const target = catalog.getCollection(write.dbName, write.name);
    if (!copy || !target) continue;
    for (const index of copy.secondaryIndexes()) target.createIndex({ ...index.spec });
  }
}

function replay(writes: readonly TransactionWrite[], target: ReplayTarget): void {
  for (const write of writes) {
    switch (write.kind) {
      case 'create':
        target.create(write.dbName, write.name, write.options);
        break;
      case 'insert':
        target.collection(write.ns).insert(write.document);
        break;
      case 'update':
        target
          .collection(write.ns)
          .replace(canonicalKey(write.after._id), write.after, write.replacement);
        break;
      case 'delete':
        target.collection(write.ns).remove(canonicalKey(write.document._id));
        break;
      default:
        throw new Error(`bug: a transaction recorded a ${write.kind}`);
    }
  }
}

/** Copies of the committed collections, taken as they are first written: changing them changes nothing else. */
function rehearsal(catalog: CommittedCatalog): ReplayTarget {
  const copies = new Map<string, CollectionState>();
  return {
    collection(ns) {
      let copy = copies.get(ns);
      if (!copy) {
        const { db, coll } = splitNamespace(ns);
        const original = catalog.getCollection(db, coll);
        if (!original) throw gone(ns);
        copy = original.fork(
          () => undefined,
          () => undefined,
        );
        copies.set(ns, copy);
      }
      return copy;
    },
    create(dbName, name, options) {
      const ns = `${dbName}.${name}`;
      if (copies.has(ns) || catalog.getCollection(dbName, name) || catalog.getView(dbName, name)) {
        throw gone(ns);
      }
      copies.set(ns, new CollectionState(dbName, name, options));
    },
  };
}

function committed(catalog: CommittedCatalog): ReplayTarget {
  return {
    collection(ns) {
      const { db, coll } = splitNamespace(ns);
      const collection = catalog.getCollection(db, coll);
      if (!collection) throw new Error(`bug: ${ns} vanished after its rehearsal`);
      return collection;
    },
    create(dbName, name, options) {
      catalog.createCollection(dbName, name, options);
    },
  };
}

/** A collection the transaction wrote was dropped or created by someone else meanwhile. */
function gone(ns: string): CommandFailure {
  return new CommandFailure(
    ErrorCodes.WriteConflict,
    'WriteConflict',
    `Write conflict: ${ns} changed in the catalog since the transaction began. Please retry your operation or multi-document transaction.`,
  );
}
