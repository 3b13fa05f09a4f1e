import type { Collection, Document } from 'mongodb';
import type { JobRecord } from '../job-record';
import type { JobLease, LostLease } from '../job-store';
import { historyPush } from './history';
import { EXPIRED_LEASE_FILTER, serverTimePlus } from './lease-time';
import { guard } from './mongo-errors';

/**
 * The leases of running jobs: renewed by heartbeats (one `updateMany` for all of a server's),
 * given back by a stopping server, and taken back from servers that stopped renewing them
 * (the recovery sweep). Every write is conditioned on the lease's fencing token, and every
 * deadline is the database's clock plus the lease.
 */
export class MongoLeases {
  constructor(private readonly jobs: Collection<JobRecord>) {}

  async extend(leases: readonly JobLease[], leaseMs: number): Promise<LostLease[]> {
    if (leases.length === 0) return [];
    const extend: Document[] = [{ $set: { leaseExpiresAt: serverTimePlus(leaseMs) } }];
    const result = await guard('extend leases', () =>
      this.jobs.updateMany(
        { state: 'processing', $or: leases.map((l) => ({ _id: l.jobId, fence: l.fence })) },
        extend,
      ),
    );
    if (result.matchedCount === leases.length) return [];
    // Rare path: find out which leases were lost, and why (deleted, or taken over).
    const current = await guard('read lost leases', () =>
      this.jobs
        .find(
          { _id: { $in: leases.map((l) => l.jobId) } },
          { projection: { _id: 1, fence: 1, state: 1 } },
        )
        .toArray(),
    );
    const byId = new Map(current.map((doc) => [doc._id, doc]));
    return leases.flatMap((lease) => {
      const doc = byId.get(lease.jobId);
      const held = doc !== undefined && doc.state === 'processing' && doc.fence === lease.fence;
      return held ? [] : [{ ...lease, state: doc?.state ?? null }];
    });
  }

  async release(
    leases: readonly JobLease[],
    serverId: string,
    now: Date,
    reason: string,
    notBefore?: Date,
  ): Promise<number> {
    if (leases.length === 0) return 0;
    const result = await guard('release leases', () =>
      this.jobs.updateMany(
        { state: 'processing', $or: leases.map((l) => ({ _id: l.jobId, fence: l.fence })) },
        {
          // The due time stays: the job goes back to the place in line it was claimed from.
          $set: { state: 'enqueued', leaseOwner: null, leaseExpiresAt: null },
          // The server gave up, not the job: the attempt does not count.
          $inc: { attempt: -1 },
          $push: historyPush({ state: 'enqueued', at: now, serverId, reason }),
          ...(notBefore === undefined ? {} : { $max: { dueAt: notBefore } }),
        },
      ),
    );
    return result.modifiedCount;
  }

  async recoverExpired(now: Date): Promise<number> {
    const result = await guard('recover expired leases', () =>
      this.jobs.updateMany(EXPIRED_LEASE_FILTER, {
        // The due time stays: the job goes back to the place in line it was claimed from.
        $set: { state: 'enqueued', leaseOwner: null, leaseExpiresAt: null },
        $push: historyPush({
          state: 'enqueued',
          at: now,
          reason: 'lease expired: its worker stopped renewing it',
        }),
      }),
    );
    return result.modifiedCount;
  }
}
