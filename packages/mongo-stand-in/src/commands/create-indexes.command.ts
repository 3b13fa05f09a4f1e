import type { Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { collectionArgument, requiredArray } from './command-args';

/**
 * `createIndexes`: creates each index of `indexes` (creating the collection if needed).
 * Re-creating an identical index succeeds without change; all indexes of the command are
 * created or none. Reply `{ numIndexesBefore, numIndexesAfter, createdCollectionAutomatically?, note? }`.
 */
export const createIndexesCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const indexes = requiredArray(command, 'indexes');
  if (indexes.length === 0)
    throw new CommandFailure(2, 'BadValue', 'Must specify at least one index to create');
  const { collection, created } = store.collectionForWrite(dbName, name);
  const before = collection.indexSpecs().length;
  const createdNames: string[] = [];
  try {
    for (const raw of indexes) {
      if (collection.createIndex(raw) === 'created')
        createdNames.push(String((raw as Document).name));
    }
  } catch (error) {
    for (const indexName of createdNames) collection.dropIndex(indexName);
    if (created) store.drop(dbName, name);
    throw error;
  }
  const after = collection.indexSpecs().length;
  if (createdNames.length === 0 && !created) {
    return { numIndexesBefore: before, numIndexesAfter: after, note: 'all indexes already exist' };
  }
  return {
    numIndexesBefore: before,
    numIndexesAfter: after,
    createdCollectionAutomatically: created,
  };
};
