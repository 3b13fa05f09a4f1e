import type { Document } from 'bson';
import type { CursorBatch } from '../engine/cursor-registry';

/**
 * The `{ cursor: { id, ns, firstBatch | nextBatch } }` reply of a cursor-returning command,
 * with a change stream's `postBatchResumeToken`.
 */
export function cursorReply(batch: CursorBatch, kind: 'firstBatch' | 'nextBatch'): Document {
  const cursor: Document = { id: batch.id, ns: batch.ns, [kind]: batch.batch };
  if (batch.postBatchResumeToken) cursor.postBatchResumeToken = batch.postBatchResumeToken;
  return { cursor };
}
