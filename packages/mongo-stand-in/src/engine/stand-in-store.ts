import { UUID } from 'bson';
import { CommandFailure } from '../command-types';
import { canonicalKey } from './canonical-key';
import { CollectionState } from './collection-state';
import { CursorRegistry } from './cursor-registry';
import { getPathValue } from './document-path';
import { LocalSessionCache } from './local-sessions';
import { ChangeLog } from './change-log';
import { keepsImages, recordChanges } from './change-recorder';
import type { ClusterClock } from '../replica-set-member';
import { splitNamespace, validateCollectionName, validateDatabaseName } from './namespace';
import { runPipeline } from './pipeline-runner';
import { notInTransaction, type Transaction } from './transaction';
import { ReadSnapshots } from './read-snapshots';
import { TransactionRegistry } from './transaction-registry';
import type { ViewDefinition } from './view-definition';
import { WriteNotifier, type WriteListener } from './write-notifier';

type Document = Record<string, unknown>;

interface DatabaseState {
  readonly collections: Map<string, CollectionState>;
  readonly views: Map<string, ViewDefinition>;
}

/** Views may be defined on views; mongod stops at a depth of 20. */
const MAX_VIEW_DEPTH = 20;

/** Settings of a {@link StandInStore}. */
export interface StandInStoreOptions {
  /** How long a transaction may stay open before it is aborted (see TransactionRegistry). */
  readonly transactionLifetimeLimitMs?: number;
}

/**
 * Everything the stand-in stores: databases → collections (documents and indexes) and
 * views, plus the open-cursor registry and the logical sessions in use. Commands run
 * synchronously against it one at a time, which is what makes each of them atomic. A
 * database exists while it holds a collection or a view. Every change to a namespace is
 * reported through {@link writes} once made.
 *
 * A command of a multi-document transaction runs {@link withinTransaction}: the store then
 * resolves namespaces to the transaction's own copies of the collections (its snapshot and
 * its writes) instead of the committed ones, so handlers run unchanged inside it.
 */
export class StandInStore {
  /** Open cursors of every connection. */
  readonly cursors = new CursorRegistry();
  /** Every logical session in use (what `$listLocalSessions` lists). */
  readonly sessions = new LocalSessionCache();
  /** Inserts, updates, deletes, drops and renames, per namespace, as they happen. */
  readonly writes = new WriteNotifier();
  /** The replica-set mode's record of changes (see {@link recordChanges}); none on a standalone. */
  private changeLog: ChangeLog | undefined;
  private readonly databases = new Map<string, DatabaseState>();
  /** The open multi-document transactions (replica-set mode). */
  readonly transactions: TransactionRegistry;
  /** The snapshots that snapshot reads at an earlier cluster time read (replica-set mode). */
  readonly readSnapshots: ReadSnapshots;
  /** The transaction the running command belongs to, if any. */
  private transaction: Transaction | undefined;
  private readonly reportWrite: WriteListener = (event) => this.writes.notify(event);

  constructor(options: StandInStoreOptions = {}) {
    this.transactions = new TransactionRegistry(options.transactionLifetimeLimitMs);
    this.readSnapshots = new ReadSnapshots(this.transactions);
  }

  /** The change log, when the store records changes (replica-set mode). */
  get changes(): ChangeLog | undefined {
    return this.changeLog;
  }

  /**
   * Records every change from now on, at the times `clock` gives (a replica set's oplog,
   * which change streams read). A standalone records nothing. Idempotent.
   */
  recordChanges(clock: ClusterClock): ChangeLog {
    if (this.changeLog) return this.changeLog;
    const log = new ChangeLog(clock);
    recordChanges(this.writes, log, (ns) => {
      const { db, coll } = splitNamespace(ns);
      return keepsImages(this.getCollection(db, coll)?.options);
    });
    this.changeLog = log;
    return log;
  }

  /**
   * Runs `run` with the store seen from inside `transaction` (see the class comment). Not
   * reentrant across transactions: commands run one at a time.
   */
  withinTransaction<T>(transaction: Transaction, run: () => T): T {
    const outer = this.transaction;
    this.transaction = transaction;
    try {
      return run();
    } finally {
      this.transaction = outer;
    }
  }

  /** The collection `db.name`, if it exists (for the running transaction, if any). */
  getCollection(dbName: string, name: string): CollectionState | undefined {
    const committed = this.databases.get(dbName)?.collections.get(name);
    return this.transaction
      ? this.transaction.collection(`${dbName}.${name}`, committed)
      : committed;
  }

  /** The view `db.name`, if it exists. */
  getView(dbName: string, name: string): ViewDefinition | undefined {
    return this.databases.get(dbName)?.views.get(name);
  }

