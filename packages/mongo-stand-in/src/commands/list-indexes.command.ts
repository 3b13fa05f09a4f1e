import { CommandFailure, type CommandHandler } from '../command-types';
import { cloneValue } from '../engine/bson-clone';
import { collectionArgument, cursorBatchSize } from './command-args';
import { cursorReply } from './cursor-reply';

/** `listIndexes`: a cursor over the collection's index specs; 26 on a missing collection. */
export const listIndexesCommand: CommandHandler = (
  command,
  { dbName, store, connectionId, sessionKey },
) => {
  const name = collectionArgument(command, dbName);
  const collection = store.getCollection(dbName, name);
  if (!collection)
    throw new CommandFailure(26, 'NamespaceNotFound', `ns does not exist: ${dbName}.${name}`);
  const specs = collection.indexSpecs().map((spec) => cloneValue({ ...spec }));
  const batch = store.cursors.open(`${dbName}.${name}`, specs, {
    batchSize: cursorBatchSize(command),
    connectionId,
    sessionKey,
  });
  return cursorReply(batch, 'firstBatch');
};
