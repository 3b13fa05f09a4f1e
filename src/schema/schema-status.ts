import type { Db } from 'mongodb';
import { MongoSchemaRecord } from './mongo-schema-record';
import type { SchemaStep } from './schema-step';
import { SCHEMA_STEPS, stepsBetween } from './schema-steps';
import {
  formatSchemaVersion,
  SCHEMA_VERSION,
  UNRECORDED_SCHEMA_VERSION,
  type SchemaVersion,
} from './schema-version';

/** A migration step a database has run. */
export interface AppliedSchemaStep {
  /** The version the step brought the database to (`'major.minor'`). */
  readonly version: string;
  /** What the step did. */
  readonly description: string;
  /** When it completed (the database's clock). */
  readonly at: Date;
  /** The process that ran it (host, pid and a random part). */
  readonly by: string;
}

/** A migration step a database still lacks. */
export interface PendingSchemaStep {
  /** The version the step brings the database to (`'major.minor'`). */
  readonly version: string;
  /** What the step does. */
  readonly description: string;
}

/** A migration under way: the holder of the migration lock. */
export interface SchemaMigration {
  /** The process migrating. */
  readonly owner: string;
  /** The version it migrates to (`'major.minor'`). */
  readonly to: string;
  /** When its lock lapses unless renewed (the database's clock): past it, another start resumes. */
  readonly expiresAt: Date;
}

/** Where a database stands against this code's schema version (`Docket.getSchemaStatus`). */
export interface SchemaStatus {
  /** The database's schema version (`'major.minor'`; `'1.0'` without a record). */
  readonly databaseVersion: string;
  /** The schema version this code writes (`SCHEMA_VERSION`). */
  readonly codeVersion: string;
  /** The steps the database has run, oldest first. */
  readonly applied: readonly AppliedSchemaStep[];
  /** The steps between the database's version and the code's, in order (empty when not older). */
  readonly pending: readonly PendingSchemaStep[];
  /** The migration under way, or null. */
  readonly migration: SchemaMigration | null;
}

/** Reads the version record (one round trip) and compares it with `code`. */
export async function readSchemaStatus(
  db: Db,
  collectionPrefix: string,
  code: SchemaVersion = SCHEMA_VERSION,
  steps: readonly SchemaStep[] = SCHEMA_STEPS,
): Promise<SchemaStatus> {
  const record = await new MongoSchemaRecord(db, collectionPrefix).read();
  const version = record === null ? UNRECORDED_SCHEMA_VERSION : record;
  const lock = record?.lock;
  return {
    databaseVersion: formatSchemaVersion(version),
    codeVersion: formatSchemaVersion(code),
    applied: (record?.applied ?? []).map(({ version, description, at, by }) => ({
      version,
      description,
      at,
      by,
    })),
    pending: stepsBetween(steps, version, code).map((step) => ({
      version: formatSchemaVersion(step.to),
      description: step.description,
    })),
    migration: lock ? { owner: lock.owner, to: lock.to, expiresAt: lock.expiresAt } : null,
  };
}
