import type { ClientSession, Collection, Db, MongoClient } from 'mongodb';
import type { BatchState } from '../../batches/batch-types';
import type {
  BatchFinishes,
  BatchListQuery,
  BatchRecord,
  BatchStore,
  EndedBatch,
} from '../batch-store';
import { UNFINISHED_STATES, type JobRecord } from '../job-record';
import type { ReleasedContinuation } from '../job-store';
import type { ResolvedRetention } from '../retention';
import { historyPush } from './history';
import { guard, inTransactionError } from './mongo-errors';
import { checkSessionOwner } from './in-transaction-writes';
import { BATCH_INDEXES } from './batch-indexes';
import { MongoBatchCreation, before } from './mongo-batch-creation';

/** Batches that have ended: their counts no longer change. */
const ENDED_STATES: readonly BatchState[] = ['succeeded', 'finished', 'cancelled'];
/** Batches whose jobs may still run. */
const OPEN_STATES: readonly BatchState[] = ['creating', 'started'];

/** Batches one sweep looks at (of every kind of leftover together). */
const SWEEP_LIMIT = 50;
/** How deep nested batches are followed when a batch is cancelled. */
const MAX_NESTING = 20;

/**
 * Batches in `<prefix>batches`, their jobs in the jobs collection (`batchId`). Counts move by
 * one `$inc` per finished job; a batch ends only once storage shows every job and nested
 * batch ended, by a write conditioned on its state, so that one caller ends it and counts
 * that drifted (a worker that died between its outcome and its count, a requeued job) are
 * corrected then.
 */
export class MongoJobBatches implements BatchStore {
  private readonly batches: Collection<BatchRecord>;
  private readonly creation: MongoBatchCreation;
  private readonly client: MongoClient;

  constructor(
    db: Db,
    collectionPrefix: string,
    private readonly jobs: Collection<JobRecord>,
    private readonly retention: ResolvedRetention,
  ) {
    this.batches = db.collection<BatchRecord>(`${collectionPrefix}batches`);
    this.creation = new MongoBatchCreation(this.batches, jobs);
    this.client = db.client;
  }

  async ensureIndexes(): Promise<void> {
    await guard('create the batch indexes', () => this.batches.createIndexes([...BATCH_INDEXES]));
  }

  create(
    batches: readonly BatchRecord[],
    jobs: readonly JobRecord[],
    now: Date,
    session?: ClientSession,
  ): Promise<void> {
    if (session) checkSessionOwner(this.client, session);
    return this.creation.create(batches, jobs, now, session);
  }

  async count(batchId: string, finishes: BatchFinishes, now: Date): Promise<EndedBatch | null> {
    const after = await guard('count the finished jobs of the batch', () =>
      this.batches.findOneAndUpdate(
        { _id: batchId, state: 'started' },
        {
          $inc: {
            succeeded: finishes.succeeded,
            failed: finishes.failed,
            deleted: finishes.deleted,
          },
          $set: { countedAt: now },
        },
        { returnDocument: 'after', projection: { total: 1, succeeded: 1, failed: 1, deleted: 1 } },
      ),
    );
    if (!after || after.succeeded + after.failed + after.deleted < after.total) return null;
    return this.complete(batchId, now);
  }

  async complete(batchId: string, now: Date): Promise<EndedBatch | null> {
    const unfinishedJob = await guard('look for unfinished jobs of the batch', () =>
      this.jobs.findOne(
        { batchId, state: { $in: [...UNFINISHED_STATES] } },
        { projection: { _id: 1 } },
      ),
    );
    const unfinishedBatch =
      unfinishedJob ??
      (await guard('look for unfinished nested batches', () =>
        this.batches.findOne(
          { parentBatchId: batchId, state: { $in: [...OPEN_STATES] } },
          { projection: { _id: 1 } },
        ),
      ));
    if (unfinishedBatch) {
      // Checked: the sweep leaves it alone until it is idle again.
      await guard('mark the batch checked', () =>
        this.batches.updateOne({ _id: batchId, state: 'started' }, { $set: { countedAt: now } }),
      );
      return null;
    }
    const batch = await guard('read the batch', () => this.batches.findOne({ _id: batchId }));
    if (!batch || batch.state !== 'started') return null;
    // Counts that add up are the record (jobs removed by retention meanwhile included);
    // counts that drifted are taken again from storage.
    const counts =
      batch.succeeded + batch.failed + batch.deleted === batch.total
        ? { succeeded: batch.succeeded, failed: batch.failed, deleted: batch.deleted }
        : await this.exactCounts(batchId);
    const state = counts.failed + counts.deleted === 0 ? 'succeeded' : 'finished';
    const ended = await guard('end the batch', () =>
      this.batches.updateOne(
        { _id: batchId, state: 'started' },
        {
          $set: {
            ...counts,
            state,
            finishedAt: now,
            countedAt: now,
            continuationsResolved: false,
            expireAt: this.expiry(now),
          },
        },
      ),
    );
    return ended.modifiedCount === 1
      ? { id: batchId, state, parentBatchId: batch.parentBatchId }
      : null;
  }

