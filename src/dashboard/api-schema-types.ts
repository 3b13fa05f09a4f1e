/*
 * The REST API's answer about the database's schema version (`GET api/schema`).
 * Re-exported by `api-types.ts`.
 */

/** A migration step the database has run. */
export interface ApiAppliedSchemaStep {
  /** The version it brought the database to (`'major.minor'`). */
  readonly version: string;
  /** What it did. */
  readonly description: string;
  /** When it completed (ISO, the database's clock). */
  readonly at: string;
  /** The process that ran it. */
  readonly by: string;
}

/** A migration step the database still lacks. */
export interface ApiPendingSchemaStep {
  /** The version it brings the database to (`'major.minor'`). */
  readonly version: string;
  /** What it does. */
  readonly description: string;
}

/** The migration under way: who holds the migration lock, to which version, until when. */
export interface ApiSchemaMigration {
  /** The process migrating. */
  readonly owner: string;
  /** The version it migrates to (`'major.minor'`). */
  readonly to: string;
  /** When the lock lapses unless renewed (ISO, the database's clock). */
  readonly expiresAt: string;
}

/** `GET api/schema`: the database's schema version against the dashboard's code. */
export interface ApiSchemaStatus {
  /** The database's version (`'major.minor'`). */
  readonly databaseVersion: string;
  /** The version the dashboard's Docket writes. */
  readonly codeVersion: string;
  /** The steps the database has run, oldest first. */
  readonly applied: readonly ApiAppliedSchemaStep[];
  /** The steps it lacks to reach `codeVersion`, in order. */
  readonly pending: readonly ApiPendingSchemaStep[];
  /** The migration under way, or null. */
  readonly migration: ApiSchemaMigration | null;
}