  /**
   * The collection a write goes to, created on first use like mongod does. Writing to a
   * view fails with 166 CommandNotSupportedOnView.
   */
  collectionForWrite(
    dbName: string,
    name: string,
  ): { collection: CollectionState; created: boolean } {
    this.assertWritable(dbName, name);
    const existing = this.getCollection(dbName, name);
    if (existing) return { collection: existing, created: false };
    if (this.transaction) {
      validateDatabaseName(dbName);
      return { collection: this.transaction.create(dbName, name, {}), created: true };
    }
    return { collection: this.addCollection(dbName, name, {}), created: true };
  }

  /** Creates a collection explicitly; 48 NamespaceExists if the name is taken. */
  createCollection(dbName: string, name: string, options: Document): CollectionState {
    validateCollectionName(dbName, name);
    this.refuseExisting(dbName, name);
    if (this.transaction) {
      validateDatabaseName(dbName);
      return this.transaction.create(dbName, name, options);
    }
    return this.addCollection(dbName, name, options);
  }

  private addCollection(dbName: string, name: string, options: Document): CollectionState {
    const database = this.database(dbName);
    this.transactions.beforeCatalogChange(`${dbName}.${name}`, undefined);
    const collection = new CollectionState(
      dbName,
      name,
      options,
      undefined,
      this.reportWrite,
      this.transactions.beforeCommittedChange,
    );
    database.collections.set(name, collection);
    return collection;
  }

  /** Creates a view; 48 NamespaceExists if the name is taken. */
  createView(dbName: string, view: ViewDefinition): void {
    validateCollectionName(dbName, view.name);
    validateCollectionName(dbName, view.viewOn);
    if (this.transaction) {
      throw notInTransaction('Cannot create a view in a multi-document transaction.');
    }
    this.refuseExisting(dbName, view.name);
    this.database(dbName).views.set(view.name, view);
  }

  /**
   * Puts `collection` (which must be in the store) under the namespace `dbName.name`, which
   * must be free, with `options` and, for another database, a new UUID as mongod gives it.
   * Its cursors are left to the caller, who knows why they die.
   */
  moveCollection(
    collection: CollectionState,
    dbName: string,
    name: string,
    options: Document,
  ): CollectionState {
    validateDatabaseName(dbName);
    const source = this.databases.get(collection.dbName);
    if (source?.collections.get(collection.name) !== collection)
      throw new Error(`bug: ${collection.ns} is not in the store`);
    if (this.getCollection(dbName, name) || this.getView(dbName, name))
      throw new Error(`bug: ${dbName}.${name} is taken`);
    this.transactions.beforeCatalogChange(collection.ns, collection);
    this.transactions.beforeCatalogChange(`${dbName}.${name}`, undefined);
    const uuid = dbName === collection.dbName ? collection.uuid : new UUID();
    const moved = collection.movedTo(dbName, name, options, uuid);
    source.collections.delete(collection.name);
    if (source.collections.size === 0 && source.views.size === 0)
      this.databases.delete(collection.dbName);
    this.database(dbName).collections.set(name, moved);
    this.writes.notify({ kind: 'rename', ns: collection.ns, to: moved.ns });
    return moved;
  }

  /** Replaces the definition of an existing view (collMod), keeping its place in listings. */
  replaceView(dbName: string, view: ViewDefinition): void {
    const views = this.databases.get(dbName)?.views;
    if (!views?.has(view.name)) throw new Error(`bug: no view ${dbName}.${view.name}`);
    views.set(view.name, view);
  }

  /** Drops a collection or view; returns what was dropped, undefined when nothing was there. */
  drop(dbName: string, name: string): CollectionState | ViewDefinition | undefined {
    // Inside a transaction only createIndexes drops, what it created and failed to index;
    // the transaction is aborted with the command's failure.
    if (this.transaction) return undefined;
    const database = this.databases.get(dbName);
    if (!database) return undefined;
    const dropped = database.collections.get(name) ?? database.views.get(name);
    if (dropped instanceof CollectionState) {
      this.transactions.beforeCatalogChange(dropped.ns, dropped);
    }
    database.collections.delete(name);
    database.views.delete(name);
    if (database.collections.size === 0 && database.views.size === 0) this.databases.delete(dbName);
    if (dropped) this.killCursorsOf(dbName, name, dropped);
    return dropped;
  }

