import type { ClientSession, Collection, Filter } from 'mongodb';
import { StorageError } from '../../errors';
import type { BatchRecord } from '../batch-store';
import type { JobRecord } from '../job-record';
import { historyPush } from './history';
import { guard, inTransactionError } from './mongo-errors';

/** Jobs per `insertMany` while a batch is written. */
const INSERT_CHUNK = 1_000;
/** A batch still `creating` this long after it was created was abandoned by its creator. */
export const BATCH_CREATION_TIMEOUT_MS = 15 * 60_000;
/** A started root whose jobs are not all released this long after its start is released by the sweep. */
const RELEASE_GRACE_MS = 60_000;

/**
 * The writing of a batch and its jobs so that all of them become runnable or none does: in
 * the caller's transaction, or in state `creating` (jobs waiting in `awaiting`, marked with
 * the root) until one write on the root starts it (the commit), after which its jobs are
 * released by writes that may be repeated (the recovery sweep finishes a release cut short,
 * and removes creations that never started).
 */
export class MongoBatchCreation {
  constructor(
    private readonly batches: Collection<BatchRecord>,
    private readonly jobs: Collection<JobRecord>,
  ) {}

  async create(
    batches: readonly BatchRecord[],
    jobs: readonly JobRecord[],
    now: Date,
    session?: ClientSession,
  ): Promise<void> {
    if (session?.inTransaction()) return this.createInTransaction(batches, jobs, now, session);
    const root = batches[0]._id;
    try {
      await guard('store the batches', () =>
        this.batches.insertMany(
          batches.map((batch) => ({ ...batch, state: 'creating' as const })),
          { ordered: true, session },
        ),
      );
      const pending = jobs.map((job) => pendingJob(job, root, now));
      for (let start = 0; start < pending.length; start += INSERT_CHUNK) {
        await guard('store the jobs of the batch', () =>
          this.jobs.insertMany(pending.slice(start, start + INSERT_CHUNK), {
            ordered: true,
            session,
          }),
        );
      }
      // The commit: from here on the batch exists, whatever happens to the release.
      const started = await guard('start the batch', () =>
        this.batches.updateOne(
          { _id: root, state: 'creating' },
          { $set: { state: 'started', startedAt: now, countedAt: now, pendingRelease: true } },
          { session },
        ),
      );
      if (started.matchedCount === 0) {
        throw new StorageError(
          `Could not start batch ${root}: it was cancelled, or taken for abandoned, while its jobs were written`,
        );
      }
    } catch (error) {
      await this.abort(root).catch(() => undefined);
      throw error;
    }
    await this.release(root, now);
  }

  private async createInTransaction(
    batches: readonly BatchRecord[],
    jobs: readonly JobRecord[],
    now: Date,
    session: ClientSession,
  ): Promise<void> {
    try {
      await this.batches.insertMany(
        batches.map((batch) => ({ ...batch, state: 'started' as const, startedAt: now })),
        { ordered: true, session },
      );
      for (let start = 0; start < jobs.length; start += INSERT_CHUNK) {
        await this.jobs.insertMany(jobs.slice(start, start + INSERT_CHUNK), {
          ordered: true,
          session,
        });
      }
    } catch (error) {
      throw inTransactionError(error);
    }
  }

  /**
   * Makes the jobs of a started root runnable (idempotent: the sweep repeats it after a
   * failure): its nested batches start first, so that their jobs' counts find them started.
   */
  private async release(root: string, now: Date): Promise<void> {
    await guard('start the nested batches', () =>
      this.batches.updateMany(
        { rootBatchId: root, state: 'creating' },
        { $set: { state: 'started', startedAt: now, countedAt: now } },
      ),
    );
    const reason = `batch ${root} started`;
    const waiting = {
      batchPending: root,
      state: 'awaiting' as const,
      awaitsBatch: { $exists: false },
    };
    await guard('release the jobs of the batch', () =>
      this.jobs.updateMany(
        { ...waiting, dueAt: { $lte: now } },
        {
          $set: { state: 'enqueued' },
          $unset: { batchPending: '' },
          $push: historyPush({ state: 'enqueued', at: now, reason }),
        },
      ),
    );
    await guard('release the scheduled jobs of the batch', () =>
      this.jobs.updateMany(waiting, {
        $set: { state: 'scheduled' },
        $unset: { batchPending: '' },
        $push: historyPush({ state: 'scheduled', at: now, reason }),
      }),
    );
    // The batch's continuations keep waiting, now for the batch.
    await guard('release the continuations of the batch', () =>
      this.jobs.updateMany({ batchPending: root }, { $unset: { batchPending: '' } }),
    );
    await guard('mark the batch released', () =>
      this.batches.updateOne({ _id: root }, { $unset: { pendingRelease: '' } }),
    );
  }

  /** Removes a creation that did not start: its jobs, then its batches. */
  private async abort(root: string): Promise<void> {
    const batch = await guard('read the batch', () =>
      this.batches.findOne({ _id: root }, { projection: { state: 1 } }),
    );
    if (batch && batch.state !== 'creating' && batch.state !== 'cancelled') return;
    await guard('remove the jobs of an unstarted batch', () =>
      this.jobs.deleteMany({ batchPending: root }),
    );
    await guard('remove an unstarted batch', () =>
      this.batches.deleteMany({ rootBatchId: root, state: { $in: ['creating', 'cancelled'] } }),
    );
  }

  /**
   * What the recovery sweep looks for on behalf of creations (see {@link settle}): roots whose
   * release was cut short, and creations abandoned by their creator. Read by the sweep's one
   * query together with the other leftovers.
   */
  leftoverFilters(now: Date): Array<Filter<BatchRecord>> {
    return [
      { pendingRelease: true, startedAt: { $lt: releaseDeadline(now) } },
      { state: 'creating', createdAt: { $lt: creationDeadline(now) } },
    ];
  }

  /**
   * Finishes the releases cut short and removes the abandoned creations among `found` (the
   * batches the sweep read, with their `state`, `pendingRelease`, `startedAt`, `createdAt`
   * and `rootBatchId`; those matching neither filter of {@link leftoverFilters} are left alone).
   */
  async settle(found: readonly BatchRecord[], now: Date): Promise<void> {
    for (const batch of found) {
      if (batch.pendingRelease === true && before(batch.startedAt, releaseDeadline(now)))
        await this.release(batch._id, now);
    }
    const abandoned = found.filter(
      (batch) => batch.state === 'creating' && before(batch.createdAt, creationDeadline(now)),
    );
    for (const root of new Set(abandoned.map((batch) => batch.rootBatchId))) await this.abort(root);
  }
}

function releaseDeadline(now: Date): Date {
  return new Date(now.getTime() - RELEASE_GRACE_MS);
}

function creationDeadline(now: Date): Date {
  return new Date(now.getTime() - BATCH_CREATION_TIMEOUT_MS);
}

/** `at` is a date before `deadline` (what `{ $lt: deadline }` matches). */
export function before(at: unknown, deadline: Date): boolean {
  return at instanceof Date && at.getTime() < deadline.getTime();
}

/** A job of a batch being created: waiting, marked with its root, until the batch starts. */
function pendingJob(job: JobRecord, root: string, now: Date): JobRecord {
  return {
    ...job,
    state: 'awaiting',
    batchPending: root,
    history: [{ state: 'awaiting', at: now, reason: `batch ${root} being created` }],
  };
}
