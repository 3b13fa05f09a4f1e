import { serverTimePlus } from './lease-time';

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
