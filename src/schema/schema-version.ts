/**
 * A schema version: what shape Docket's stored documents and indexes have.
 *
 * - A **minor** change (1.0 → 1.1) keeps the database readable and writable by servers of
 *   the previous minor version: it adds fields or indexes, fills in what older servers leave
 *   absent, and never takes away something they read. Its migration runs while they run.
 * - A **major** change (1.x → 2.0) does not: servers of an older major must be stopped first,
 *   and from 1.1 on a server refuses a database of a major version newer than its own.
 */
export interface SchemaVersion {
  /** Changes that servers of an older major cannot read. */
  readonly major: number;
  /** Changes within a major, readable by servers of the previous minor. */
  readonly minor: number;
}

/**
 * The version of a database that holds Docket's collections and no version record: what
 * every Docket wrote before schema versions were recorded.
 */
export const UNRECORDED_SCHEMA_VERSION: SchemaVersion = Object.freeze({ major: 1, minor: 0 });

/**
 * The schema version this build writes. A new database is stamped with it; an older one is
 * migrated up to it (see `SCHEMA_STEPS`, whose last step must end here).
 */
export const SCHEMA_VERSION: SchemaVersion = Object.freeze({ major: 1, minor: 1 });

/** `'major.minor'`. */
export function formatSchemaVersion(version: SchemaVersion): string {
  return `${version.major}.${version.minor}`;
}

/** Negative when `a` is older than `b`, zero when equal, positive when newer. */
export function compareSchemaVersions(a: SchemaVersion, b: SchemaVersion): number {
  return a.major === b.major ? a.minor - b.minor : a.major - b.major;
}
