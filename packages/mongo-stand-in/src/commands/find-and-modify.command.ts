import type { Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { cloneDocument } from '../engine/bson-clone';
import { hintedIndexScan, refuseMissingHintedIndex } from '../engine/index-hint';
import { projectDocuments } from '../engine/projection';
import { parseSortSpec } from '../engine/sort-documents';
import { parseUpdate } from '../engine/update-apply';
import { deleteDocuments, updateDocuments } from '../engine/write-operations';
import { collectionArgument, optionalBoolean, optionalDocument } from './command-args';

const failedToParse = (message: string): CommandFailure =>
  new CommandFailure(9, 'FailedToParse', message);

function shaped(
  document: Document | undefined,
  fields: Document | undefined,
  query: Document,
): Document | null {
  if (!document) return null;
  return cloneDocument(projectDocuments([document], fields, query)[0]);
}

/**
 * `findAndModify`: atomically updates (operators, replacement or pipeline) or removes the
 * first document matching `query` in `sort` order, and returns it before or (`new`) after
 * the change, shaped by `fields`. Reply `{ lastErrorObject: { n, updatedExisting,
 * upserted? }, value }`. Write problems (E11000, `_id` changes...) are command errors here.
 */
export const findAndModifyCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const query = optionalDocument(command, 'query') ?? {};
  const requestedSort = parseSortSpec(optionalDocument(command, 'sort'));
  const fields = optionalDocument(command, 'fields');
  const remove = optionalBoolean(command, 'remove') ?? false;
  const returnNew = optionalBoolean(command, 'new') ?? false;
  const upsert = optionalBoolean(command, 'upsert') ?? false;
  const hasUpdate = command.update !== undefined && command.update !== null;
  if (remove && hasUpdate) throw failedToParse('Cannot specify both an update and remove=true');
  if (!remove && !hasUpdate)
    throw failedToParse('Either an update or remove=true must be specified');
  if (remove && upsert) throw failedToParse('Cannot specify both upsert=true and remove=true ');
  if (remove && returnNew) {
    throw failedToParse(
      "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
    );
  }
  refuseMissingHintedIndex(store.getCollection(dbName, name), command.hint);
  // Without a sort, the first match in the hinted index's order is the one mongod's scan finds.
  const sort =
    requestedSort.length > 0
      ? requestedSort
      : (hintedIndexScan(store.getCollection(dbName, name), command.hint)?.order ?? []);
  if (remove) {
    store.assertWritable(dbName, name);
    const [removed] = deleteDocuments(store.getCollection(dbName, name), query, true, sort);
    return { lastErrorObject: { n: removed ? 1 : 0 }, value: shaped(removed, fields, query) };
  }
  const update = parseUpdate(command.update, command.arrayFilters);
  const outcome = updateDocuments(store, dbName, name, {
    query,
    update,
    multi: false,
    upsert,
    sort,
    bypassValidation: optionalBoolean(command, 'bypassDocumentValidation') ?? false,
  });
  const lastErrorObject: Document = {
    n: outcome.matched > 0 || outcome.upserted ? 1 : 0,
    updatedExisting: outcome.matched > 0,
  };
  if (outcome.upserted) lastErrorObject.upserted = outcome.upserted._id;
  return {
    lastErrorObject,
    value: shaped(returnNew ? outcome.after : outcome.before, fields, query),
  };
};
