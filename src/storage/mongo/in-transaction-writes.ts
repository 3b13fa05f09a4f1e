import type { ClientSession, Collection, MongoClient } from 'mongodb';
import { DuplicateJobIdError, InvalidOptionsError } from '../../errors';
import type { JobRecord } from '../job-record';
import type { InsertOptions } from '../job-store';
import { inTransactionError } from './mongo-errors';

/*
 * Job writes made in the caller's transaction (the outbox). MongoDB's errors stay the
 * driver's, labels and all, so that the caller's `withTransaction` can retry them; only a
 * standalone's refusal of transactions becomes a TransactionsUnsupportedError.
 */

/**
 * A session of another client would write through a connection Docket does not use.
 * @throws InvalidOptionsError for a session of another `MongoClient`.
 */
export function checkSessionOwner(client: MongoClient, session: ClientSession): void {
  const owner: unknown = (session as unknown as { client?: unknown }).client;
  if (owner !== undefined && owner !== client) {
    throw new InvalidOptionsError(
      'session belongs to another MongoClient: start it from the client Docket uses',
      { option: 'session' },
    );
  }
}

/**
 * Inserts a job in the caller's transaction. A duplicate key would abort the transaction,
 * so the holder of its `uniqueKey` is looked for first (a holder committed since the
 * transaction's snapshot makes the insert a write conflict, which the caller's
 * `withTransaction` retries, and the retry finds it). So is a job holding an id the caller
 * chose.
 * @throws DuplicateJobIdError when `options.callerId` and a job has the id (the transaction
 *   goes on unharmed).
 */
export async function insertInTransaction(
  jobs: Collection<JobRecord>,
  record: JobRecord,
  session: ClientSession,
  options: InsertOptions = {},
): Promise<string> {
  const key = record.activeUniqueKey;
  await checkIdFree(jobs, record._id, session, options);
  try {
    if (key !== undefined) {
      const holder = await jobs.findOne(
        { activeUniqueKey: key },
        { projection: { _id: 1 }, session },
      );
      if (holder) return holder._id;
    }
    await jobs.insertOne(record, { session });
    return record._id;
  } catch (error) {
    throw inTransactionError(error);
  }
}

/**
 * Throws a DuplicateJobIdError when the caller chose `id` and a job has it, read in the
 * transaction (its insert would abort the transaction otherwise).
 */
export async function checkIdFree(
  jobs: Collection<JobRecord>,
  id: string,
  session: ClientSession,
  options: InsertOptions,
): Promise<void> {
  if (!options.callerId) return;
  let existing: Pick<JobRecord, '_id'> | null;
  try {
    existing = await jobs.findOne({ _id: id }, { projection: { _id: 1 }, session });
  } catch (error) {
    throw inTransactionError(error);
  }
  if (existing) throw new DuplicateJobIdError(id);
}

/** Inserts jobs without uniqueKeys in the caller's transaction, in one ordered round trip. */
export async function insertManyInTransaction(
  jobs: Collection<JobRecord>,
  records: readonly JobRecord[],
  session: ClientSession,
): Promise<void> {
  try {
    await jobs.insertMany([...records], { ordered: true, session });
  } catch (error) {
    throw inTransactionError(error);
  }
}
