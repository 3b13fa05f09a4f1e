import { StorageError } from '../../errors';

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
