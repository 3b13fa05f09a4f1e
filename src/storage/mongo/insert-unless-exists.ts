import type { ClientSession, Collection } from 'mongodb';
import { UniqueKeyConflictError } from '../../errors';
import type { JobRecord } from '../job-record';
import type { InsertUnlessExistsOutcome } from '../job-store';
import { guard, isDuplicateKey, storageError } from './mongo-errors';

/** How often the insert retries when the job holding its uniqueKey finishes meanwhile. */
const TRIES = 5;

/**
 * Inserts `record` unless a job with its `_id` exists (`heldBy` null), or an unfinished job
 * holds its uniqueKey (`heldBy` that job's id, which is the record's own when another writer
 * inserted it first). One insert decides both at once (the `_id` index and the partial unique
 * index on `activeUniqueKey`), so of any number of writers racing for the same id or key, one
 * wins. With `session`, the writes are made in it (outside a transaction).
 * @throws UniqueKeyConflictError when the key's holder keeps finishing between the insert and
 *   the read of who holds it.
 */
export async function insertOrFindHolder(
  jobs: Collection<JobRecord>,
  record: JobRecord,
  session?: ClientSession,
): Promise<InsertUnlessExistsOutcome> {
  const key = record.activeUniqueKey;
  for (let attempt = 1; ; attempt++) {
    try {
      await jobs.insertOne(record, { session });
      return { inserted: true };
    } catch (error) {
      if (isDuplicateKey(error, '_id')) return { inserted: false, heldBy: null };
      if (key === undefined || !isDuplicateKey(error, 'activeUniqueKey')) {
        throw storageError('insert the job', error, record._id);
      }
    }
    const holder = await guard('read the job holding the uniqueKey', () =>
      jobs.findOne({ activeUniqueKey: key }, { projection: { _id: 1 }, session }),
    );
    if (holder) return { inserted: false, heldBy: holder._id };
    // The holder finished between the insert and the read: the key is free again.
    if (attempt >= TRIES) throw new UniqueKeyConflictError(key, undefined);
  }
}

/**
 * Inserts `record` unless a job with its `_id` exists, or an unfinished job holds its
 * uniqueKey (see {@link insertOrFindHolder}); `heldBy` is null when the job itself exists.
 */
export async function insertUnlessExists(
  jobs: Collection<JobRecord>,
  record: JobRecord,
): Promise<InsertUnlessExistsOutcome> {
  const outcome = await insertOrFindHolder(jobs, record);
  // The job itself may hold the key: another server inserted it first.
  if (!outcome.inserted && outcome.heldBy === record._id) return { inserted: false, heldBy: null };
  return outcome;
}
