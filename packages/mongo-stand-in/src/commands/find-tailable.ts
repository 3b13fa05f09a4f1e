import type { Document } from 'bson';
import { CommandFailure, type CommandContext } from '../command-types';
import { isPlainDocument } from '../engine/bson-value';
import { TailableScan, type TailableQuery } from '../engine/tailable-scan';
import { formatValue } from '../engine/value-format';
import { ErrorCodes } from '../error-codes';
import { optionalBoolean, optionalCount } from './command-args';
import { cursorReply } from './cursor-reply';
import type { NaturalRequest } from './natural-order';

const badValue = (message: string): CommandFailure =>
  new CommandFailure(ErrorCodes.BadValue, 'BadValue', message);

/**
 * Whether a find asks for a tailable cursor, and whether an awaitData one, checked as
 * mongod 7.0 checks the request: `awaitData` needs `tailable` (9 FailedToParse), and a
 * tailable cursor takes no sort but `{ $natural: 1 }` and no `singleBatch` (2 BadValue).
 */
export function tailableModeOf(
  command: Document,
  sort: Document | undefined,
  natural: NaturalRequest,
): { readonly awaitData: boolean } | undefined {
  const tailable = optionalBoolean(command, 'tailable') ?? false;
  const awaitData = optionalBoolean(command, 'awaitData') ?? false;
  if (!tailable) {
    if (!awaitData) return undefined;
    throw new CommandFailure(
      ErrorCodes.FailedToParse,
      'FailedToParse',
      "Cannot set 'awaitData' without also setting 'tailable'",
    );
  }
  const sorted = sort !== undefined && Object.keys(sort).length > 0;
  if (sorted && natural.sort !== 1) {
    throw badValue('cannot use tailable option with a sort other than {$natural: 1}');
  }
  if (optionalBoolean(command, 'singleBatch')) {
    throw badValue("cannot use tailable option with the 'singleBatch' option");
  }
  return { awaitData };
}

/**
 * The tail of a find on a collection that is not capped. mongod's message quotes the
 * parsed query; an empty filter prints as `$and`, and other filters are shown as given.
 */
function notCapped(ns: string, query: TailableQuery, sort: Document | undefined): CommandFailure {
  const filter = query.filter ?? {};
  const tree = Object.keys(filter).length === 0 ? '$and' : formatValue(filter);
  return badValue(
    `error processing query: ns=${ns}Tree: ${tree}\nSort: ${formatValue(sort ?? {})}\n` +
      `Proj: ${formatValue(query.projection ?? {})}\n tailable cursor requested on non capped collection`,
  );
}

/**
 * Opens the tailable cursor of a find (a query on a capped collection that stays open at
 * its end), as mongod 7.0 does: a missing collection answers an empty, closed cursor; a
 * view refuses (168, as its aggregation would); a collection that is not capped is 2
 * BadValue; and an empty capped collection also answers cursor id 0, for mongod keeps a
 * tailable cursor only when there is a document to rest on. Hints are ignored: a tailable
 * query is always a forward collection scan.
 */
export function findTailable(
  command: Document,
  { dbName, store, connectionId, sessionKey }: CommandContext,
  name: string,
  query: TailableQuery & { readonly sort?: Document; readonly awaitData: boolean },
): Document {
  const ns = `${dbName}.${name}`;
  const collection = store.getCollection(dbName, name);
  if (!collection) {
    if (store.getView(dbName, name)) {
      throw new CommandFailure(
        168,
        'InvalidPipelineOperator',
        'Tailable cursors are not supported in aggregation.',
      );
    }
    return cursorReply(store.cursors.open(ns, [], { connectionId, sessionKey }), 'firstBatch');
  }
  if (!collection.capped) throw notCapped(ns, query, query.sort);
  if (query.projection !== undefined && !isPlainDocument(query.projection)) {
    throw new CommandFailure(14, 'TypeMismatch', 'Expected field projection to be of type object');
  }
  const batch = store.cursors.openTailable(ns, new TailableScan(collection, query), {
    batchSize: optionalCount(command, 'batchSize'),
    awaitData: query.awaitData,
    keepOpen: collection.size > 0,
    connectionId,
    sessionKey,
  });
  return cursorReply(batch, 'firstBatch');
}
