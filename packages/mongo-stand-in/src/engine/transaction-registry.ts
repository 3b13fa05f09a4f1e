import { Long } from 'bson';
import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import type { ChangeGuard, CollectionState } from './collection-state';
import { applyTransaction, type CommittedCatalog } from './transaction-commit';
import { notInTransaction, Transaction, type TransactionWriteCheck } from './transaction';

/** mongod's `transactionLifetimeLimitSeconds` default, in milliseconds. */
export const DEFAULT_TRANSACTION_LIFETIME_LIMIT_MS = 60_000;

/**
 * The open transactions of a store, and what keeps each one's snapshot exact and its
 * writes isolated:
 * - before any committed change to a collection (see {@link beforeCommittedChange} and
 *   {@link beforeCatalogChange}), every open transaction that has not yet taken its copy
 *   of that collection takes it, so a copy taken late is still the collection as it was
 *   at the transaction's snapshot;
 * - while a transaction is open, every committed change to a document is numbered, so a
 *   transaction writing a document changed after its snapshot fails with 112 WriteConflict,
 *   as does one writing a document another open transaction wrote (the first writer holds
 *   it, as mongod's document locks do).
 *
 * A committed write to a document an open transaction holds is not made to wait, as mongod
 * would: it goes through and aborts the transaction, whose next command (or commit) then
 * fails with 251 NoSuchTransaction and the `TransientTransactionError` label. A catalog
 * change (create, drop, rename) of a namespace an open transaction wrote aborts it alike.
 */
export class TransactionRegistry implements TransactionWriteCheck {
  private readonly open = new Set<Transaction>();
  /** The open ones that are read-only snapshots (see {@link retainSnapshot}). */
  private readonly views = new Set<Transaction>();
  /** Committed changes numbered while a transaction was open. */
  private changeCount = 0;
  /** Per namespace, per canonical `_id` key, the number of its latest committed change. */
  private readonly documentChanges = new Map<string, Map<string, number>>();
  /** Per namespace, the number of its latest committed catalog change. */
  private readonly catalogChanges = new Map<string, number>();

