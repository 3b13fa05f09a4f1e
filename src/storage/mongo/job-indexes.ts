import type { IndexDescription } from 'mongodb';

/**
 * The indexes of the jobs collection. Each backs a query of the hot path:
 * - `claim`: due claimable jobs by queue, most urgent first (priority desc, then due time);
 * - `lease`: the recovery sweep for expired leases of processing jobs.
 */
export const JOB_INDEXES: readonly IndexDescription[] = [
  { key: { queue: 1, state: 1, priority: -1, dueAt: 1 }, name: 'claim' },
  { key: { state: 1, leaseExpiresAt: 1 }, name: 'lease' },
];
