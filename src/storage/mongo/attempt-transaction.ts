import type { ClientSession, Collection, MongoClient } from 'mongodb';
import type { JobRecord } from '../job-record';
import type { FinishEntry, FinishResult } from '../job-store';
import type { ResolvedRetention } from '../retention';
import { outcomeUpdate } from './mongo-batch-writes';
import { heldBy } from './lease-time';
import { inTransactionError } from './mongo-errors';

/** Thrown inside the transaction when the lease is gone: it aborts, and the caller learns why. */
export class FenceMismatch extends Error {
  override readonly name = 'FenceMismatch';
}

/**
 * Runs `work` in a transaction of a new session and records, in the same transaction, the
 * outcome `entry()` builds once `work` is done, on the condition that the job still carries
 * the entry's lease (its fence, in state `processing`). Either both commit or neither does:
 * a handler whose lease was taken over, or whose worker died before the commit, leaves none
 * of `work`'s writes behind, and the attempt that commits is the only one whose effects
 * exist. `withTransaction` runs `work` again after a transient error (a write conflict, a
 * step-down), each time in a fresh transaction.
 * @throws FenceMismatch when the lease was lost (nothing committed).
 * @throws TransactionsUnsupportedError on a standalone server; what `work` throws; MongoDB's
 *   errors once `withTransaction` gives up (nothing committed, or, for a commit whose result
 *   stayed unknown, maybe committed: the job's state tells).
 */
export async function commitWithOutcome<T>(
  client: MongoClient,
  jobs: Collection<JobRecord>,
  retention: ResolvedRetention,
  work: (session: ClientSession) => Promise<T>,
  entry: () => FinishEntry,
): Promise<{ value: T; result: FinishResult }> {
  const session = client.startSession();
  try {
    let result: FinishResult | undefined;
    const value = await session.withTransaction(async () => {
      const value = await work(session);
      const finished = entry();
      const job = await jobs.findOneAndUpdate(
        heldBy(finished.lease),
        outcomeUpdate(finished, retention),
        { session, projection: { _id: 0, hasContinuations: 1 } },
      );
      if (!job) throw new FenceMismatch(`job ${finished.lease.jobId} is no longer held`);
      result = {
        hasContinuations: finished.outcome.state !== 'scheduled' && job.hasContinuations === true,
      };
      return value;
    });
    return { value, result: result! };
  } catch (error) {
    throw inTransactionError(error, {
      what: "run a handler's writes in a transaction",
      instead: 'Write without `ctx.transaction` (at-least-once: make the writes idempotent)',
    });
  } finally {
    await session.endSession().catch(() => undefined);
  }
}
