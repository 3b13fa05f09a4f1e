import type { CommandHandler } from '../command-types';
import { refuseMissingHintedIndex } from '../engine/index-hint';
import { readDocuments } from '../engine/read-query';
import {
  collectionArgument,
  optionalCount,
  optionalDocument,
  optionalNumber,
} from './command-args';

/** `count`: how many documents match `query`, after `skip` and `limit`. Reply `{ n }`. */
export const countCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const filter = optionalDocument(command, 'query');
  const skip = optionalCount(command, 'skip') ?? 0;
  const limit = Math.abs(Math.trunc(optionalNumber(command, 'limit') ?? 0));
  const collection = store.getCollection(dbName, name);
  refuseMissingHintedIndex(collection, command.hint);
  const everything = !filter || Object.keys(filter).length === 0;
  if (collection && everything && skip === 0 && limit === 0) return { n: collection.size };
  return { n: readDocuments(store, dbName, name, { filter, skip, limit }).length };
};
