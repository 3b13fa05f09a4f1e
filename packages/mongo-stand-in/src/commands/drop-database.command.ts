import type { CommandHandler } from '../command-types';
import { validateDatabaseName } from '../engine/namespace';

/** `dropDatabase`: drops every collection and view of the database. Reply `{ dropped }` when it existed. */
export const dropDatabaseCommand: CommandHandler = (_command, { dbName, store }) => {
  validateDatabaseName(dbName);
  return store.dropDatabase(dbName) ? { dropped: dbName } : {};
};
