import type { Document } from 'bson';
import { CommandFailure, type CommandContext } from '../command-types';
import { canonicalKey } from '../engine/canonical-key';
import { decodeResumeToken, type ChangeLog } from '../engine/change-log';
import { ChangeStreamSource } from '../engine/change-stream-source';
import {
  changeStreamScope,
  checkStagesAfterChangeStream,
  parseChangeStreamStage,
  type ChangeStreamStart,
} from './change-stream-spec';
import { cursorBatchSize } from './command-args';
import { cursorReply } from './cursor-reply';

/**
 * An `aggregate` whose pipeline starts with `$changeStream`: opens a change stream on a
 * collection, a database (`aggregate: 1`) or the deployment (`aggregate: 1` on `admin`
 * with `allChangesForCluster`), from now or from where a resume token or an operation time
 * says, and answers its cursor (tailable, awaitData) with its first batch and
 * `postBatchResumeToken`. Only a replica set has a change log: a standalone refuses with
 * 40573, as mongod does.
 */
export function openChangeStream(
  command: Document,
  collection: string | undefined,
  pipeline: readonly Document[],
  stages: readonly string[],
  { dbName, store, connectionId, sessionKey }: CommandContext,
): Document {
  const log = store.changes;
  if (log === undefined) {
    throw new CommandFailure(
      40573,
      'Location40573',
      'The $changeStream stage is only supported on replica sets',
    );
  }
  const options = parseChangeStreamStage(pipeline[0].$changeStream);
  checkStagesAfterChangeStream(stages);
  const scope = changeStreamScope(dbName, collection, options);
  const source = new ChangeStreamSource(
    log,
    scope,
    startSequence(log, options.start),
    options,
    pipeline.slice(1),
    (ns, id) => store.getCollection(ns.db, ns.coll ?? '')?.get(canonicalKey(id)),
  );
  const ns = collection === undefined ? `${dbName}.$cmd.aggregate` : `${dbName}.${collection}`;
  const batch = store.cursors.openChangeStream(ns, source, {
    batchSize: cursorBatchSize(command),
    connectionId,
    sessionKey,
  });
  return cursorReply(batch, 'firstBatch');
}

/**
 * The change a stream starts after.
 * @throws CommandFailure 260 InvalidResumeToken for `resumeAfter` an invalidate event
 *   (only `startAfter` may start there), 286/280 for a token the log cannot resume from.
 */
function startSequence(log: ChangeLog, start: ChangeStreamStart): number {
  switch (start.kind) {
    case 'now':
      return log.latestSequence;
    case 'startAtOperationTime':
      return log.sequenceBefore(start.time);
    case 'resumeAfter':
    case 'startAfter': {
      const point = decodeResumeToken(start.token);
      if (point.fromInvalidate && start.kind === 'resumeAfter') {
        throw new CommandFailure(
          260,
          'InvalidResumeToken',
          "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification.",
        );
      }
      return log.resumeAfter(point);
    }
  }
}
