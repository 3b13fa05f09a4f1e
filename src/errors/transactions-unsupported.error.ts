import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * A job was to be enqueued inside the caller's transaction, but the MongoDB deployment runs
 * no transactions: a standalone server does not, only replica sets and sharded clusters do.
 * Nothing was written.
 */
export class TransactionsUnsupportedError extends DocketError {
  constructor(details: DocketErrorDetails = {}) {
    super(
      'Cannot enqueue in a transaction: this MongoDB is a standalone server, and MongoDB runs ' +
        'transactions on replica sets and sharded clusters only (a one-member replica set ' +
        'will do). Enqueue without the session, or run MongoDB as a replica set.',
      details,
    );
  }

  override get name(): string {
    return 'TransactionsUnsupportedError';
  }

  override get code(): string {
    return 'TRANSACTIONS_UNSUPPORTED';
  }
}
