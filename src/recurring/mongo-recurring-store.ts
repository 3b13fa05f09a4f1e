import type { Collection, Db, Filter, IndexDescription } from 'mongodb';
import { guard, isDuplicateKey, storageError } from '../storage/mongo/mongo-errors';
import { SHAPE_FIELDS } from './definition-changes';
import {
  repeatLimitReached,
  type DueRecurringRecord,
  type RecurringRecord,
} from './recurring-record';

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
   * When resuming, `nextRunAt` is set too, on the condition that the schedule it was computed
   * from (cron or interval, time zone, window, repeat limit and runs) is still the stored one.
   * True when this call changed the definition.
   */
  async setPaused(
    current: RecurringRecord,
    paused: boolean,
    now: Date,
    nextRunAt?: Date | null,
  ): Promise<boolean> {
    const set: Partial<RecurringRecord> = { paused, updatedAt: now };
    if (nextRunAt !== undefined) set.nextRunAt = nextRunAt;
    const result = await guard(
      paused ? 'pause the recurring job' : 'resume the recurring job',
      () =>
        this.definitions.updateOne(
          nextRunAt === undefined
            ? { _id: current._id, paused: !paused }
            : { _id: current._id, paused: !paused, ...sameSchedule(current) },
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
  findDue(horizon: Date, limit: number): Promise<DueRecurringRecord[]> {
    // `$lte` never matches a null `nextRunAt`: every one read has a next run.
    return guard('read due recurring jobs', () =>
      this.definitions
        .find({ paused: false, nextRunAt: { $lte: horizon } }, READ_OPTIONS)
        .sort({ nextRunAt: 1 })
        .limit(limit)
        .toArray(),
    ) as Promise<DueRecurringRecord[]>;
  }

  /**
   * Moves `nextRunAt` on from the value `due` was read with, provided nobody moved it (or
   * changed the schedule) in between: of several servers handling the same occurrence, one
   * advances it, and records what became of it: the job enqueued (`job`, counted in
   * `runCount`), or the occurrence skipped by the overlap policy (`skipped`), and how many
   * occurrences were passed over. True when this call advanced it.
   */
  async advance(
    due: RecurringRecord,
    nextRunAt: Date | null,
    outcome: AdvanceOutcome,
  ): Promise<boolean> {
    const { job, skipped = null, passedOver = 0 } = outcome;
    const set: Partial<RecurringRecord> = { nextRunAt, waiting: false };
    if (job) Object.assign(set, job);
    if (skipped) set.lastSkippedAt = skipped;
    const result = await guard('advance the recurring job', () =>
      this.definitions.updateOne(unchanged(due), {
        $set: set,
        $inc: { runCount: job ? 1 : 0, skippedCount: (skipped ? 1 : 0) + passedOver },
      }),
    );
    return result.modifiedCount === 1;
  }

  /**
   * `queue` overlap policy: marks the due occurrence as waiting for the previous job, so that
   * it is not taken for a missed one however long it waits. True when this call marked it.
   */
  async markWaiting(due: RecurringRecord): Promise<boolean> {
    const result = await guard('mark the recurring job waiting', () =>
      this.definitions.updateOne(
        { ...unchanged(due), waiting: { $ne: true } },
        { $set: { waiting: true } },
      ),
    );
    return result.modifiedCount === 1;
  }

  /**
   * The job of `occurrence` was inserted, but another server, whose insert had found the
   * previous job unfinished an instant earlier, advanced the definition recording that
   * occurrence as skipped. Corrects the record: the occurrence ran (counted in `runCount`,
   * not `skippedCount`), and a repeat limit reached by it ends the schedule.
   */
  async correctSkip(id: string, occurrence: Date, jobId: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const record = await this.find(id);
      if (record?.lastSkippedAt?.getTime() !== occurrence.getTime()) return;
      const runCount = (record.runCount ?? 0) + 1;
      const ended = repeatLimitReached(record, runCount);
      const result = await guard('correct the recurring job', () =>
        this.definitions.updateOne(
          { ...unchanged(record), lastSkippedAt: occurrence },
          {
            $set: {
              runCount,
              skippedCount: Math.max(0, (record.skippedCount ?? 0) - 1),
              lastSkippedAt: null,
              lastRunAt: occurrence,
              lastJobId: jobId,
              ...(ended ? { nextRunAt: null } : {}),
            },
          },
        ),
      );
      if (result.modifiedCount === 1) return;
    }
  }
}

/** What {@link MongoRecurringStore.advance} records about the occurrence it advances from. */
export interface AdvanceOutcome {
  /** The job enqueued for it. */
  readonly job?: { readonly lastRunAt: Date; readonly lastJobId: string } | null;
  /** The occurrence, when the overlap policy skipped it. */
  readonly skipped?: Date | null;
  /** Occurrences passed over without a job (folded into a waiting one, or beyond the backfill bound). */
  readonly passedOver?: number;
}

/**
 * The filter matching a definition only while it is as `read` was: same next run, same run
 * count, same schedule (every field whose change reschedules it; absent fields read as null,
 * which also matches absent).
 */
function unchanged(read: RecurringRecord): Filter<RecurringRecord> {
  return { _id: read._id, nextRunAt: read.nextRunAt, ...sameSchedule(read) };
}

/** A definition whose schedule (what its next run is computed from) is still `read`'s. */
function sameSchedule(read: RecurringRecord): Filter<RecurringRecord> {
  const filter: Record<string, unknown> = { runCount: read.runCount ?? null };
  for (const field of SHAPE_FIELDS) filter[field] = read[field] ?? null;
  return filter as Filter<RecurringRecord>;
}
