import type { IndexDescription } from 'mongodb';

/**
 * The indexes of the jobs collection, each backing a query Docket runs:
 * - `claim`: due claimable jobs of a queue, most urgent first (priority desc, then due time);
 * - `lease`: the recovery sweep for expired leases of processing jobs;
 * - `unique-key`: at most one unfinished job per `uniqueKey` (partial: only unfinished jobs
 *   carry `activeUniqueKey`);
 * - `continuations`: the children waiting for a parent;
 * - `unresolved-parents`: finished parents whose continuations still need releasing;
 * - `enqueued-by-type`, `scheduled-by-type`: the types of due jobs other than those live
 *   servers handle (the recovery sweep's check for jobs no server will claim): the handled
 *   types fall outside their bounds, so the check reads only the jobs it reports. Partial on
 *   one state each, so the claim (`state: { $in: [enqueued, scheduled] }`) can never be
 *   planned on them, and a job is in at most one of them;
 * - `debounce-key`: at most one pending job per debounce key (partial: only jobs enqueued with
 *   `debounce` carry `debounceKey`, and only while scheduled and never claimed);
 * - `batch`: the jobs of a batch, by state (its end's check for unfinished ones, its
 *   recount, its cancellation, the job list filtered by batch);
 * - `batch-continuations`: the continuations waiting for a batch;
 * - `batch-pending`: the jobs of a batch being created (its start releases them);
 * - `fifo-key`: the unfinished jobs of a FIFO concurrency key in enqueue order (the check that
 *   a job is first in line); partial on FIFO jobs whose `finishedAt` is still null, so a key
 *   leaves no entry once its jobs are done;
 * - `retention`: MongoDB's TTL monitor deletes finished jobs at `expireAt`.
 */
export const JOB_INDEXES: readonly IndexDescription[] = [
  { key: { queue: 1, state: 1, priority: -1, dueAt: 1 }, name: 'claim' },
  { key: { state: 1, leaseExpiresAt: 1 }, name: 'lease' },
  {
    key: { activeUniqueKey: 1 },
    name: 'unique-key',
    unique: true,
    partialFilterExpression: { activeUniqueKey: { $exists: true } },
  },
  {
    key: { debounceKey: 1 },
    name: 'debounce-key',
    unique: true,
    partialFilterExpression: {
      debounceKey: { $exists: true },
      state: 'scheduled',
      attempt: 0,
    },
  },
  {
    key: { parentId: 1, state: 1 },
    name: 'continuations',
    partialFilterExpression: { parentId: { $type: 'string' } },
  },
  {
    key: { hasContinuations: 1, continuationsResolved: 1 },
    name: 'unresolved-parents',
    partialFilterExpression: { hasContinuations: true },
  },
  {
    key: { type: 1 },
    name: 'enqueued-by-type',
    partialFilterExpression: { state: 'enqueued' },
  },
  {
    key: { type: 1, dueAt: 1 },
    name: 'scheduled-by-type',
    partialFilterExpression: { state: 'scheduled' },
  },
  {
    key: { batchId: 1, state: 1 },
    name: 'batch',
    partialFilterExpression: { batchId: { $type: 'string' } },
  },
  {
    key: { awaitsBatch: 1, state: 1 },
    name: 'batch-continuations',
    partialFilterExpression: { awaitsBatch: { $type: 'string' } },
  },
  {
    key: { batchPending: 1 },
    name: 'batch-pending',
    partialFilterExpression: { batchPending: { $type: 'string' } },
  },
  {
    key: { concurrencyKey: 1, createdAt: 1, _id: 1 },
    name: 'fifo-key',
    partialFilterExpression: { keyFifo: true, finishedAt: { $type: 'null' } },
  },
  { key: { expireAt: 1 }, name: 'retention', expireAfterSeconds: 0 },
];
