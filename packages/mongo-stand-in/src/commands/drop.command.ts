import type { CommandHandler } from '../command-types';
import { CollectionState } from '../engine/collection-state';
import { collectionArgument } from './command-args';

/**
 * `drop`: drops a collection (or view) with its indexes and cursors. Dropping a namespace
 * that does not exist succeeds with an empty reply, as from mongod 7.0 on (it was 26
 * NamespaceNotFound before).
 */
export const dropCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const dropped = store.drop(dbName, name);
  if (!dropped) return {};
  const ns = `${dbName}.${name}`;
  return dropped instanceof CollectionState
    ? { nIndexesWas: dropped.indexSpecs().length, ns }
    : { ns };
};
