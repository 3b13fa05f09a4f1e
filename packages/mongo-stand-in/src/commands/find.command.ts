import { CommandFailure, type CommandHandler } from '../command-types';
import { hintedIndexScan, refuseMissingHintedIndex } from '../engine/index-hint';
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
import { findTailable, tailableModeOf } from './find-tailable';
import { naturalScanDirection, parseNaturalRequest } from './natural-order';

/**
 * `find`: filter, sort, projection, skip, limit (a negative limit means one batch),
 * batchSize, singleBatch; a `hint` must name an existing index, and an unsorted find
 * through it returns documents in that index's order (see index-hint.ts); `{ $natural: ±1 }` as sort or hint reads in (reverse) insertion order;
 * `tailable` (and `awaitData`) open a cursor that follows a capped collection as it grows
 * (see find-tailable.ts); `min`/`max` are refused. Other results are snapshotted into a
 * cursor whose first batch is in the reply.
 */
export const findCommand: CommandHandler = (command, context) => {
  const { dbName, store, connectionId, sessionKey } = context;
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
  const sortDocument = optionalDocument(command, 'sort');
  const natural = parseNaturalRequest(sortDocument, command.hint);
  const tailable = tailableModeOf(command, sortDocument, natural);
  const naturalDirection = naturalScanDirection(natural, command.hint);
  const filter = optionalDocument(command, 'filter');
  const projection = optionalDocument(command, 'projection');
  const rawLimit = optionalNumber(command, 'limit') ?? 0;
  const limit = Math.abs(Math.trunc(rawLimit));
  if (tailable) {
    const skip = optionalCount(command, 'skip');
    const query = { filter, projection, skip, limit, sort: sortDocument, ...tailable };
    return findTailable(command, context, name, query);
  }
  if (natural.sort !== undefined && store.getView(dbName, name)) {
    throw new CommandFailure(
      168,
      'InvalidPipelineOperator',
      'Sort option $natural not supported in aggregation.',
    );
  }
  refuseMissingHintedIndex(store.getCollection(dbName, name), command.hint);
  const singleBatch = (optionalBoolean(command, 'singleBatch') ?? false) || rawLimit < 0;
  const sort = natural.sort === undefined ? parseSortSpec(sortDocument) : [];
  // An unsorted read through a hinted index comes in that index's order.
  const hinted =
    sort.length === 0 && natural.sort === undefined
      ? hintedIndexScan(store.getCollection(dbName, name), command.hint)
      : undefined;
  const documents = readDocuments(store, dbName, name, {
    filter: hinted?.sparseFilter ? { $and: [filter ?? {}, hinted.sparseFilter] } : filter,
    sort: hinted?.order ?? sort,
    skip: optionalCount(command, 'skip'),
    limit,
    naturalDirection,
  });
  const projected = projectDocuments(documents, projection, filter);
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
