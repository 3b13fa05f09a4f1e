import type { Document } from 'bson';
import type { CursorBatch } from '../engine/cursor-registry';

/** The `{ cursor: { id, ns, firstBatch | nextBatch } }` reply of a cursor-returning command. */
export function cursorReply(batch: CursorBatch, kind: 'firstBatch' | 'nextBatch'): Document {
  return { cursor: { id: batch.id, ns: batch.ns, [kind]: batch.batch } };
}
