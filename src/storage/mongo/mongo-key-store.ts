import type { Collection, Db } from 'mongodb';
import type { JobRecord } from '../job-record';
import type { SlotClaimant } from '../slot-claimant';
import {
  extendHoldersStage,
  extendMatchingHoldersStage,
  LIVE_HOLDERS,
  takeLeasedPlace,
} from './leased-holders';
import { guard } from './mongo-errors';

/** The first unfinished job of a FIFO key. */
type FirstInLine = Pick<JobRecord, '_id' | 'state' | 'dueAt'>;

/** Who holds a key, until when (by the database's clock). */
interface KeyHolder extends SlotClaimant {
  readonly expiresAt: Date;
}

/**
 * A key held by at least one job or lock holder. Deleted when its last holder gives it back;
 * otherwise MongoDB's TTL monitor deletes it once every holder's lease ran out (`expiresAt` is
 * the latest), so no document outlives the work of its key.
 */
interface KeyRecord {
  _id: string;
  holders?: KeyHolder[];
  expiresAt?: Date;
  /** Only on the fencing-token counter of the distributed locks. */
  value?: number;
}

/** The id of the counter the locks' fencing tokens come from (key ids all hold a `:`). */
const LOCK_FENCES_ID = 'lock-fences';

/** The pipeline stage that keeps `expiresAt` at the latest holder's expiry. */
const LATEST_EXPIRY = { $set: { expiresAt: { $max: '$holders.expiresAt' } } };

/**
 * Concurrency keys and distributed locks, in `<prefix>keys`: one document per key only while
 * somebody holds it. Taking a key is one conditional upsert that only matches while fewer
 * than `limit` live holders have it (two servers can never both take its last place), and
 * holders expire like leases (stamped and compared with `$$NOW`, never a worker's clock), so
 * a dead server's keys free themselves. Giving a key back deletes its document when the
 * holder was its only one: a key costs nothing once its jobs are done.
 */
export class MongoKeyStore {
  private readonly keys: Collection<KeyRecord>;
  private readonly jobs: Collection<JobRecord>;

  constructor(db: Db, collectionPrefix: string) {
    this.keys = db.collection<KeyRecord>(`${collectionPrefix}keys`);
    this.jobs = db.collection<JobRecord>(`${collectionPrefix}jobs`);
  }

  /** The TTL index that removes keys whose holders all expired (their servers died). */
  async ensureIndexes(): Promise<void> {
    await guard('create the key indexes', () =>
      this.keys.createIndex({ expiresAt: 1 }, { name: 'expiry', expireAfterSeconds: 0 }),
    );
  }

  /**
   * Takes a place of key `id` for `claimant`, held for `leaseMs` from the database's time now;
   * false when `limit` live holders have it already.
   */
  async acquire(
    id: string,
    limit: number,
    claimant: SlotClaimant,
    leaseMs: number,
  ): Promise<boolean> {
    return takeLeasedPlace(this.keys, id, limit, claimant, leaseMs, 'take a concurrency key', [
      LATEST_EXPIRY,
    ]);
  }

  /**
   * Gives a place back: deletes the key when no other holder is left (one round trip, the
   * usual case of a mutex), else removes this holder from it (two).
   */
  async release(id: string, jobId: string, fence: number): Promise<void> {
    await guard('release a concurrency key', async () => {
      const other = { $or: [{ jobId: { $ne: jobId } }, { fence: { $ne: fence } }] };
      const deleted = await this.keys.deleteOne({
        _id: id,
        holders: { $not: { $elemMatch: other } },
      });
      if (deleted.deletedCount === 1) return;
      // Should the others leave meanwhile, the document left empty expires with its TTL.
      await this.keys.updateOne({ _id: id }, { $pull: { holders: { jobId, fence } } });
    });
  }

  /**
   * Extends the places a server holds for the given jobs to `leaseMs` from the database's time
   * now, in one round trip.
   */
  async extend(
    ids: readonly string[],
    serverId: string,
    jobIds: readonly string[],
    leaseMs: number,
  ): Promise<void> {
    if (ids.length === 0) return;
    await guard('extend concurrency keys', () =>
      this.keys.updateMany({ _id: { $in: [...ids] } }, [
        extendHoldersStage(serverId, jobIds, leaseMs),
        LATEST_EXPIRY,
      ]),
    );
  }

  /**
   * Extends one holder's place while its lease still runs (by the database's clock); false
   * when it ran out or the holder is gone.
   */
  async extendHolder(id: string, holder: SlotClaimant, leaseMs: number): Promise<boolean> {
    const mine = {
      $and: [
        { $eq: ['$$this.jobId', { $literal: holder.jobId }] },
        { $eq: ['$$this.fence', { $literal: holder.fence }] },
      ],
    };
    const result = await guard('extend a lock', () =>
      this.keys.updateOne(
        {
          _id: id,
          $expr: {
            $gt: [{ $size: { $filter: { input: LIVE_HOLDERS, as: 'this', cond: mine } } }, 0],
          },
        },
        [extendMatchingHoldersStage(mine, leaseMs), LATEST_EXPIRY],
      ),
    );
    return result.matchedCount === 1;
  }

  /** The next fencing token of the distributed locks: one more than any given before. */
  async nextLockFence(): Promise<number> {
    const counter = await guard('draw a fencing token', () =>
      this.keys.findOneAndUpdate(
        { _id: LOCK_FENCES_ID },
        { $inc: { value: 1 } },
        { upsert: true, returnDocument: 'after' },
      ),
    );
    return counter!.value!;
  }

  /**
   * The first unfinished job of FIFO key `key` in enqueue order (`createdAt`, then id), with
   * its state and due time; null when none. Reads one entry of the `fifo-key` index.
   */
  async firstInLine(key: string): Promise<FirstInLine | null> {
    const first = await guard('read the first job of a key', () =>
      this.jobs
        .find(
          { concurrencyKey: key, keyFifo: true, finishedAt: { $type: 'null' } },
          { projection: { _id: 1, state: 1, dueAt: 1 } },
        )
        .sort({ concurrencyKey: 1, createdAt: 1, _id: 1 })
        .limit(1)
        .toArray(),
    );
    return first[0] ?? null;
  }
}
