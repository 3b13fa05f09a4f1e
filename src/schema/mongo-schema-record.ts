import type { Collection, Db } from 'mongodb';
import { guard, isDuplicateKey, storageError } from '../storage/mongo/mongo-errors';
import { serverTimePlus } from '../storage/mongo/lease-time';
import type { SchemaStep } from './schema-step';
import type { AppliedSchemaStep } from './schema-status';
import {
  formatSchemaVersion,
  UNRECORDED_SCHEMA_VERSION,
  type SchemaVersion,
} from './schema-version';

/** The migration lock: who migrates, to which version, until when (database time). */
export interface SchemaLock {
  readonly owner: string;
  readonly toMajor: number;
  readonly to: string;
  readonly expiresAt: Date;
}

/** The one document of `<prefix>schema`. */
export interface SchemaRecord {
  _id: typeof RECORD_ID;
  major: number;
  minor: number;
  updatedAt: Date;
  applied?: AppliedSchemaStep[];
  lock?: SchemaLock;
}

const RECORD_ID = 'schema';

/**
 * The collections every Docket version creates at its start: a database holding one of
 * them (and no version record) was written by a Docket that predates the record.
 */
const FOOTPRINT = ['jobs', 'recurring'];

/**
 * The schema version record, `<prefix>schema`: one document saying which version the
 * database is at, the steps that brought it there, and the lock of a migration under way.
 * Lock expiry is the database's time (`$$NOW`), as for job leases.
 */
export class MongoSchemaRecord {
  private readonly records: Collection<SchemaRecord>;

  constructor(
    private readonly db: Db,
    private readonly collectionPrefix: string,
  ) {
    this.records = db.collection<SchemaRecord>(`${collectionPrefix}schema`);
  }

  read(): Promise<SchemaRecord | null> {
    return guard('read the schema version', () => this.records.findOne({ _id: RECORD_ID }));
  }

  /** Whether the database holds collections an earlier Docket created (read only). */
  async holdsDocketCollections(): Promise<boolean> {
    const names = FOOTPRINT.map((name) => `${this.collectionPrefix}${name}`);
    const found = await guard('list the collections', () =>
      this.db.listCollections({ name: { $in: names } }, { nameOnly: true }).toArray(),
    );
    return found.length > 0;
  }

  /** Stamps a new database with `version`; false when another process stamped it first. */
  async create(version: SchemaVersion): Promise<boolean> {
    try {
      await this.records.insertOne({
        _id: RECORD_ID,
        major: version.major,
        minor: version.minor,
        updatedAt: new Date(),
        applied: [],
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw storageError('record the schema version', error);
    }
  }

  /** Records a database without a record at the version it was written in (idempotent). */
  async recordUnrecorded(): Promise<void> {
    const { major, minor } = UNRECORDED_SCHEMA_VERSION;
    try {
      await this.records.updateOne(
        { _id: RECORD_ID },
        { $setOnInsert: { major, minor, updatedAt: new Date(), applied: [] } },
        { upsert: true },
      );
    } catch (error) {
      // Two upserts of a missing document race to insert it: the loser's is a duplicate.
      if (!isDuplicateKey(error)) throw storageError('record the schema version', error);
    }
  }

  /**
   * Takes the migration lock of a database at `from`, unless a live lock is held; true when
   * taken. A lock that expired (its process died) is taken over.
   */
  async lock(from: SchemaVersion, to: SchemaVersion, owner: string, ms: number) {
    const result = await guard('take the migration lock', () =>
      this.records.updateOne(
        {
          _id: RECORD_ID,
          major: from.major,
          minor: from.minor,
          // A missing lock's expiry compares below any date.
          $expr: { $not: [{ $gt: ['$lock.expiresAt', '$$NOW'] }] },
        },
        [{ $set: { lock: lockValue(owner, to, ms) } }],
      ),
    );
    return result.matchedCount === 1;
  }

  /**
   * Records that `step` ran on the database at `from`, if `owner` still holds the lock, and
   * renews it; false when it does not (the step's work is idempotent: the holder redoes it).
   */
  async complete(
    owner: string,
    from: SchemaVersion,
    step: SchemaStep,
    to: SchemaVersion,
    ms: number,
  ): Promise<boolean> {
    const applied = {
      version: { $literal: formatSchemaVersion(step.to) },
      description: { $literal: step.description },
      at: '$$NOW',
      by: { $literal: owner },
    };
    const result = await guard('record the migration step', () =>
      this.records.updateOne(
        { _id: RECORD_ID, 'lock.owner': owner, major: from.major, minor: from.minor },
        [
          {
            $set: {
              major: step.to.major,
              minor: step.to.minor,
              updatedAt: '$$NOW',
              applied: { $concatArrays: [{ $ifNull: ['$applied', []] }, [applied]] },
              lock: lockValue(owner, to, ms),
            },
          },
        ],
      ),
    );
    return result.matchedCount === 1;
  }

  /** Releases `owner`'s lock, if it still holds it. */
  async unlock(owner: string): Promise<void> {
    await guard('release the migration lock', () =>
      this.records.updateOne({ _id: RECORD_ID, 'lock.owner': owner }, { $unset: { lock: '' } }),
    );
  }
}

function lockValue(owner: string, to: SchemaVersion, ms: number) {
  return {
    owner: { $literal: owner },
    toMajor: to.major,
    to: { $literal: formatSchemaVersion(to) },
    expiresAt: serverTimePlus(ms),
  };
}
