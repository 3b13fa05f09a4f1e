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
 * `getMore`: the next batch of an open cursor; 43 CursorNotFound when it is not open. The
 * stand-in has no tailable cursors, and mongod takes `maxTimeMS` on a getMore only for an
 * awaitData one (2 BadValue otherwise).
 */
export const getMoreCommand: CommandHandler = (command, { dbName, store }) => {
  const id = cursorIdOf(command.getMore);
  if (command.maxTimeMS !== undefined) {
    throw new CommandFailure(
      2,
      'BadValue',
      'cannot set maxTimeMS on getMore command for a non-awaitData cursor',
    );
  }
  if (typeof command.collection !== 'string') {
    throw new CommandFailure(
      40414,
      'Location40414',
      "BSON field 'getMore.collection' is missing but a required field",
    );
  }
  const batch = store.cursors.getMore(
    id,
    `${dbName}.${command.collection}`,
    optionalCount(command, 'batchSize') || undefined,
  );
  return { cursor: { id: batch.id, ns: batch.ns, nextBatch: batch.batch } };
};
