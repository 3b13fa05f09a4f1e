import type { Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { isPlainDocument } from '../engine/bson-value';
import { hintedIndexScan, refuseMissingHintedIndex } from '../engine/index-hint';
import { deleteDocuments } from '../engine/write-operations';
import { collectionArgument, optionalBoolean, optionalNumber, requiredArray } from './command-args';
import { runStatement, withWriteErrors } from './write-errors';

function statementOf(raw: unknown): { q: Document; justOne: boolean; hint: unknown } {
  if (!isPlainDocument(raw) || !isPlainDocument(raw.q)) {
    throw new CommandFailure(
      40414,
      'Location40414',
      "BSON field 'delete.deletes.q' is missing but a required field",
    );
  }
  const limit = optionalNumber(raw, 'limit');
  if (limit === undefined) {
    throw new CommandFailure(
      40414,
      'Location40414',
      "BSON field 'delete.deletes.limit' is missing but a required field",
    );
  }
  if (limit !== 0 && limit !== 1) {
    throw new CommandFailure(
      9,
      'FailedToParse',
      `The limit field in delete objects must be 0 or 1. Got ${limit}`,
    );
  }
  return { q: raw.q, justOne: limit === 1, hint: raw.hint };
}

/** `delete`: runs `deletes` ({ q, limit: 0 | 1 }) in order. Reply `{ n, writeErrors? }`. */
export const deleteCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const statements = requiredArray(command, 'deletes').map(statementOf);
  const ordered = optionalBoolean(command, 'ordered') ?? true;
  const writeErrors: Document[] = [];
  let n = 0;
  for (let index = 0; index < statements.length; index++) {
    const { q, justOne, hint } = statements[index];
    const ok = runStatement(index, writeErrors, () => {
      store.assertWritable(dbName, name);
      refuseMissingHintedIndex(store.getCollection(dbName, name), hint);
      const collection = store.getCollection(dbName, name);
      // A single delete takes the first match in the hinted index's order, as mongod's scan does.
      const order = justOne ? hintedIndexScan(collection, hint)?.order : undefined;
      n += deleteDocuments(collection, q, justOne, order).length;
    });
    if (!ok && ordered) break;
  }
  return withWriteErrors({ n }, writeErrors);
};
