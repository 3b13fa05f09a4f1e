import type { IndexDescription } from 'mongodb';

/**
 * The indexes of `<prefix>batches`:
 * - `state`: started batches idle since long (the recovery sweep), and lists by state;
 * - `nested`: the batches inside one;
 * - `root`: every batch of one creation;
 * - `unresolved`: ended batches whose continuations and parent were not told yet;
 * - `pending-release`: started roots whose jobs may not all be released;
 * - `retention`: MongoDB's TTL monitor deletes ended batches at `expireAt`.
 */
export const BATCH_INDEXES: readonly IndexDescription[] = [
  { key: { state: 1, countedAt: 1 }, name: 'state' },
  {
    key: { parentBatchId: 1, state: 1 },
    name: 'nested',
    partialFilterExpression: { parentBatchId: { $type: 'string' } },
  },
  { key: { rootBatchId: 1 }, name: 'root' },
  {
    key: { continuationsResolved: 1 },
    name: 'unresolved',
    partialFilterExpression: { continuationsResolved: false },
  },
  {
    key: { pendingRelease: 1 },
    name: 'pending-release',
    partialFilterExpression: { pendingRelease: true },
  },
  { key: { expireAt: 1 }, name: 'retention', expireAfterSeconds: 0 },
];