  async resolveContinuations(batch: EndedBatch, now: Date): Promise<ReleasedContinuation[]> {
    const children = await guard('read the continuations of the batch', () =>
      this.jobs
        .find(
          { awaitsBatch: batch.id, state: 'awaiting' },
          { projection: { _id: 1, type: 1, queue: 1, batchCondition: 1 } },
        )
        .toArray(),
    );
    const runs = (child: Pick<JobRecord, 'batchCondition'>) =>
      batch.state === 'succeeded' ||
      (batch.state === 'finished' && child.batchCondition === 'finished');
    const run = children.filter(runs);
    const cancel = children.filter((child) => !runs(child));
    if (run.length > 0) {
      await guard('release the continuations of the batch', () =>
        this.jobs.updateMany(
          { _id: { $in: run.map((child) => child._id) }, state: 'awaiting' },
          {
            $set: { state: 'enqueued', dueAt: now },
            $push: historyPush({
              state: 'enqueued',
              at: now,
              reason: `batch ${batch.id} ${batch.state}`,
            }),
          },
        ),
      );
    }
    if (cancel.length > 0) {
      await guard('cancel the continuations of the batch', () =>
        this.jobs.updateMany(
          { _id: { $in: cancel.map((child) => child._id) }, state: 'awaiting' },
          {
            $set: {
              state: 'deleted',
              finishedAt: now,
              expireAt: new Date(now.getTime() + this.retention.deletedMs),
            },
            $unset: { activeUniqueKey: '' },
            $push: historyPush({
              state: 'deleted',
              at: now,
              reason: `cancelled: batch ${batch.id} ${batch.state}`,
            }),
          },
        ),
      );
    }
    await guard('mark the continuations of the batch resolved', () =>
      this.batches.updateOne({ _id: batch.id }, { $set: { continuationsResolved: true } }),
    );
    const released = (state: 'enqueued' | 'deleted') => (child: JobRecord) => ({
      jobId: child._id,
      jobType: child.type,
      queue: child.queue,
      state,
    });
    return [...run.map(released('enqueued')), ...cancel.map(released('deleted'))];
  }

  async claimEndNotice(batchId: string): Promise<boolean> {
    const claimed = await guard('mark the end of the batch told', () =>
      this.batches.updateOne({ _id: batchId, endTold: { $ne: true } }, { $set: { endTold: true } }),
    );
    return claimed.modifiedCount === 1;
  }

  async addContinuation(record: JobRecord, session?: ClientSession): Promise<BatchState | null> {
    const batchId = record.awaitsBatch!;
    if (session) checkSessionOwner(this.client, session);
    if (session?.inTransaction()) {
      // The mark first: a batch ending meanwhile conflicts with the transaction, which retries.
      try {
        const state = await this.markForContinuation(batchId, session);
        if (state !== null) await this.jobs.insertOne(record, { session });
        return state;
      } catch (error) {
        throw inTransactionError(error);
      }
    }
    // The mark follows the insert: a batch that ends after it finds the continuation when it
    // reads its continuations; one that ended before is flagged for its resolution.
    await guard('store the continuation', () => this.jobs.insertOne(record), record._id);
    const state = await guard('mark the batch', () => this.markForContinuation(batchId));
    if (state === null) {
      await guard('remove the continuation', () => this.jobs.deleteOne({ _id: record._id }));
    }
    return state;
  }

  async cancel(batchId: string, now: Date): Promise<EndedBatch[] | null> {
    const root = await guard('read the batch', () =>
      this.batches.findOne({ _id: batchId }, { projection: { _id: 1 } }),
    );
    if (!root) return null;
    const ids = [batchId];
    let frontier = [batchId];
    for (let depth = 0; depth < MAX_NESTING && frontier.length > 0; depth++) {
      const nested = await guard('read the nested batches', () =>
        this.batches
          .find({ parentBatchId: { $in: frontier } }, { projection: { _id: 1 } })
          .toArray(),
      );
      frontier = nested.map((batch) => batch._id);
      ids.push(...frontier);
    }
    const cancelled: EndedBatch[] = [];
    for (const id of ids) {
      const batch = await guard('cancel the batch', () =>
        this.batches.findOneAndUpdate(
          { _id: id, state: { $in: [...OPEN_STATES] } },
          {
            $set: {
              state: 'cancelled',
              finishedAt: now,
              continuationsResolved: false,
              expireAt: this.expiry(now),
            },
          },
          { projection: { parentBatchId: 1 } },
        ),
      );
      if (batch) cancelled.push({ id, state: 'cancelled', parentBatchId: batch.parentBatchId });
    }
    return cancelled;
  }

