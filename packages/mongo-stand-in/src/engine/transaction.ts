import type { Document, Long } from 'bson';
import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import { CollectionState, type ChangeGuard } from './collection-state';
import type { WriteEvent, WriteListener } from './write-notifier';

/** Where a transaction is in its life. */
export type TransactionState = 'inProgress' | 'committed' | 'aborted';

/** A collection a transaction created, to be created for real when it commits. */
export interface CollectionCreation {
  readonly kind: 'create';
  readonly ns: string;
  readonly dbName: string;
  readonly name: string;
  readonly options: Document;
}

/** One write of a transaction, in the order it made them: what its commit replays. */
export type TransactionWrite = WriteEvent | CollectionCreation;

/**
 * What a transaction asks of the transactions around it before each of its writes: the
 * registry that knows the other open transactions and what was committed since its snapshot.
 */
export interface TransactionWriteCheck {
  /** Throws when writing `idKey` of `ns` (the collection itself when undefined) conflicts. */
  beforeWrite(
    transaction: Transaction,
    collection: CollectionState,
    idKey: string | undefined,
  ): void;
  /** Throws when creating `ns` conflicts. */
  beforeCreate(transaction: Transaction, ns: string): void;
  /** Forgets a transaction that has ended. */
  release(transaction: Transaction): void;
}

/**
 * One multi-document transaction of a session: the snapshot it reads (a lazily forked copy
 * of each collection it touches, taken as it was when the transaction began), the writes it
 * made to those copies in order, and the documents it holds (the ones it wrote, which no
 * other transaction may write until it ends). Nobody else sees its copies; its commit
 * replays its writes onto the real collections (see TransactionRegistry).
 */
export class Transaction {
  private currentState: TransactionState = 'inProgress';
  /** Per namespace, the collection as this transaction sees it; `null` when there is none. */
  private readonly collections = new Map<string, CollectionState | null>();
  /** Namespaces this transaction created. */
  private readonly createdNamespaces = new Set<string>();
  /** Per namespace, the canonical `_id` keys of the documents this transaction wrote. */
  private readonly held = new Map<string, Set<string>>();
  private readonly log: TransactionWrite[] = [];
  /** Cursors opened in this transaction: they end with it. */
  readonly cursorIds: Long[] = [];
  /** The write conflict that aborted this transaction, while the command that hit it runs. */
  conflict: CommandFailure | undefined;
  private readonly record: WriteListener = (event) => this.log.push(event);
  private readonly guard: ChangeGuard = (collection, idKey) =>
    this.check.beforeWrite(this, collection, idKey);

  constructor(
    readonly txnNumber: Long,
    /** The registry's change count when the transaction began: its snapshot. */
    readonly snapshot: number,
    /** When it began (ms since the epoch), for its lifetime limit. */
    readonly startedAt: number,
    private readonly check: TransactionWriteCheck,
  ) {}

  get state(): TransactionState {
    return this.currentState;
  }

  get inProgress(): boolean {
    return this.currentState === 'inProgress';
  }

  /** Its writes, in order. */
  get writes(): readonly TransactionWrite[] {
    return this.log;
  }

  /** Whether this transaction has already taken its view of `ns`. */
  sees(ns: string): boolean {
    return this.collections.has(ns);
  }

  /**
   * The collection `ns` as this transaction sees it: on first use, a copy of `committed`
   * (the collection as it is now, which is as it was at the snapshot: see
   * TransactionRegistry.beforeCommittedChange), or none.
   */
  collection(ns: string, committed: CollectionState | undefined): CollectionState | undefined {
    if (!this.collections.has(ns)) {
      this.collections.set(ns, committed ? committed.fork(this.record, this.guard) : null);
    }
    return this.collections.get(ns) ?? undefined;
  }

  /** Creates the collection `dbName.name` inside this transaction. */
  create(dbName: string, name: string, options: Document): CollectionState {
    const ns = `${dbName}.${name}`;
    this.check.beforeCreate(this, ns);
    if (options.capped === true) {
      throw notInTransaction(`Cannot create a capped collection in a multi-document transaction.`);
    }
    const collection = new CollectionState(
      dbName,
      name,
      options,
      undefined,
      this.record,
      this.guard,
    );
    this.collections.set(ns, collection);
    this.createdNamespaces.add(ns);
    this.log.push({ kind: 'create', ns, dbName, name, options });
    return collection;
  }

  /** Whether this transaction created `ns`. */
  created(ns: string): boolean {
    return this.createdNamespaces.has(ns);
  }

  /** Whether this transaction wrote the document `idKey` of `ns`, or created `ns`. */
  holds(ns: string, idKey?: string): boolean {
    if (idKey === undefined) return this.createdNamespaces.has(ns) || this.held.has(ns);
    return this.held.get(ns)?.has(idKey) === true;
  }

  /** Marks the document `idKey` of `ns` as written by this transaction. */
  hold(ns: string, idKey: string): void {
    let ids = this.held.get(ns);
    if (!ids) {
      ids = new Set();
      this.held.set(ns, ids);
    }
    ids.add(idKey);
  }

  /** Ends the transaction without applying anything; idempotent once ended. */
  abort(): void {
    if (!this.inProgress) return;
    this.currentState = 'aborted';
    this.end();
  }

  /** Marks the transaction committed (its writes are applied by the caller). */
  markCommitted(): void {
    this.currentState = 'committed';
    this.end();
  }

  private end(): void {
    this.collections.clear();
    this.held.clear();
    this.check.release(this);
  }
}

/** 263 OperationNotSupportedInTransaction. */
export function notInTransaction(message: string): CommandFailure {
  return new CommandFailure(
    ErrorCodes.OperationNotSupportedInTransaction,
    'OperationNotSupportedInTransaction',
    message,
  );
}
