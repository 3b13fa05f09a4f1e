import type { Filter } from 'mongodb';
import type { JobRecord } from '../job-record';
import type { JobLease } from '../job-store';

/*
 * Time that decides ownership is the database server's (docs/design.md, guarantee 8): lease and slot
 * expiry are stamped as `$$NOW` plus a duration inside the write, and compared with `$$NOW`
 * inside the query, so a worker whose clock runs fast cannot see a healthy lease as expired,
 * and one whose clock runs slow cannot stamp a lease that is already over. Workers pass
 * durations, never instants. (`$$NOW` is fixed for the whole statement.)
 */

/** The aggregation expression for "the database's time now, plus `ms`". */
export function serverTimePlus(ms: number): { $add: [string, number] } {
  return { $add: ['$$NOW', ms] };
}

/**
 * The recovery sweep's filter: processing jobs whose lease lapsed by the database's clock.
 * The equality and `$type` bound the `lease` index scan to processing jobs with a lease; the
 * `$expr` compares with `$$NOW` (and would match a null expiry otherwise: null sorts first).
 */
export const EXPIRED_LEASE_FILTER: Filter<JobRecord> = {
  state: 'processing',
  leaseExpiresAt: { $type: 'date' },
  $expr: { $lt: ['$leaseExpiresAt', '$$NOW'] },
};

/** The filter that makes a write conditional on still holding the lease (fencing). */
export function heldBy(lease: JobLease): Filter<JobRecord> {
  return { _id: lease.jobId, fence: lease.fence, state: 'processing' };
}
