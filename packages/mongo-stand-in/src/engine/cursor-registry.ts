import { calculateObjectSize, Long } from 'bson';
import { CommandFailure } from '../command-types';
import { cloneDocument } from './bson-clone';

type Document = Record<string, unknown>;

/** Documents of a first batch when the client sets no batchSize (mongod's default). */
export const DEFAULT_FIRST_BATCH_SIZE = 101;
/** Replies stay under 16 MiB: a batch stops before the document that would cross this. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;

/** One batch handed to a client, with the cursor id to continue (0 when exhausted). */
export interface CursorBatch {
  readonly id: Long;
  readonly ns: string;
  readonly batch: Document[];
}

interface OpenCursor {
  readonly ns: string;
  readonly documents: readonly Document[];
  position: number;
  readonly connectionId: number;
}

/**
 * Open cursors. A cursor snapshots its results when it is opened (a stand-in need not see
 * concurrent writes); batches are cloned as they are handed out, cut at `batchSize` and at
 * 16 MiB of BSON, and a cursor closes itself (id 0) once its last document is out.
 */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();
  private nextId = BigInt(1 + Math.floor(Math.random() * 2 ** 40)) << 12n;

  /** Opens a cursor over `documents` and returns its first batch. */
  open(
    ns: string,
    documents: readonly Document[],
    options: { batchSize?: number; singleBatch?: boolean; connectionId: number },
  ): CursorBatch {
    const cursor: OpenCursor = { ns, documents, position: 0, connectionId: options.connectionId };
    const batch = takeBatch(cursor, options.batchSize ?? DEFAULT_FIRST_BATCH_SIZE);
    if (options.singleBatch || cursor.position >= documents.length) {
      return { id: Long.ZERO, ns, batch };
    }
    this.nextId += 1n;
    const id = Long.fromBigInt(this.nextId);
    this.cursors.set(id.toString(), cursor);
    return { id, ns, batch };
  }

  /** The next batch of an open cursor; 43 CursorNotFound when it is not open. */
  getMore(id: Long, ns: string, batchSize: number | undefined): CursorBatch {
    const key = id.toString();
    const cursor = this.cursors.get(key);
    if (!cursor) throw new CommandFailure(43, 'CursorNotFound', `cursor id ${key} not found`);
    if (cursor.ns !== ns) {
      throw new CommandFailure(
        13,
        'Unauthorized',
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    const batch = takeBatch(cursor, batchSize ?? Number.POSITIVE_INFINITY);
    if (cursor.position < cursor.documents.length) return { id, ns, batch };
    this.cursors.delete(key);
    return { id: Long.ZERO, ns, batch };
  }

  /** Closes a cursor; false when it was not open. */
  kill(id: Long): boolean {
    return this.cursors.delete(id.toString());
  }

  /** Closes every cursor of a connection (call when the connection closes). */
  killForConnection(connectionId: number): void {
    for (const [key, cursor] of this.cursors) {
      if (cursor.connectionId === connectionId) this.cursors.delete(key);
    }
  }

  /** Closes every cursor whose namespace is in `db` (optionally only `db.collection`). */
  killForNamespace(dbName: string, collection?: string): void {
    for (const [key, cursor] of this.cursors) {
      const matches =
        collection === undefined
          ? cursor.ns.startsWith(`${dbName}.`)
          : cursor.ns === `${dbName}.${collection}`;
      if (matches) this.cursors.delete(key);
    }
  }

  /** How many cursors are open. */
  get openCount(): number {
    return this.cursors.size;
  }
}

function takeBatch(cursor: OpenCursor, batchSize: number): Document[] {
  const batch: Document[] = [];
  let bytes = 0;
  while (batch.length < batchSize && cursor.position < cursor.documents.length) {
    const document = cursor.documents[cursor.position];
    const size = calculateObjectSize(document);
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    batch.push(cloneDocument(document));
    bytes += size;
    cursor.position += 1;
  }
  return batch;
}
