import type { Document, Long } from 'bson';
import { CommandFailure } from './command-types';
import type { StandInStore } from './engine/stand-in-store';
import type { Transaction } from './engine/transaction';
import { ErrorCodes } from './error-codes';
import { isRetryableErrorCode, txnNumberOf } from './retryable-writes';

/*
 * Multi-document transactions, as the primary of a replica set runs them: the first command
 * carries `lsid`, `txnNumber`, `startTransaction: true` and `autocommit: false` (and the
 * transaction's read concern, if any); the next ones the same `lsid` and `txnNumber` with
 * `autocommit: false`; `commitTransaction` or `abortTransaction` ends it. A higher
 * `txnNumber` on the session aborts the open transaction; a commit may be retried and
 * succeeds again. What a transaction sees and how its writes conflict are the store's
 * business (see TransactionRegistry).
 */

/** Read concern levels a transaction may ask for. */
const TRANSACTION_READ_CONCERNS = new Set(['local', 'majority', 'snapshot']);

/** Whether `command` belongs to a multi-document transaction (it says `autocommit` or `startTransaction`). */
export function isTransactionCommand(command: Document): boolean {
  return command.autocommit !== undefined || command.startTransaction !== undefined;
}

/**
 * Runs a command of a transaction: starts the transaction, continues it, commits or aborts
 * it. `run` executes the command itself, inside the transaction's view of the store, and
 * gives its reply with `ok` (commit and abort answer `{ ok: 1 }` themselves). A
 * command that fails, or a write that reports a write error, aborts the transaction, as on
 * mongod; a write conflict is answered as the command's error (112 WriteConflict).
 * @throws CommandFailure 72 for invalid session fields or a read concern after the first
 *   command, 225 for a `txnNumber` older than the session's latest, 251 NoSuchTransaction,
 *   256 TransactionCommitted, and whatever the command itself fails with.
 */
export function runTransactionCommand(
  name: string,
  command: Document,
  store: StandInStore,
  run: () => Document,
): Document {
  const { sessions, transactions } = store;
  const key = validSessionKey(command, sessions.keyOf(command.lsid));
  const txnNumber = txnNumberOf(command.txnNumber);
  transactions.abortExpired();
  const latest = sessions.latestTxnNumber(key);
  if (latest !== undefined && txnNumber.lessThan(latest)) {
    throw new CommandFailure(
      ErrorCodes.TransactionTooOld,
      'TransactionTooOld',
      `Cannot start transaction ${txnNumber.toString()} on session ${key} because a newer transaction ${latest.toString()} has already started.`,
    );
  }
  let transaction = sessions.transaction(key);
  if (command.startTransaction === true) {
    if (latest?.equals(txnNumber)) {
      throw new CommandFailure(
        50911,
        'Location50911',
        `Cannot start a transaction at given transaction number ${txnNumber.toString()} a transaction with the same number is in state ${transaction?.txnNumber.equals(txnNumber) ? transaction.state : 'retryable write'}`,
      );
    }
    refuseReadConcern(command.readConcern);
    transaction = transactions.begin(txnNumber);
    sessions.recordTransaction(key, transaction);
  } else {
    if (!transaction?.txnNumber.equals(txnNumber)) {
      throw new CommandFailure(
        ErrorCodes.NoSuchTransaction,
        'NoSuchTransaction',
        `Given transaction number ${txnNumber.toString()} does not match any in-progress transactions. The active transaction number is ${latest?.toString() ?? '-1'}`,
      );
    }
    if (command.readConcern !== undefined) {
      throw new CommandFailure(
        ErrorCodes.InvalidOptions,
        'InvalidOptions',
        'Only the first command in a transaction may specify a readConcern',
      );
    }
  }
  if (name === 'commitTransaction') return commit(transaction, store);
  if (name === 'abortTransaction') return abort(transaction, store);
  refuseEnded(transaction, txnNumber);
  return runInside(transaction, store, run);
}

/**
 * The labels mongod gives the reply of a transaction's command, unless it has some already
 * (a fail point's): `TransientTransactionError` when retrying the whole transaction is safe,
 * and for `commitTransaction` and `abortTransaction` `RetryableWriteError` when retrying
 * the command is.
 */
export function labelTransactionError(name: string, reply: Document): Document {
  if (reply.errorLabels !== undefined) return reply;
  const endsTransaction = name === 'commitTransaction' || name === 'abortTransaction';
  const code: unknown = reply.ok === 1 ? undefined : reply.code;
  const concernCode = writeConcernErrorCode(reply);
  const labels: string[] = [];
  if (typeof code === 'number' && isTransient(code, concernCode !== undefined, endsTransaction)) {
    labels.push('TransientTransactionError');
  }
  const retryable = [code, concernCode].some(
    (value) => typeof value === 'number' && isRetryableErrorCode(value),
  );
  if (endsTransaction && retryable) labels.push('RetryableWriteError');
  return labels.length === 0 ? reply : { ...reply, errorLabels: labels };
}

