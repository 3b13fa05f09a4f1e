import { ObjectId, type Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { cloneDocument, cloneDocumentIdFirst } from '../engine/bson-clone';
import { isPlainDocument } from '../engine/bson-value';
import { checkStorable } from '../engine/document-limits';
import { validateDocument } from '../engine/document-validation';
import { collectionArgument, optionalBoolean, requiredArray } from './command-args';
import { checkTimeseriesDocument } from './timeseries-options';
import { runStatement, withWriteErrors } from './write-errors';

/**
 * `insert`: stores `documents` (a kind-1 sequence is merged into the body by the router),
 * generating a leading ObjectId `_id` where missing. Ordered inserts stop at the first write
 * error; unordered ones go on. A document mongod would not store (over 16 MiB, nested over
 * 100 levels) or the collection's validator refuses (121, unless `bypassDocumentValidation`)
 * is a write error. Reply `{ n, writeErrors? }`.
 */
export const insertCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const documents = requiredArray(command, 'documents');
  if (documents.length === 0) {
    throw new CommandFailure(
      16,
      'InvalidLength',
      'Write batch sizes must be between 1 and 100000. Got 0 operations.',
    );
  }
  const ordered = optionalBoolean(command, 'ordered') ?? true;
  const bypassValidation = optionalBoolean(command, 'bypassDocumentValidation') ?? false;
  const { collection } = store.collectionForWrite(dbName, name);
  const timeseries = collection.options.timeseries as Document | undefined;
  const writeErrors: Document[] = [];
  let n = 0;
  for (let index = 0; index < documents.length; index++) {
    const ok = runStatement(index, writeErrors, () => {
      const raw = documents[index];
      if (!isPlainDocument(raw))
        throw new CommandFailure(2, 'BadValue', 'each document to insert must be an object');
      const document =
        '_id' in raw ? cloneDocumentIdFirst(raw) : { _id: new ObjectId(), ...cloneDocument(raw) };
      if (timeseries) checkTimeseriesDocument(document, timeseries);
      checkStorable(document, 'insert');
      validateDocument(collection, document, undefined, bypassValidation);
      collection.insert(document);
      n += 1;
    });
    if (!ok && ordered) break;
  }
  return withWriteErrors({ n }, writeErrors);
};
