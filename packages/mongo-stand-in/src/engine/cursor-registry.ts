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
  /** The logical session (`lsid`) the cursor was opened in, if any. */
  readonly sessionKey: string | undefined;
  /** When a batch was last handed out (ms since the epoch). */
  lastUsedMs: number;
  /** Set when the cursor's collection went away under it: its next getMore fails so. */
  readonly killedBy?: CommandFailure;
}

/** Who opens a cursor: its connection and, when the command carried an `lsid`, its session. */
export interface CursorOwner {
  readonly connectionId: number;
  readonly sessionKey?: string;
}

/** How long idle cursors and sessions live before {@link CursorRegistry.reap} closes them. */
export interface CursorTimeouts {
  /** A cursor opened outside any session, idle this long, is closed (mongod's cursorTimeoutMillis). */
  readonly cursorTimeoutMs: number;
  /** A session unused this long is over, and its cursors are closed (mongod: 30 minutes). */
  readonly sessionTimeoutMs: number;
}

/**
 * Open cursors. A cursor snapshots its results when it is opened (a stand-in need not see
 * concurrent writes); batches are cloned as they are handed out, cut at `batchSize` and at
 * 16 MiB of BSON, and a cursor closes itself (id 0) once its last document is out.
 *
 * Abandoned cursors must not pin their snapshots forever, so cursors end as in mongod 7.0:
 * with `killCursors`; with their session (`endSessions`, `killSessions`, or the session
 * unused for the session timeout); and, outside any session, after the cursor timeout idle.
 * One departure: a cursor opened outside any session also closes with the connection that
 * opened it, where mongod would keep it until its idle timeout (drivers always send an
 * `lsid`, so only hand-made clients open such cursors, and nothing else could reach them).
 */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();
  /** When each session that owns cursors was last used (ms since the epoch). */
  private readonly sessionsLastUsed = new Map<string, number>();
  private nextId = BigInt(1 + Math.floor(Math.random() * 2 ** 40)) << 12n;

  constructor(private readonly now: () => number = Date.now) {}

  /** Opens a cursor over `documents` and returns its first batch. */
  open(
    ns: string,
    documents: readonly Document[],
    options: { batchSize?: number; singleBatch?: boolean } & CursorOwner,
  ): CursorBatch {
    const cursor: OpenCursor = {
      ns,
      documents,
      position: 0,
      connectionId: options.connectionId,
      sessionKey: options.sessionKey,
      lastUsedMs: this.now(),
    };
    const batch = takeBatch(cursor, options.batchSize ?? DEFAULT_FIRST_BATCH_SIZE);
    if (options.singleBatch || cursor.position >= documents.length) {
      return { id: Long.ZERO, ns, batch };
    }
    this.nextId += 1n;
    const id = Long.fromBigInt(this.nextId);
    this.cursors.set(id.toString(), cursor);
    if (cursor.sessionKey !== undefined)
      this.sessionsLastUsed.set(cursor.sessionKey, cursor.lastUsedMs);
    return { id, ns, batch };
  }

  /** Records a use of a session (any command carrying its `lsid`), which keeps its cursors alive. */
  touchSession(sessionKey: string): void {
    if (this.sessionsLastUsed.has(sessionKey)) this.sessionsLastUsed.set(sessionKey, this.now());
  }

  /** Closes every cursor of the given sessions (`endSessions`, `killSessions`). */
  killForSessions(sessionKeys: ReadonlySet<string>): void {
    for (const [key, cursor] of this.cursors) {
      if (cursor.sessionKey !== undefined && sessionKeys.has(cursor.sessionKey)) {
        this.cursors.delete(key);
      }
    }
    for (const sessionKey of sessionKeys) this.sessionsLastUsed.delete(sessionKey);
  }

  /** Closes every cursor opened in a session (`killAllSessions`). */
  killAllSessionCursors(): void {
    this.killForSessions(new Set(this.sessionsLastUsed.keys()));
  }

  /**
   * Closes the cursors whose time is up: outside a session, idle for `cursorTimeoutMs`;
   * in a session, when the session was unused for `sessionTimeoutMs`.
   */
  reap(timeouts: CursorTimeouts): void {
    const now = this.now();
    const expiredSessions = new Set<string>();
    for (const [sessionKey, lastUsed] of this.sessionsLastUsed) {
      if (now - lastUsed >= timeouts.sessionTimeoutMs) expiredSessions.add(sessionKey);
    }
    if (expiredSessions.size > 0) this.killForSessions(expiredSessions);
    const liveSessions = new Set<string>();
    for (const [key, cursor] of this.cursors) {
      if (cursor.sessionKey !== undefined) liveSessions.add(cursor.sessionKey);
      else if (now - cursor.lastUsedMs >= timeouts.cursorTimeoutMs) this.cursors.delete(key);
    }
    // Sessions whose cursors are all gone (exhausted or killed) need no tracking.
    for (const sessionKey of this.sessionsLastUsed.keys()) {
      if (!liveSessions.has(sessionKey)) this.sessionsLastUsed.delete(sessionKey);
    }
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
    if (cursor.killedBy) {
      this.cursors.delete(key);
      throw cursor.killedBy;
    }
    cursor.lastUsedMs = this.now();
    if (cursor.sessionKey !== undefined) this.touchSession(cursor.sessionKey);
    const batch = takeBatch(cursor, batchSize ?? Number.POSITIVE_INFINITY);
    if (cursor.position < cursor.documents.length) return { id, ns, batch };
    this.cursors.delete(key);
    return { id: Long.ZERO, ns, batch };
  }

  /** Closes a cursor; false when it was not open. */
  kill(id: Long): boolean {
    return this.cursors.delete(id.toString());
  }

  /** Closes the cursors a connection opened outside any session (call when it closes). */
  killForConnection(connectionId: number): void {
    for (const [key, cursor] of this.cursors) {
      if (cursor.connectionId === connectionId && cursor.sessionKey === undefined) {
        this.cursors.delete(key);
      }
    }
  }

  /**
   * Kills the cursors of `db.collection` as mongod's query plans die when their collection
   * is dropped or renamed: each keeps its place (and its owner, for the timeouts) without its results,
   * and its next getMore fails with `failure` (175 QueryPlanKilled) instead of 43.
   */
  invalidateForNamespace(dbName: string, collection: string, failure: CommandFailure): void {
    const ns = `${dbName}.${collection}`;
    for (const [key, cursor] of this.cursors) {
      if (cursor.ns === ns && !cursor.killedBy) {
        this.cursors.set(key, { ...cursor, documents: [], position: 0, killedBy: failure });
      }
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