/** Codes after which the whole transaction may be retried, wherever they happen. */
const TRANSIENT_CODES = new Set<number>([
  ErrorCodes.WriteConflict,
  ErrorCodes.LockTimeout,
  239, // SnapshotTooOld
  246, // SnapshotUnavailable
]);

function isTransient(
  code: number,
  hasWriteConcernError: boolean,
  endsTransaction: boolean,
): boolean {
  if (TRANSIENT_CODES.has(code)) return true;
  // A commit that failed its write concern may have been applied: retrying it all is unsafe.
  if (endsTransaction) return code === ErrorCodes.NoSuchTransaction && !hasWriteConcernError;
  return code === ErrorCodes.NoSuchTransaction || isRetryableErrorCode(code);
}

function writeConcernErrorCode(reply: Document): number | undefined {
  const error: unknown = reply.writeConcernError;
  if (error === null || typeof error !== 'object') return undefined;
  const code: unknown = (error as Document).code;
  return typeof code === 'number' ? code : undefined;
}

function validSessionKey(command: Document, key: string | undefined): string {
  if (command.autocommit === true) {
    throw invalidOptions('Specifying autocommit=true is not allowed.');
  }
  if (command.autocommit !== false) {
    throw invalidOptions(
      "'startTransaction' field requires 'autocommit' field to also be specified",
    );
  }
  if (command.startTransaction !== undefined && command.startTransaction !== true) {
    throw invalidOptions('Specifying startTransaction=false is not allowed.');
  }
  if (command.txnNumber === undefined) {
    throw invalidOptions("'autocommit' field requires a transaction number to also be specified");
  }
  if (key === undefined) {
    throw invalidOptions('Transaction number requires a session ID to also be specified');
  }
  return key;
}

/** A transaction reads at `local`, `majority` or `snapshot`, with or without `afterClusterTime`. */
function refuseReadConcern(readConcern: unknown): void {
  if (readConcern === undefined) return;
  const level: unknown =
    readConcern !== null && typeof readConcern === 'object'
      ? (readConcern as Document).level
      : undefined;
  if (level !== undefined && !TRANSACTION_READ_CONCERNS.has(String(level))) {
    throw invalidOptions(
      `The readConcern level must be either 'local' (default), 'majority' or 'snapshot' in order to run in a transaction`,
    );
  }
}

function commit(transaction: Transaction, store: StandInStore): Document {
  // Committing again what was committed answers as the first commit did.
  if (transaction.state === 'committed') return { ok: 1 };
  refuseEnded(transaction, transaction.txnNumber);
  closeCursors(transaction, store);
  store.transactions.commit(transaction, store);
  return { ok: 1 };
}

function abort(transaction: Transaction, store: StandInStore): Document {
  refuseEnded(transaction, transaction.txnNumber);
  closeCursors(transaction, store);
  transaction.abort();
  return { ok: 1 };
}

function refuseEnded(transaction: Transaction, txnNumber: Long): void {
  if (transaction.state === 'committed') {
    throw new CommandFailure(
      ErrorCodes.TransactionCommitted,
      'TransactionCommitted',
      `Transaction ${txnNumber.toString()} has been committed.`,
    );
  }
  if (transaction.state === 'aborted') {
    throw new CommandFailure(
      ErrorCodes.NoSuchTransaction,
      'NoSuchTransaction',
      `Transaction with { txnNumber: ${txnNumber.toString()} } has been aborted.`,
    );
  }
}

function runInside(transaction: Transaction, store: StandInStore, run: () => Document): Document {
  transaction.conflict = undefined;
  let reply: Document;
  try {
    reply = store.withinTransaction(transaction, run);
  } catch (error) {
    transaction.abort();
    throw error;
  }
  // A statement's conflict became a write error of its command: mongod answers it as the
  // command's own error instead, so the client retries the whole transaction.
  if (transaction.conflict) throw transaction.conflict;
  const writeErrors: unknown = reply.writeErrors;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) transaction.abort();
  const cursorId: unknown = (reply.cursor as Document | undefined)?.id;
  if (cursorId !== undefined && String(cursorId) !== '0')
    transaction.cursorIds.push(cursorId as Long);
  return reply;
}

/** The cursors a transaction opened end with it. */
function closeCursors(transaction: Transaction, store: StandInStore): void {
  for (const id of transaction.cursorIds) store.cursors.kill(id);
}

function invalidOptions(message: string): CommandFailure {
  return new CommandFailure(ErrorCodes.InvalidOptions, 'InvalidOptions', message);
}
