import type { Document } from 'bson';
import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';

/**
 * Runs one statement of a write command; a CommandFailure it throws becomes a write error
 * (`{ index, code, errmsg, ...extra }` — keyPattern/keyValue for E11000) and anything else
 * propagates, as does an expired `maxTimeMS`: mongod fails the whole command for it.
 * Returns false when the statement failed.
 */
export function runStatement(
  index: number,
  writeErrors: Document[],
  statement: () => void,
): boolean {
  try {
    statement();
    return true;
  } catch (error) {
    if (!(error instanceof CommandFailure) || error.code === ErrorCodes.MaxTimeMSExpired) {
      throw error;
    }
    writeErrors.push({ index, code: error.code, errmsg: error.message, ...error.extra });
    return false;
  }
}

/** Adds `writeErrors` to a write reply when there are any. */
export function withWriteErrors(reply: Document, writeErrors: Document[]): Document {
  return writeErrors.length > 0 ? { ...reply, writeErrors } : reply;
}
