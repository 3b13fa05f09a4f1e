import type { Collection, Document, Filter } from 'mongodb';
import type { SlotClaimant } from '../slot-claimant';
import { serverTimePlus } from './lease-time';
import { isDuplicateKey, storageError } from './mongo-errors';

/*
 * Documents whose `holders` array lists leased holders (`{ serverId, jobId, fence,
 * expiresAt }`): global concurrency slots and concurrency keys. A holder counts while its
 * lease runs by the database's clock, and its server extends it with the heartbeat.
 */

/** The expression for a document's holders whose lease has not run out by the database's clock. */
export const LIVE_HOLDERS = {
  $filter: {
    input: { $ifNull: ['$holders', []] },
    cond: { $gt: ['$$this.expiresAt', '$$NOW'] },
  },
};

/**
 * The update stage that extends the leases `serverId` holds for `jobIds` to `leaseMs` from
 * the database's time now, leaving every other holder as it is.
 */
export function extendHoldersStage(serverId: string, jobIds: readonly string[], leaseMs: number) {
  return extendMatchingHoldersStage(
    {
      $and: [
        { $eq: ['$$this.serverId', { $literal: serverId }] },
        { $in: ['$$this.jobId', { $literal: [...jobIds] }] },
      ],
    },
    leaseMs,
  );
}

/**
 * The update stage that extends the leases of the holders matching `held` (an expression on
 * `$$this`, a holder) to `leaseMs` from the database's time now, leaving the others as they are.
 */
export function extendMatchingHoldersStage(held: object, leaseMs: number) {
  return {
    $set: {
      holders: {
        $map: {
          input: { $ifNull: ['$holders', []] },
          in: {
            $cond: [
              held,
              { $mergeObjects: ['$$this', { expiresAt: serverTimePlus(leaseMs) }] },
              '$$this',
            ],
          },
        },
      },
    },
  };
}

/**
 * Takes a place in the document `id` of `collection` for `claimant`, held for `leaseMs` from
 * the database's time now: one conditional upsert that only matches while fewer than `limit`
 * live holders have it, so two servers can never both take its last place. `then` are more
 * update stages run after the holder is added. False when `limit` live holders have it.
 * @throws StorageError - saying it could not `action`.
 */
export async function takeLeasedPlace<T extends { _id: string }>(
  collection: Collection<T>,
  id: string,
  limit: number,
  claimant: SlotClaimant,
  leaseMs: number,
  action: string,
  then: readonly Document[] = [],
): Promise<boolean> {
  const holder = {
    jobId: { $literal: claimant.jobId },
    fence: { $literal: claimant.fence },
    serverId: { $literal: claimant.serverId },
    expiresAt: serverTimePlus(leaseMs),
  };
  try {
    const result = await collection.updateOne(
      { _id: id, $expr: { $lt: [{ $size: LIVE_HOLDERS }, limit] } } as unknown as Filter<T>,
      [{ $set: { holders: { $concatArrays: [LIVE_HOLDERS, [holder]] } } }, ...then],
      { upsert: true },
    );
    return result.modifiedCount + result.upsertedCount === 1;
  } catch (error) {
    // The document exists but is full: the upsert tried to insert a second one.
    if (isDuplicateKey(error, '_id')) return false;
    throw storageError(action, error);
  }
}
