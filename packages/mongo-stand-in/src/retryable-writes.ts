import { Long, type Document } from 'bson';
import { CommandFailure } from './command-types';
import { isNumeric, numericValue, bsonTag } from './engine/bson-value';
import type { LocalSessionCache } from './engine/local-sessions';
import { ErrorCodes } from './error-codes';

/*
 * Retryable writes, as a replica-set member runs them: a write carrying `lsid` and
 * `txnNumber` is executed once. When the driver sends it again (its reply was lost to a
 * network error or a step-down), the first execution's reply is returned and nothing is
 * applied twice; an older `txnNumber` on the session is refused. Each session remembers
 * its latest retryable write only, as mongod's session catalog does.
 */

/** The commands that may carry a `txnNumber` outside a transaction. */
const RETRYABLE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);

/**
 * Error codes after which a driver retries a write: a reply carrying one (as its error or
 * as its `writeConcernError`) is labelled `RetryableWriteError`, as mongod labels it.
 */
const RETRYABLE_ERROR_CODES = new Set<number>([
  ErrorCodes.HostUnreachable,
  ErrorCodes.HostNotFound,
  ErrorCodes.NetworkTimeout,
  ErrorCodes.ShutdownInProgress,
  ErrorCodes.PrimarySteppedDown,
  ErrorCodes.ExceededTimeLimit,
  ErrorCodes.SocketException,
  ErrorCodes.NotWritablePrimary,
  ErrorCodes.InterruptedAtShutdown,
  ErrorCodes.InterruptedDueToReplStateChange,
  ErrorCodes.NotPrimaryNoSecondaryOk,
  ErrorCodes.NotPrimaryOrSecondary,
]);

/** Whether a driver retries a write that failed with `code` (mongod's retriable errors). */
export function isRetryableErrorCode(code: number): boolean {
  return RETRYABLE_ERROR_CODES.has(code);
}

/** Whether `command` is a retryable write: a `txnNumber` outside any transaction. */
export function isRetryableWrite(command: Document): boolean {
  return command.txnNumber !== undefined && command.autocommit === undefined;
}

/**
 * Runs a retryable write once per `(lsid, txnNumber)`: a retry gets the first reply back.
 * `key` is the session's key (see session-key.ts), undefined when `lsid` names no session.
 * @throws CommandFailure 50768 for a command that cannot be retried, 72 for a multi-document
 *   update or delete, 225 TransactionTooOld for a `txnNumber` below the session's latest.
 */
export function runRetryableWrite(
  name: string,
  command: Document,
  sessions: LocalSessionCache,
  key: string | undefined,
  run: () => Document,
): Document {
  if (!RETRYABLE_COMMANDS.has(name)) {
    throw new CommandFailure(
      50768,
      'Location50768',
      `txnNumber may only be provided for multi-document transactions and retryable write commands. autocommit:false was not provided, and ${name} is not a retryable write command.`,
    );
  }
  refuseMultiWrites(name, command);
  const txnNumber = txnNumberOf(command.txnNumber);
  if (key === undefined) {
    throw new CommandFailure(
      ErrorCodes.InvalidOptions,
      'InvalidOptions',
      'Transaction number requires a session ID to also be specified',
    );
  }
  const latest = sessions.latestTxnNumber(key);
  if (latest !== undefined && txnNumber.lessThan(latest)) {
    throw new CommandFailure(
      ErrorCodes.TransactionTooOld,
      'TransactionTooOld',
      `Retryable write with txnNumber ${txnNumber.toString()} is prohibited on session ${key} because a newer retryable write or transaction with txnNumber ${latest.toString()} has already started on this session.`,
    );
  }
  const previous = sessions.retryableWrite(key);
  if (previous?.txnNumber.equals(txnNumber) && previous.commandName === name) {
    return { ...previous.reply };
  }
  const transaction = sessions.transaction(key);
  if (transaction?.txnNumber.equals(txnNumber)) {
    throw new CommandFailure(
      50911,
      'Location50911',
      `Cannot start a retryable write at txnNumber ${txnNumber.toString()} on session ${key}: a transaction with the same number is in state ${transaction.state}`,
    );
  }
  // A higher number ends the session's transaction, as it does on mongod.
  transaction?.abort();
  const reply = run();
  // A command-level failure executed nothing: its retry runs afresh.
  if (reply.ok === 1) sessions.recordRetryableWrite(key, { txnNumber, commandName: name, reply });
  return reply;
}

/** Adds `RetryableWriteError` to the reply of a retryable write that failed retryably. */
export function labelRetryableError(reply: Document): Document {
  if (reply.errorLabels !== undefined) return reply;
  const code = reply.ok === 1 ? writeConcernErrorCode(reply) : reply.code;
  if (typeof code !== 'number' || !RETRYABLE_ERROR_CODES.has(code)) return reply;
  return { ...reply, errorLabels: ['RetryableWriteError'] };
}

function writeConcernErrorCode(reply: Document): unknown {
  const error: unknown = reply.writeConcernError;
  return error !== null && typeof error === 'object' ? (error as Document).code : undefined;
}

/** A command's `txnNumber` as a Long. @throws CommandFailure 14 for another type. */
export function txnNumberOf(value: unknown): Long {
  if (bsonTag(value) === 'Long') return value as Long;
  if (isNumeric(value) && Number.isInteger(Number(numericValue(value)))) {
    return Long.fromNumber(Number(numericValue(value)));
  }
  throw new CommandFailure(
    ErrorCodes.TypeMismatch,
    'TypeMismatch',
    "BSON field 'OperationSessionInfo.txnNumber' is the wrong type, expected type 'long'",
  );
}

function refuseMultiWrites(name: string, command: Document): void {
  const statements: unknown = name === 'update' ? command.updates : command.deletes;
  if ((name !== 'update' && name !== 'delete') || !Array.isArray(statements)) return;
  const multi = statements.some((statement: unknown) => {
    const s = statement as Document;
    return name === 'update' ? s.multi === true : s.limit === 0;
  });
  if (multi) {
    throw new CommandFailure(
      ErrorCodes.InvalidOptions,
      'InvalidOptions',
      `Cannot use (or request) retryable writes with ${name === 'update' ? 'multi=true' : 'limit=0'}`,
    );
  }
}
