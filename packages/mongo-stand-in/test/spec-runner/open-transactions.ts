import { MongoServerError, type MongoClient } from 'mongodb';
import type { UnifiedTest } from './unified-test-file';

/**
 * Codes a runner may ignore from `killAllSessions`: Interrupted (the server interrupting
 * its own kill), Unauthorized (a user without the privilege) and CommandNotFound.
 */
const IGNORED_CODES = new Set([11601, 13, 59]);

/** Operations that open a transaction on the server. */
const TRANSACTION_OPERATIONS = new Set(['startTransaction', 'withTransaction']);

/**
 * Ends every session on the server (`killAllSessions`), which aborts their open
 * transactions, so that a transaction a test left open cannot block the next test's
 * writes. Errors other than the ignorable ones are thrown.
 */
export async function terminateOpenTransactions(client: MongoClient): Promise<void> {
  try {
    await client.db('admin').command({ killAllSessions: [] });
  } catch (error) {
    if (error instanceof MongoServerError && IGNORED_CODES.has(Number(error.code))) return;
    throw error;
  }
}

/** Whether `test` starts a transaction (`startTransaction`, `withTransaction`). */
export function startsTransactions(test: Pick<UnifiedTest, 'operations'>): boolean {
  return test.operations.some((operation) => TRANSACTION_OPERATIONS.has(operation.name));
}
