import type { ChangeStream, Collection, Db, Document, MongoClient } from 'mongodb';
import { openChangeStream } from './driver-internals';
import type { OperationArguments } from './operation-arguments';
import { documentResult, valueResult, type OperationResult } from './operation-result';

/** A change stream operation of the format (its "Cursor Operations"), as a driver call. */
export type ChangeStreamOperation = (
  stream: ChangeStream,
  args: OperationArguments,
) => Promise<OperationResult>;

/**
 * `createChangeStream` on a client, database or collection: `watch` with the pipeline and
 * options, and its `aggregate` sent at once, so that the server's refusal is this
 * operation's error and later writes are seen. The stream is the result, for
 * `saveResultAsEntity`.
 */
export async function createChangeStream(
  parent: MongoClient | Db | Collection,
  args: OperationArguments,
): Promise<OperationResult> {
  const pipeline = args.optional<Document[]>('pipeline') ?? [];
  const stream = parent.watch(pipeline, args.options());
  await openChangeStream(stream);
  return valueResult(stream);
}

/** Change stream operations by the format's name. */
export const CHANGE_STREAM_OPERATIONS: Readonly<Record<string, ChangeStreamOperation>> = {
  /** Waits (getMore after getMore) for the next change; its document is root-level. */
  async iterateUntilDocumentOrError(stream) {
    return documentResult(await stream.next());
  },
  /** One iteration: a buffered change, or one getMore; `null` when it brought nothing. */
  async iterateOnce(stream) {
    return documentResult(await stream.tryNext());
  },
  /** Errors of the `killCursors` are not reported, as the format requires. */
  async close(stream) {
    await stream.close().catch(() => undefined);
    return valueResult(undefined);
  },
};