  /**
   * @param lifetimeLimitMs how long a transaction may stay open before it is aborted
   *   (mongod's `transactionLifetimeLimitSeconds`).
   */
  constructor(
    readonly lifetimeLimitMs = DEFAULT_TRANSACTION_LIFETIME_LIMIT_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many transactions are open. */
  get openCount(): number {
    return this.open.size;
  }

  /** Opens a transaction whose snapshot is the store as it is now. */
  begin(txnNumber: Long): Transaction {
    const transaction = new Transaction(txnNumber, this.changeCount, this.now(), this);
    this.open.add(transaction);
    return transaction;
  }

  /**
   * Keeps the store as it is now as a read-only view that changes are copied away from, as
   * an open transaction's snapshot is (see ReadSnapshots); it lasts until aborted, whatever
   * the lifetime limit.
   */
  retainSnapshot(): Transaction {
    const view = new Transaction(Long.ZERO, this.changeCount, this.now(), this);
    this.open.add(view);
    this.views.add(view);
    return view;
  }

  /** Aborts every open transaction (the member stepped down, as mongod's do). */
  abortAll(): void {
    for (const transaction of [...this.open]) {
      if (!this.views.has(transaction)) transaction.abort();
    }
  }

  /** Aborts the open transactions that have outlived the lifetime limit. */
  abortExpired(): void {
    const now = this.now();
    for (const transaction of [...this.open]) {
      if (this.views.has(transaction)) continue;
      if (now - transaction.startedAt >= this.lifetimeLimitMs) transaction.abort();
    }
  }

  /**
   * Applies an open transaction's writes to the committed collections, all or nothing,
   * then marks it committed. The store's write notifications (and so the change log) see
   * each write as it is applied.
   * @throws CommandFailure 112 WriteConflict, the transaction aborted and nothing applied,
   *   when its writes no longer fit (a unique key taken by a write committed since its
   *   snapshot).
   */
  commit(transaction: Transaction, catalog: CommittedCatalog): void {
    // No longer open: the committed changes below must neither be copied into it nor abort it.
    this.release(transaction);
    try {
      applyTransaction(transaction, catalog);
    } catch (error) {
      transaction.abort();
      if (error instanceof CommandFailure && error.code === ErrorCodes.WriteConflict) throw error;
      throw writeConflict();
    }
    transaction.markCommitted();
  }

  /** The guard of every committed collection (see the class comment). */
  readonly beforeCommittedChange: ChangeGuard = (collection, idKey) => {
    if (this.open.size === 0) return;
    const ns = collection.ns;
    for (const transaction of this.open) transaction.collection(ns, collection);
    if (idKey === undefined) return;
    this.changeCount += 1;
    let changes = this.documentChanges.get(ns);
    if (!changes) {
      changes = new Map();
      this.documentChanges.set(ns, changes);
    }
    changes.set(idKey, this.changeCount);
    for (const transaction of [...this.open]) {
      if (transaction.holds(ns, idKey)) transaction.abort();
    }
  };

  /**
   * Called before `ns` is created, dropped or renamed by a committed command: open
   * transactions keep seeing it as it was (`committed`, or nothing), and those that wrote
   * to it are aborted.
   */
  beforeCatalogChange(ns: string, committed: CollectionState | undefined): void {
    if (this.open.size === 0) return;
    for (const transaction of this.open) transaction.collection(ns, committed);
    this.changeCount += 1;
    this.catalogChanges.set(ns, this.changeCount);
    for (const transaction of [...this.open]) {
      if (transaction.holds(ns)) transaction.abort();
    }
  }

  /** See {@link TransactionWriteCheck.beforeWrite}. */
  beforeWrite(
    transaction: Transaction,
    collection: CollectionState,
    idKey: string | undefined,
  ): void {
    if (!transaction.inProgress) throw transaction.conflict ?? writeConflict();
    const ns = collection.ns;
    if (collection.capped) {
      throw notInTransaction(
        `Collection '${ns}' is a capped collection. Writes in transactions are not allowed on capped collections.`,
      );
    }
    if (idKey === undefined) {
      // Only createIndexes reaches here: the other catalog commands are refused earlier.
      if (!transaction.created(ns)) {
        throw notInTransaction(
          `Cannot create new indexes on existing collection ${ns} in a multi-document transaction.`,
        );
      }
      if (collection.size > 0) {
        throw notInTransaction(
          `Cannot create new indexes on non-empty collection ${ns} in a multi-document transaction.`,
        );
      }
      return;
    }
    const heldByOther = [...this.open].some(
      (other) => other !== transaction && other.holds(ns, idKey),
    );
    if (heldByOther || this.changedSince(transaction, ns, idKey)) this.conflict(transaction);
    transaction.hold(ns, idKey);
  }

  /** See {@link TransactionWriteCheck.beforeCreate}. */
  beforeCreate(transaction: Transaction, ns: string): void {
    const createdByOther = [...this.open].some(
      (other) => other !== transaction && other.created(ns),
    );
    if (createdByOther || this.changedSince(transaction, ns)) this.conflict(transaction);
  }

  /** See {@link TransactionWriteCheck.release}. */
  release(transaction: Transaction): void {
    this.open.delete(transaction);
    this.views.delete(transaction);
    // Every number recorded is at or below any future snapshot: none can matter any more.
    if (this.open.size === 0) {
      this.documentChanges.clear();
      this.catalogChanges.clear();
    }
  }

  private changedSince(transaction: Transaction, ns: string, idKey?: string): boolean {
    const catalog = this.catalogChanges.get(ns) ?? 0;
    const document = idKey === undefined ? 0 : (this.documentChanges.get(ns)?.get(idKey) ?? 0);
    return Math.max(catalog, document) > transaction.snapshot;
  }

  private conflict(transaction: Transaction): never {
    const failure = writeConflict();
    transaction.conflict = failure;
    transaction.abort();
    throw failure;
  }
}

/** mongod's answer to a transaction's write that conflicts with another's. */
function writeConflict(): CommandFailure {
  return new CommandFailure(
    ErrorCodes.WriteConflict,
    'WriteConflict',
    'Caused by :: Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
  );
}
