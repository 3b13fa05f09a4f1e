import { CommandFailure, type CommandHandler } from '../command-types';
import { CollectionState } from '../engine/collection-state';
import { collectionArgument } from './command-args';

/**
 * `drop`: drops a collection (or view) with its indexes and cursors. A missing namespace is
 * 26 NamespaceNotFound (ok: 0), which the driver's dropCollection tolerates.
 */
export const dropCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const dropped = store.drop(dbName, name);
  if (!dropped) throw new CommandFailure(26, 'NamespaceNotFound', 'ns not found');
  const ns = `${dbName}.${name}`;
  return dropped instanceof CollectionState
    ? { nIndexesWas: dropped.indexSpecs().length, ns }
    : { ns };
};
