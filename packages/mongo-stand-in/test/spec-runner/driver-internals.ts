import type { ChangeStream, ClientSession } from 'mongodb';
import { SpecRunnerError } from './spec-runner.error';

/**
 * The few members of the Node.js driver that the format needs and the driver keeps out of
 * its public types: the transaction state of a session, the mongos a transaction is pinned
 * to, a snapshot session's time, and the first `aggregate` of a change stream. Each is read here only, through a
 * narrow view, and fails loudly if a driver upgrade moves it.
 */

/** A session's transaction state in the format's words (`assertSessionTransactionState`). */
export type TransactionState = 'none' | 'starting' | 'in_progress' | 'committed' | 'aborted';

/** The driver's `TxnState` values, by the format's state. */
const TRANSACTION_STATES: Readonly<Record<string, TransactionState>> = {
  NO_TRANSACTION: 'none',
  STARTING_TRANSACTION: 'starting',
  TRANSACTION_IN_PROGRESS: 'in_progress',
  TRANSACTION_COMMITTED: 'committed',
  // A transaction committed before any command was sent: committed to the format.
  TRANSACTION_COMMITTED_EMPTY: 'committed',
  TRANSACTION_ABORTED: 'aborted',
};

interface SessionInternals {
  readonly transaction?: {
    readonly state?: unknown;
    readonly server?: { readonly description?: { readonly address?: unknown } };
  };
}

/** The state of `session`'s current (or last) transaction. */
export function transactionState(session: ClientSession): TransactionState {
  const state = (session as unknown as SessionInternals).transaction?.state;
  const known = typeof state === 'string' ? TRANSACTION_STATES[state] : undefined;
  if (!known) throw new SpecRunnerError(`unknown driver transaction state ${String(state)}`);
  return known;
}

/**
 * `host:port` of the mongos `session`'s transaction is pinned to, or `undefined` when it is
 * not pinned (`session.isPinned` is the public part of this).
 */
export function pinnedServerAddress(session: ClientSession): string | undefined {
  if (!session.isPinned) return undefined;
  const address = (session as unknown as SessionInternals).transaction?.server?.description
    ?.address;
  if (typeof address !== 'string') {
    throw new SpecRunnerError('the session is pinned but the driver does not say to which server');
  }
  return address;
}

interface SnapshotSessionInternals {
  snapshotTime?: unknown;
}

/**
 * The time a snapshot session reads at (`getSnapshotTime`): the driver keeps the
 * `atClusterTime` of the session's first read, and sends it with every later read.
 */
export function snapshotTime(session: ClientSession): unknown {
  if (!session.snapshotEnabled) {
    throw new SpecRunnerError('getSnapshotTime: the session is not a snapshot session');
  }
  return (session as unknown as SnapshotSessionInternals).snapshotTime;
}

/**
 * Makes a new snapshot session read at `time` (the `snapshotTime` session option), as the
 * driver does once its first read has answered: it sends `atClusterTime: time` from then on.
 */
export function setSnapshotTime(session: ClientSession, time: unknown): void {
  if (!session.snapshotEnabled) {
    throw new SpecRunnerError('snapshotTime is an option of snapshot sessions only');
  }
  (session as unknown as SnapshotSessionInternals).snapshotTime = time;
}

interface ChangeStreamInternals {
  readonly cursor?: { cursorInit?: () => Promise<void> };
}

/**
 * Runs the change stream's `aggregate`, as `createChangeStream` must, without iterating:
 * the driver's `watch` only sends it on the first iteration, and iterating (`tryNext`)
 * would also send a `getMore` that tests asserting the exact command sequence do not
 * expect. Throws the server's error for a refused pipeline.
 */
export async function openChangeStream(stream: ChangeStream): Promise<void> {
  const cursor = (stream as unknown as ChangeStreamInternals).cursor;
  if (typeof cursor?.cursorInit !== 'function') {
    throw new SpecRunnerError('the driver change stream has no cursor to initialize');
  }
  await cursor.cursorInit();
}
