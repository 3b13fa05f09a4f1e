import { CommandFailure } from '../command-types';

const BAD_DB_CHARACTERS = /[/\\. "\0]/;

/** A namespace split into its database and collection. */
export interface CollectionNamespace {
  readonly db: string;
  readonly coll: string;
}

/** `db.coll` split at its first dot (an empty collection when there is none). */
export function splitNamespace(ns: string): CollectionNamespace {
  const dot = ns.indexOf('.');
  return dot < 0 ? { db: ns, coll: '' } : { db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
}

/**
 * Whether `db` is a database name mongod accepts: 1 to 63 characters, none of `/\. "` nor
 * NUL, and `$` only where `allowDollar` (commands naming an existing namespace allow it,
 * creating one does not).
 */
export function isValidDatabaseName(db: string, allowDollar = false): boolean {
  if (db === '' || db.length >= 64 || BAD_DB_CHARACTERS.test(db)) return false;
  return allowDollar || !db.includes('$');
}

/** Whether `collection` is a collection name mongod accepts (not empty, no leading dot, no `$` or NUL). */
export function isValidCollectionName(collection: string): boolean {
  return (
    collection !== '' &&
    !collection.startsWith('.') &&
    !collection.includes('$') &&
    !collection.includes('\0')
  );
}

/** Throws 73 InvalidNamespace unless `name` is a valid database name. */
export function validateDatabaseName(name: string): void {
  if (!isValidDatabaseName(name)) {
    throw new CommandFailure(73, 'InvalidNamespace', `Invalid database name: '${name}'`);
  }
}

/** Throws 73 InvalidNamespace unless `db.name` is a valid collection namespace. */
export function validateCollectionName(dbName: string, name: unknown): string {
  if (typeof name !== 'string') {
    throw new CommandFailure(
      73,
      'InvalidNamespace',
      `collection name has invalid type ${name === null ? 'null' : typeof name}`,
    );
  }
  validateDatabaseName(dbName);
  if (!isValidCollectionName(name)) {
    throw new CommandFailure(
      73,
      'InvalidNamespace',
      `Invalid namespace specified '${dbName}.${name}'`,
    );
  }
  return name;
}
