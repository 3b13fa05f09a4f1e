import type { Collection } from 'mongodb';
import { UniqueKeyConflictError } from '../../errors';
import type { JobRecord } from '../job-record';
import type { InsertUnlessExistsOutcome } from '../job-store';
import { guard, isDuplicateKey, storageError } from './mongo-errors';

/** How often the insert retries when the job holding its uniqueKey finishes meanwhile. */
const TRIES = 5;

/**
 * Inserts `record` unless a job with its `_id` exists, or an unfinished job holds its
 * uniqueKey. One insert decides both at once (the `_id` index and the partial unique index
 * on `activeUniqueKey`), so of any number of servers racing for the same id or key, one wins.
 */
export async function insertUnlessExists(
  jobs: Collection<JobRecord>,
  record: JobRecord,
): Promise<InsertUnlessExistsOutcome> {
  const key = record.activeUniqueKey;
  for (let attempt = 1; ; attempt++) {
    try {
      await jobs.insertOne(record);
      return { inserted: true };
    } catch (error) {
      if (isDuplicateKey(error, '_id')) return { inserted: false, heldBy: null };
      if (key === undefined || !isDuplicateKey(error, 'activeUniqueKey')) {
        throw storageError('insert the job', error, record._id);
      }
    }
    const holder = await guard('read the job holding the uniqueKey', () =>
      jobs.findOne({ activeUniqueKey: key }, { projection: { _id: 1 } }),
    );
    // The job itself may hold the key: another server inserted it first.
    if (holder) return { inserted: false, heldBy: holder._id === record._id ? null : holder._id };
    // The holder finished between the insert and the read: the key is free again.
    if (attempt >= TRIES) throw new UniqueKeyConflictError(key, undefined);
  }
}
