import { CommandFailure } from '../command-types';

const BAD_DB_CHARACTERS = /[/\\. "$\0]/;

/** Throws 73 InvalidNamespace unless `name` is a valid database name. */
export function validateDatabaseName(name: string): void {
  if (name === '' || name.length >= 64 || BAD_DB_CHARACTERS.test(name)) {
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
  if (name === '' || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw new CommandFailure(
      73,
      'InvalidNamespace',
      `Invalid namespace specified '${dbName}.${name}'`,
    );
  }
  return name;
}
