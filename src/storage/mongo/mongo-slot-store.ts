import type { Collection, Db } from 'mongodb';
import { guard, isDuplicateKey } from './mongo-errors';

/** Who holds a slot of a global concurrency limit, until when. */
export interface SlotHolder {
  readonly jobId: string;
  readonly fence: number;
  readonly serverId: string;
  readonly expiresAt: Date;
}

interface SlotRecord {
  _id: string;
  holders: SlotHolder[];
}

/**
 * Global concurrency limits: one document per limited scope (`type:<jobType>` or
 * `queue:<queue>`) listing its holders. Taking a slot is one conditional update that only
 * matches while fewer than `limit` holders are alive, so two servers can never both take the
 * last slot; holders expire like leases, so a dead server's slots free themselves.
 */
export class MongoSlotStore {
  private readonly slots: Collection<SlotRecord>;

  constructor(db: Db, collectionPrefix: string) {
    this.slots = db.collection<SlotRecord>(`${collectionPrefix}slots`);
  }

  /** Takes a slot of `scope` for `holder`; false when `limit` live holders have it already. */
  async acquire(scope: string, limit: number, holder: SlotHolder, now: Date): Promise<boolean> {
    const live = {
      $filter: {
        input: { $ifNull: ['$holders', []] },
        cond: { $gt: ['$$this.expiresAt', now] },
      },
    };
    try {
      const result = await this.slots.updateOne(
        { _id: scope, $expr: { $lt: [{ $size: live }, limit] } },
        [{ $set: { holders: { $concatArrays: [live, [holder]] } } }],
        { upsert: true },
      );
      return result.modifiedCount + result.upsertedCount === 1;
    } catch (error) {
      // The document exists but is full: the upsert tried to insert a second one.
      if (isDuplicateKey(error, '_id')) return false;
      throw error;
    }
  }

  /** Gives a slot back. */
  async release(scope: string, jobId: string, fence: number): Promise<void> {
    await guard('release a concurrency slot', () =>
      this.slots.updateOne({ _id: scope }, { $pull: { holders: { jobId, fence } } }),
    );
  }

  /** Extends every slot a server holds for the given jobs, in one round trip. */
  async extend(
    scopes: readonly string[],
    serverId: string,
    jobIds: readonly string[],
    expiresAt: Date,
  ): Promise<void> {
    if (scopes.length === 0) return;
    await guard('extend concurrency slots', () =>
      this.slots.updateMany(
        { _id: { $in: [...scopes] } },
        { $set: { 'holders.$[held].expiresAt': expiresAt } },
        { arrayFilters: [{ 'held.serverId': serverId, 'held.jobId': { $in: [...jobIds] } }] },
      ),
    );
  }
}
