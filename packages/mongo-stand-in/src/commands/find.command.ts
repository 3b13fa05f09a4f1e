import { CommandFailure, type CommandHandler } from '../command-types';
import { refuseMissingHintedIndex } from '../engine/index-hint';
import { projectDocuments } from '../engine/projection';
import { readDocuments } from '../engine/read-query';
import { parseSortSpec } from '../engine/sort-documents';
import {
  collectionArgument,
  optionalBoolean,
  optionalCount,
  optionalDocument,
  optionalNumber,
} from './command-args';
import { cursorReply } from './cursor-reply';

/**
 * `find`: filter, sort, projection, skip, limit (a negative limit means one batch),
 * batchSize, singleBatch; a `hint` must name an existing index (the stand-in still plans on its own), `min`/`max` and tailable cursors are refused.
 * The results are snapshotted into a cursor whose first batch is in the reply.
 */
export const findCommand: CommandHandler = (
  command,
  { dbName, store, connectionId, sessionKey },
) => {
  const name = collectionArgument(command, dbName);
  for (const unsupported of ['min', 'max']) {
    if (command[unsupported] !== undefined) {
      throw new CommandFailure(
        2,
        'BadValue',
        `the stand-in does not support '${unsupported}' in find`,
      );
    }
  }
  if (optionalBoolean(command, 'tailable')) {
    throw new CommandFailure(
      2,
      'BadValue',
      `error processing query: ns=${dbName}.${name} tailable cursor requested on non capped collection`,
    );
  }
  refuseMissingHintedIndex(store.getCollection(dbName, name), command.hint);
  const rawLimit = optionalNumber(command, 'limit') ?? 0;
  const limit = Math.abs(Math.trunc(rawLimit));
  const singleBatch = (optionalBoolean(command, 'singleBatch') ?? false) || rawLimit < 0;
  const documents = readDocuments(store, dbName, name, {
    filter: optionalDocument(command, 'filter'),
    sort: parseSortSpec(optionalDocument(command, 'sort')),
    skip: optionalCount(command, 'skip'),
    limit,
  });
  const projected = projectDocuments(documents, optionalDocument(command, 'projection'));
  let batchSize = optionalCount(command, 'batchSize');
  if (singleBatch && limit > 0) batchSize = Math.min(batchSize ?? limit, limit);
  const batch = store.cursors.open(`${dbName}.${name}`, projected, {
    batchSize,
    singleBatch,
    connectionId,
    sessionKey,
  });
  return cursorReply(batch, 'firstBatch');
};
