import type { ClientSession, TransactionOptions } from 'mongodb';
import { snapshotTime } from './driver-internals';
import type { OperationArguments } from './operation-arguments';
import { valueResult, type OperationResult } from './operation-result';
import { toTransactionOptions } from './session-options';
import { SpecRunnerError } from './spec-runner.error';
import type { TestRunnerContext } from './test-runner-context';
import type { Operation } from './unified-test-file';

/** A session operation of the format, as a driver call. */
export type SessionOperation = (
  session: ClientSession,
  args: OperationArguments,
  context: TestRunnerContext,
) => Promise<OperationResult>;

const NOTHING = valueResult(undefined);

/** Session operations by the format's name. */
export const SESSION_OPERATIONS: Readonly<Record<string, SessionOperation>> = {
  async startTransaction(session, args) {
    session.startTransaction(transactionOptions(args));
    return NOTHING;
  },
  async commitTransaction(session) {
    await session.commitTransaction();
    return NOTHING;
  },
  async abortTransaction(session) {
    await session.abortTransaction();
    return NOTHING;
  },
  async getSnapshotTime(session) {
    return valueResult(snapshotTime(session));
  },
  async endSession(session) {
    await session.endSession();
    return NOTHING;
  },
  /**
   * The callback is a list of operations, run in order with their assertions; an
   * operation's error reaches `withTransaction` even when it was expected, so the driver
   * may retry the transaction as the convenient API specifies.
   */
  async withTransaction(session, args, context) {
    const callback = args.required<Operation[]>('callback');
    if (!Array.isArray(callback)) {
      throw new SpecRunnerError('withTransaction: callback must be a list of operations');
    }
    const options = transactionOptions(args);
    await session.withTransaction(async () => {
      for (const operation of callback) await context.runCallbackOperation(operation);
    }, options);
    return NOTHING;
  },
};

/** The transaction options of `startTransaction` or `withTransaction`; nothing else is allowed. */
function transactionOptions(args: OperationArguments): TransactionOptions {
  return toTransactionOptions(args.rest(), 'transaction options');
}
