import { Long } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { bsonTag, isNumeric, numericValue } from '../engine/bson-value';
import { optionalCount } from './command-args';

/** A cursor id as the client sent it (Long, or a plain number from some clients). */
export function cursorIdOf(value: unknown): Long {
  if (bsonTag(value) === 'Long') return value as Long;
  if (isNumeric(value)) return Long.fromBigInt(BigInt(numericValue(value)));
  throw new CommandFailure(14, 'TypeMismatch', `cursor id must be a long, got ${typeof value}`);
}

/**
 * `getMore`: the next batch of an open cursor; 43 CursorNotFound when it is not open. A
 * tailable cursor stays open at its end and answers what was inserted since; an awaitData
 * one that has nothing yet is held by its connection (see await-data-wait.ts) before this
 * runs, so a handler never waits. mongod takes `maxTimeMS` on a getMore only for an
 * awaitData cursor, where it bounds that wait (2 BadValue for any other cursor).
 */
export const getMoreCommand: CommandHandler = (command, { dbName, store }) => {
  const id = cursorIdOf(command.getMore);
  if (typeof command.collection !== 'string') {
    throw new CommandFailure(
      40414,
      'Location40414',
      "BSON field 'getMore.collection' is missing but a required field",
    );
  }
  const ns = `${dbName}.${command.collection}`;
  if (command.maxTimeMS !== undefined && !store.cursors.kindOf(id, ns).awaitData) {
    throw new CommandFailure(
      2,
      'BadValue',
      'cannot set maxTimeMS on getMore command for a non-awaitData cursor',
    );
  }
  const batch = store.cursors.getMore(id, ns, optionalCount(command, 'batchSize') || undefined);
  return { cursor: { id: batch.id, ns: batch.ns, nextBatch: batch.batch } };
};