  get(batchId: string): Promise<BatchRecord | null> {
    return guard('read the batch', () => this.batches.findOne({ _id: batchId }));
  }

  list(query: BatchListQuery): Promise<BatchRecord[]> {
    return guard('list the batches', () =>
      this.batches
        .find({
          ...(query.state === undefined ? {} : { state: query.state }),
          ...(query.parentBatchId === undefined ? {} : { parentBatchId: query.parentBatchId }),
          ...(query.before === undefined ? {} : { _id: { $lt: query.before } }),
        })
        .sort({ _id: -1 })
        .limit(query.limit)
        .toArray(),
    );
  }

  async sweep(now: Date, idleMs: number): Promise<EndedBatch[]> {
    const idleSince = new Date(now.getTime() - idleMs);
    // Started batches without a count for `idleMs` (a count may have been lost), and ended
    // batches not resolved though they ended `idleMs` ago (their ender is resolving the
    // newer ones), besides the creations' leftovers: one query, each clause on its index,
    // so that an idle server's sweep costs one round trip.
    const idle = { state: 'started', countedAt: { $lt: idleSince } } as const;
    const unresolved = { continuationsResolved: false, finishedAt: { $lt: idleSince } } as const;
    const found = await guard('find batches left over', () =>
      this.batches
        .find(
          { $or: [...this.creation.leftoverFilters(now), idle, unresolved] },
          {
            projection: {
              state: 1,
              rootBatchId: 1,
              parentBatchId: 1,
              createdAt: 1,
              startedAt: 1,
              finishedAt: 1,
              countedAt: 1,
              pendingRelease: 1,
              continuationsResolved: 1,
            },
          },
        )
        .limit(SWEEP_LIMIT)
        .toArray(),
    );
    await this.creation.settle(found, now);
    for (const batch of found) {
      if (batch.state === 'started' && before(batch.countedAt, idleSince))
        await this.complete(batch._id, now);
    }
    return found
      .filter(
        (batch) => batch.continuationsResolved === false && before(batch.finishedAt, idleSince),
      )
      .map((batch) => ({
        id: batch._id,
        state: batch.state as EndedBatch['state'],
        parentBatchId: batch.parentBatchId,
      }));
  }

  /**
   * Counts a continuation on its batch; an ended batch is flagged for the resolution of its
   * continuations. Returns the batch's state, or null when there is no such batch.
   */
  private async markForContinuation(
    batchId: string,
    session?: ClientSession,
  ): Promise<BatchState | null> {
    const ended = await this.batches.findOneAndUpdate(
      { _id: batchId, state: { $in: [...ENDED_STATES] } },
      { $inc: { continuations: 1 }, $set: { continuationsResolved: false } },
      { session, projection: { state: 1 } },
    );
    if (ended) return ended.state;
    const batch = await this.batches.findOneAndUpdate(
      { _id: batchId },
      { $inc: { continuations: 1 } },
      { session, projection: { state: 1 } },
    );
    return batch?.state ?? null;
  }

  private async exactCounts(batchId: string): Promise<BatchFinishes> {
    const counts: BatchFinishes = { succeeded: 0, failed: 0, deleted: 0 };
    const jobStates = await guard('count the jobs of the batch', () =>
      this.jobs
        .aggregate<{ _id: string; n: number }>([
          { $match: { batchId } },
          { $group: { _id: '$state', n: { $sum: 1 } } },
        ])
        .toArray(),
    );
    for (const { _id, n } of jobStates) {
      if (_id === 'succeeded' || _id === 'failed' || _id === 'deleted') counts[_id] += n;
    }
    const nested = await guard('count the nested batches', () =>
      this.batches
        .aggregate<{ _id: BatchState; n: number }>([
          { $match: { parentBatchId: batchId } },
          { $group: { _id: '$state', n: { $sum: 1 } } },
        ])
        .toArray(),
    );
    for (const { _id, n } of nested) {
      if (_id === 'succeeded') counts.succeeded += n;
      else if (_id === 'finished') counts.failed += n;
      else if (_id === 'cancelled') counts.deleted += n;
    }
    return counts;
  }

  private expiry(now: Date): Date {
    return new Date(now.getTime() + this.retention.failedMs);
  }
}
