import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * A job was to be enqueued inside the caller's transaction, or a handler asked for one
 * (`JobContext.transaction`), but the MongoDB deployment runs no transactions: a standalone
 * server does not, only replica sets and sharded clusters do. Nothing was written.
 */
export class TransactionsUnsupportedError extends DocketError {
  /**
   * @param action - what needed the transaction, and what to do instead, e.g.
   *   `'enqueue in a transaction'` and `'Enqueue without the session'`.
   */
  constructor(
    details: DocketErrorDetails = {},
    action: { readonly what: string; readonly instead: string } = {
      what: 'enqueue in a transaction',
      instead: 'Enqueue without the session',
    },
  ) {
    super(
      `Cannot ${action.what}: this MongoDB is a standalone server, and MongoDB runs ` +
        'transactions on replica sets and sharded clusters only (a one-member replica set ' +
        `will do). ${action.instead}, or run MongoDB as a replica set.`,
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
