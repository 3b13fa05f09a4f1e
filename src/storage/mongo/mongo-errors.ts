import {
  MongoServerError,
  MongoBulkWriteError,
  MongoError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoServerSelectionError,
} from 'mongodb';
import { StorageError, TransactionsUnsupportedError } from '../../errors';

/** A MongoDB duplicate key error (E11000), optionally on a given key. */
export function isDuplicateKey(error: unknown, key?: string): boolean {
  const e = error as { code?: number; keyPattern?: Record<string, unknown> } | null;
  return e?.code === 11000 && (key === undefined || e.keyPattern?.[key] !== undefined);
}

/** Runs a storage call, turning any driver error into a `StorageError` that says what failed. */
export async function guard<T>(action: string, run: () => Promise<T>, jobId?: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storageError(action, error, jobId);
  }
}

/** A `StorageError` for a failed `action`, with the driver error as cause. */
export function storageError(action: string, error: unknown, jobId?: string): StorageError {
  const message = error instanceof Error ? error.message : String(error);
  return new StorageError(`Could not ${action}: ${message}`, {
    cause: error,
    ...(jobId === undefined ? {} : { jobId }),
  });
}

/** Labels with which the driver or the server mark an error worth trying again. */
const TRANSIENT_LABELS = [
  MongoErrorLabel.RetryableWriteError,
  MongoErrorLabel.RetryableError,
  MongoErrorLabel.SystemOverloadedError,
  MongoErrorLabel.PoolRequestedRetry,
];

/**
 * Whether a storage error (or the driver error it wraps) is transient: a network error (the
 * connection closed or timed out, whether or not the command ran), no server to select yet
 * (a failover), or an error the driver or server labelled retryable.
 */
export function isTransientMongoError(error: unknown): boolean {
  return isTransient(error instanceof StorageError ? error.cause : error);
}

function isTransient(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) {
    return true;
  }
  if (!(error instanceof MongoError)) return false;
  if (TRANSIENT_LABELS.some((label) => error.hasErrorLabel(label))) return true;
  // bulkWrite wraps a driver error (a lost connection...) in a MongoBulkWriteError, and keeps
  // it as `errorResponse`.
  const wrapped: unknown =
    error instanceof MongoBulkWriteError ? (error.errorResponse as unknown) : undefined;
  return wrapped instanceof Error && wrapped !== error && isTransient(wrapped);
}

/**
 * An error met inside the caller's transaction: a standalone's refusal of transactions
 * (IllegalOperation, 20) as a {@link TransactionsUnsupportedError}; anything else as the
 * driver raised it, labels and all, for the caller's `withTransaction` to judge.
 */
export function inTransactionError(
  error: unknown,
  action?: ConstructorParameters<typeof TransactionsUnsupportedError>[1],
): unknown {
  // The driver words the server's refusal as a want of retryable writes.
  if (
    error instanceof MongoServerError &&
    (error.code === ILLEGAL_OPERATION ||
      /Transaction numbers are only allowed|does not support retryable writes/.test(error.message))
  ) {
    return new TransactionsUnsupportedError({ cause: error }, action);
  }
  return error;
}

/** MongoDB's IllegalOperation code. */
const ILLEGAL_OPERATION = 20;
