import type { Collection, Db } from 'mongodb';
import type { SlotClaimant } from '../slot-claimant';
import { extendHoldersStage, takeLeasedPlace } from './leased-holders';
import { guard } from './mongo-errors';

/** Who holds a slot of a global concurrency limit, until when (by the database's clock). */
interface SlotHolder extends SlotClaimant {
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
 * last slot; holders expire like leases, so a dead server's slots free themselves. Expiry is
 * stamped and compared with the database's clock (`$$NOW`), never a worker's: a worker whose
 * clock runs ahead cannot see a live holder as expired.
 */
export class MongoSlotStore {
  private readonly slots: Collection<SlotRecord>;

  constructor(db: Db, collectionPrefix: string) {
    this.slots = db.collection<SlotRecord>(`${collectionPrefix}slots`);
  }

  /**
   * Takes a slot of `scope` for `claimant`, held for `leaseMs` from the database's time now;
   * false when `limit` live holders have it already.
   */
  async acquire(
    scope: string,
    limit: number,
    claimant: SlotClaimant,
    leaseMs: number,
  ): Promise<boolean> {
    return takeLeasedPlace(this.slots, scope, limit, claimant, leaseMs, 'take a concurrency slot');
  }

  /** Gives a slot back. */
  async release(scope: string, jobId: string, fence: number): Promise<void> {
    await guard('release a concurrency slot', () =>
      this.slots.updateOne({ _id: scope }, { $pull: { holders: { jobId, fence } } }),
    );
  }

  /**
   * Extends every slot a server holds for the given jobs to `leaseMs` from the database's time
   * now, in one round trip.
   */
  async extend(
    scopes: readonly string[],
    serverId: string,
    jobIds: readonly string[],
    leaseMs: number,
  ): Promise<void> {
    if (scopes.length === 0) return;
    await guard('extend concurrency slots', () =>
      this.slots.updateMany({ _id: { $in: [...scopes] } }, [
        extendHoldersStage(serverId, jobIds, leaseMs),
      ]),
    );
  }
}
