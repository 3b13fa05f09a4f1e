import type { Db } from 'mongodb';
import type { SchemaVersion } from './schema-version';

/** What a migration step works on. */
export interface SchemaStepContext {
  readonly db: Db;
  /** The prefix of Docket's collection names. */
  readonly collectionPrefix: string;
}

/**
 * One migration step: it brings a database from the version before `to` up to `to`.
 *
 * A step must be idempotent and resumable: a process may die in its middle (or a MongoDB
 * error stop it), and the next process to take the lock runs it again from the start, on
 * whatever the first run left; running it on a database it already migrated changes
 * nothing. A step to a minor version must also keep the data readable and writable by
 * servers of the previous minor version, which may run meanwhile.
 */
export interface SchemaStep {
  /** The version the database is at once the step has run. */
  readonly to: SchemaVersion;
  /** What the step does, for logs, plans and the version record. */
  readonly description: string;
  /** Runs the step; throws when it could not finish (the migration stops, to be resumed). */
  run(context: SchemaStepContext): Promise<void>;
}