  /** Drops a database; false when it did not exist. */
  dropDatabase(dbName: string): boolean {
    const database = this.databases.get(dbName);
    for (const collection of database?.collections.values() ?? []) {
      this.transactions.beforeCatalogChange(collection.ns, collection);
    }
    for (const [name, dropped] of [...(database?.collections ?? []), ...(database?.views ?? [])]) {
      this.killCursorsOf(dbName, name, dropped);
    }
    if (!database) return false;
    this.databases.delete(dbName);
    this.writes.notify({ kind: 'dropDatabase', ns: dbName });
    return true;
  }

  /**
   * The cursors of a dropped collection or view die as mongod's query plans do: their next
   * getMore fails with 175 QueryPlanKilled (not 43, as if they had never been). Listeners
   * of the namespace hear of the drop.
   */
  private killCursorsOf(
    dbName: string,
    name: string,
    dropped: CollectionState | ViewDefinition,
  ): void {
    const uuid = dropped instanceof CollectionState ? ` UUID ${dropped.uuid.toHexString()}` : '';
    const failure = new CommandFailure(175, 'QueryPlanKilled', `collection dropped.${uuid}`);
    this.cursors.invalidateForNamespace(dbName, name, failure);
    this.writes.notify({ kind: 'drop', ns: `${dbName}.${name}` });
  }

  /** Names of the databases that exist. */
  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  /** Collections of a database, in creation order. */
  collections(dbName: string): CollectionState[] {
    return [...(this.databases.get(dbName)?.collections.values() ?? [])];
  }

  /** Views of a database, in creation order. */
  views(dbName: string): ViewDefinition[] {
    return [...(this.databases.get(dbName)?.views.values() ?? [])];
  }

  /**
   * The documents a read of `db.name` sees, in natural order: a collection's documents, a
   * view's pipeline output, nothing for a missing namespace. Read-only.
   */
  readDocuments(dbName: string, name: string, depth = 0): Document[] {
    const collection = this.getCollection(dbName, name);
    if (collection) return [...collection.all()];
    const view = this.getView(dbName, name);
    if (!view) return [];
    if (depth >= MAX_VIEW_DEPTH) {
      throw new CommandFailure(
        165,
        'ViewDepthLimitExceeded',
        `View depth too deep or view cycle detected; maximum depth is ${MAX_VIEW_DEPTH}`,
      );
    }
    const source = this.readDocuments(dbName, view.viewOn, depth + 1);
    return runPipeline(source, [...view.pipeline], (other) => this.readDocuments(dbName, other));
  }

  /**
   * Deletes documents whose TTL-indexed date (the earliest, for an array of dates) plus the
   * index's `expireAfterSeconds` is before `now`, as mongod's TTL monitor does every 60 s.
   * The server calls this on its own timer. Returns how many documents were deleted.
   */
  expireTtl(now: Date): number {
    let deleted = 0;
    for (const database of this.databases.values()) {
      for (const collection of database.collections.values()) {
        deleted += expireCollection(collection, now.getTime());
      }
    }
    return deleted;
  }

  private database(dbName: string): DatabaseState {
    validateDatabaseName(dbName);
    let database = this.databases.get(dbName);
    if (!database) {
      database = { collections: new Map(), views: new Map() };
      this.databases.set(dbName, database);
    }
    return database;
  }

  /** Throws unless `db.name` is a valid namespace that is not a view. */
  assertWritable(dbName: string, name: string): void {
    validateCollectionName(dbName, name);
    if (this.getView(dbName, name)) {
      throw new CommandFailure(
        166,
        'CommandNotSupportedOnView',
        `Namespace ${dbName}.${name} is a view, not a collection`,
      );
    }
  }

  private refuseExisting(dbName: string, name: string): void {
    if (this.getCollection(dbName, name) || this.getView(dbName, name)) {
      throw new CommandFailure(
        48,
        'NamespaceExists',
        `Collection ${dbName}.${name} already exists.`,
      );
    }
  }
}

function earliestDate(value: unknown): number | undefined {
  const dates = (Array.isArray(value) ? value : [value]).filter(
    (item): item is Date => item instanceof Date,
  );
  return dates.length === 0 ? undefined : Math.min(...dates.map((date) => date.getTime()));
}

function expireCollection(collection: CollectionState, now: number): number {
  const expired = new Set<string>();
  for (const index of collection.secondaryIndexes()) {
    const seconds = index.spec.expireAfterSeconds;
    if (seconds === undefined) continue;
    for (const document of collection.all()) {
      if (index.keysFor(document).length === 0) continue; // outside a partial/sparse index
      const date = earliestDate(getPathValue(document, index.fields[0]));
      if (date !== undefined && date + seconds * 1000 < now)
        expired.add(canonicalKey(document._id));
    }
  }
  for (const idKey of expired) collection.remove(idKey);
  return expired.size;
}
