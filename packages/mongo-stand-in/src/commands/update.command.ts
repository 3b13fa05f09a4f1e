import type { Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { isPlainDocument } from '../engine/bson-value';
import { hintedIndexScan, refuseMissingHintedIndex } from '../engine/index-hint';
import { parseUpdate } from '../engine/update-apply';
import { updateDocuments } from '../engine/write-operations';
import { collectionArgument, optionalBoolean, requiredArray } from './command-args';
import { runStatement, withWriteErrors } from './write-errors';

function statementOf(raw: unknown): Document {
  if (!isPlainDocument(raw))
    throw new CommandFailure(14, 'TypeMismatch', 'each update statement must be an object');
  if (!isPlainDocument(raw.q)) {
    throw new CommandFailure(
      40414,
      'Location40414',
      "BSON field 'update.updates.q' is missing but a required field",
    );
  }
  if (raw.u === undefined) {
    throw new CommandFailure(
      40414,
      'Location40414',
      "BSON field 'update.updates.u' is missing but a required field",
    );
  }
  return raw;
}

/**
 * `update`: runs `updates` ({ q, u, upsert, multi, arrayFilters }) in order; `u` is an
 * operator document, a replacement or a pipeline. Reply `{ n, nModified, upserted?,
 * writeErrors? }` where n counts matched plus upserted documents.
 */
export const updateCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const statements = requiredArray(command, 'updates').map(statementOf);
  const ordered = optionalBoolean(command, 'ordered') ?? true;
  const writeErrors: Document[] = [];
  const upserted: Document[] = [];
  let n = 0;
  let nModified = 0;
  for (let index = 0; index < statements.length; index++) {
    const statement = statements[index];
    const ok = runStatement(index, writeErrors, () => {
      const collection = store.getCollection(dbName, name);
      refuseMissingHintedIndex(collection, statement.hint);
      const update = parseUpdate(statement.u, statement.arrayFilters);
      const multi = optionalBoolean(statement, 'multi') ?? false;
      if (multi && update.kind === 'replacement') {
        throw new CommandFailure(
          9,
          'FailedToParse',
          'multi update is not supported for replacement-style update',
        );
      }
      const outcome = updateDocuments(store, dbName, name, {
        query: statement.q as Document,
        update,
        multi,
        upsert: optionalBoolean(statement, 'upsert') ?? false,
        // A single update takes the first match in the hinted index's order, as mongod's scan does.
        sort: multi ? undefined : hintedIndexScan(collection, statement.hint)?.order,
        bypassValidation: optionalBoolean(command, 'bypassDocumentValidation') ?? false,
      });
      n += outcome.matched;
      nModified += outcome.modified;
      if (outcome.upserted) {
        n += 1;
        upserted.push({ index, _id: outcome.upserted._id });
      }
    });
    if (!ok && ordered) break;
  }
  const reply: Document = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  return withWriteErrors(reply, writeErrors);
};
