import { Long } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { bsonTag, isNumeric, numericValue } from '../engine/bson-value';
import { ErrorCodes } from '../error-codes';
import { isRetryableErrorCode } from '../retryable-writes';
import { optionalCount } from './command-args';
import { cursorReply } from './cursor-reply';

/** A cursor id as the client sent it (Long, or a plain number from some clients). */
export function cursorIdOf(value: unknown): Long {
  if (bsonTag(value) === 'Long') return value as Long;
  if (isNumeric(value)) return Long.fromBigInt(BigInt(numericValue(value)));
  throw new CommandFailure(14, 'TypeMismatch', `cursor id must be a long, got ${typeof value}`);
}

/**
 * The failures after which a change stream can resume (the cursor is gone, the stream's
 * place is not): mongod labels them `ResumableChangeStreamError` on a change stream's
 * getMore, which is what drivers resume by. They are the retryable errors of writes (a
 * step-down, a network error), plus these.
 */
const RESUMABLE_CHANGE_STREAM_CODES: ReadonlySet<number> = new Set([
  63, // StaleShardVersion
  150, // StaleEpoch
  ErrorCodes.StaleConfig,
  ErrorCodes.RetryChangeStream,
  ErrorCodes.FailedToSatisfyReadPreference,
]);

function resumable(code: number): boolean {
  return isRetryableErrorCode(code) || RESUMABLE_CHANGE_STREAM_CODES.has(code);
}

/** A change stream's getMore failure with the label that says whether it may resume. */
function labelledForChangeStream(error: unknown): unknown {
  if (!(error instanceof CommandFailure) || error.extra.errorLabels !== undefined) return error;
  const label =
    error.code === ErrorCodes.ChangeStreamFatalError
      ? 'NonResumableChangeStreamError'
      : resumable(error.code)
        ? 'ResumableChangeStreamError'
        : undefined;
  if (label === undefined) return error;
  return new CommandFailure(error.code, error.codeName, error.message, {
    ...error.extra,
    errorLabels: [label],
  });
}

/**
 * `getMore`: the next batch of an open cursor; 43 CursorNotFound when it is not open. A
 * tailable cursor stays open at its end and answers what was inserted since; an awaitData
 * one that has nothing yet is held by its connection (see await-data-wait.ts) before this
 * runs, so a handler never waits. mongod takes `maxTimeMS` on a getMore only for an
 * awaitData cursor, where it bounds that wait (2 BadValue for any other cursor). A change
 * stream's batch carries its `postBatchResumeToken`, and its failures the labels drivers
 * resume by.
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
  const kind = store.cursors.kindOf(id, ns);
  if (command.maxTimeMS !== undefined && !kind.awaitData) {
    throw new CommandFailure(
      2,
      'BadValue',
      'cannot set maxTimeMS on getMore command for a non-awaitData cursor',
    );
  }
  try {
    const batch = store.cursors.getMore(id, ns, optionalCount(command, 'batchSize') || undefined);
    return cursorReply(batch, 'nextBatch');
  } catch (error) {
    throw kind.changeStream ? labelledForChangeStream(error) : error;
  }
};
