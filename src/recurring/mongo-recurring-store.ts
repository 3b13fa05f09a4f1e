import type { Collection, Db, IndexDescription } from 'mongodb';
import { StorageError } from '../errors';
import { isDuplicateKey } from '../storage/mongo/mongo-job-store';
import type { RecurringRecord } from './recurring-record';

/** Payload bigints are stored as int64; reading them back as `Long` keeps them exact. */
const READ_OPTIONS = { promoteLongs: false } as const;

/**
 * The index of the ticker's one query per tick: definitions not paused, by next run.
 * (`_id` lookups need none of their own.)
 */
export const RECURRING_INDEXES: readonly IndexDescription[] = [
  { key: { paused: 1, nextRunAt: 1 }, name: 'due' },
];

/** The recurring definitions, on one MongoDB collection: `<prefix>recurring`. */
export class MongoRecurringStore {
  private readonly definitions: Collection<RecurringRecord>;

  constructor(db: Db, collectionPrefix: string) {
    this.definitions = db.collection<RecurringRecord>(`${collectionPrefix}recurring`);
  }

  /** The collection (for tests and tooling that inspect storage). */
  get collection(): Collection<RecurringRecord> {
    return this.definitions;
  }

  async ensureIndexes(): Promise<void> {
    await guard('create the recurring job indexes', () =>
      this.definitions.createIndexes([...RECURRING_INDEXES]),
    );
  }

  find(id: string): Promise<RecurringRecord | null> {
    return guard('read the recurring job', () =>
      this.definitions.findOne({ _id: id }, READ_OPTIONS),
    );
  }

  list(): Promise<RecurringRecord[]> {
    return guard('list the recurring jobs', () =>
      this.definitions.find({}, READ_OPTIONS).sort({ _id: 1 }).toArray(),
    );
  }

  /** Inserts a new definition; false when one with the same id exists already. */
  async insert(record: RecurringRecord): Promise<boolean> {
    try {
      await this.definitions.insertOne(record);
      return true;
    } catch (error) {
      if (isDuplicateKey(error, '_id')) return false;
      throw storageError('insert the recurring job', error);
    }
  }

  /** Sets `changes` on the definition; false when it does not exist. */
  async update(id: string, changes: Partial<RecurringRecord>): Promise<boolean> {
    const result = await guard('update the recurring job', () =>
      this.definitions.updateOne({ _id: id }, { $set: changes }),
    );
    return result.matchedCount === 1;
  }

  /**
   * Sets `paused`, only if it is not already so (no write, no `updatedAt` change otherwise).
   * When resuming, `nextRunAt` is set too, on the condition that the cron and time zone are
   * still those it was computed from. True when this call changed the definition.
   */
  async setPaused(
    current: Pick<RecurringRecord, '_id' | 'cron' | 'timeZone'>,
    paused: boolean,
    now: Date,
    nextRunAt?: Date,
  ): Promise<boolean> {
    const set: Partial<RecurringRecord> = { paused, updatedAt: now };
    if (nextRunAt !== undefined) set.nextRunAt = nextRunAt;
    const result = await guard(
      paused ? 'pause the recurring job' : 'resume the recurring job',
      () =>
        this.definitions.updateOne(
          nextRunAt === undefined
            ? { _id: current._id, paused: !paused }
            : { _id: current._id, paused: !paused, cron: current.cron, timeZone: current.timeZone },
          { $set: set },
        ),
    );
    return result.modifiedCount === 1;
  }

  /** Deletes a definition; false when it did not exist. */
  async delete(id: string): Promise<boolean> {
    const result = await guard('remove the recurring job', () =>
      this.definitions.deleteOne({ _id: id }),
    );
    return result.deletedCount === 1;
  }

  /** Definitions not paused whose next run is at or before `horizon`, soonest first. */
  findDue(horizon: Date, limit: number): Promise<RecurringRecord[]> {
    return guard('read due recurring jobs', () =>
      this.definitions
        .find({ paused: false, nextRunAt: { $lte: horizon } }, READ_OPTIONS)
        .sort({ nextRunAt: 1 })
        .limit(limit)
        .toArray(),
    );
  }

  /**
   * Moves `nextRunAt` on from the value `due` was read with, provided nobody moved it (or
   * changed the schedule) in between: of several servers handling the same occurrence, one
   * advances it. True when this call did.
   */
  async advance(
    due: Pick<RecurringRecord, '_id' | 'nextRunAt' | 'cron' | 'timeZone'>,
    nextRunAt: Date,
    last: { lastRunAt: Date; lastJobId: string } | null,
  ): Promise<boolean> {
    const set: Partial<RecurringRecord> = { nextRunAt, ...(last ?? {}) };
    const result = await guard('advance the recurring job', () =>
      this.definitions.updateOne(
        { _id: due._id, nextRunAt: due.nextRunAt, cron: due.cron, timeZone: due.timeZone },
        { $set: set },
      ),
    );
    return result.modifiedCount === 1;
  }
}

function storageError(action: string, error: unknown): StorageError {
  return new StorageError(
    `Could not ${action}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

async function guard<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storageError(action, error);
  }
}
