import { calculateObjectSize, Long } from 'bson';
import { CommandFailure } from '../command-types';
import { cloneDocument } from './bson-clone';
import { SnapshotSource, type CursorSource } from './cursor-source';

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
  /** A change stream's resume token after this batch. */
  readonly postBatchResumeToken?: Document;
}

interface OpenCursor {
  readonly ns: string;
  source: CursorSource;
  /** A tailable cursor whose getMores wait for new documents (`awaitData`). */
  readonly awaitData: boolean;
  /** A change stream's cursor: it reads every namespace's changes and outlives drops. */
  readonly changeStream: boolean;
  readonly connectionId: number;
  /** The logical session (`lsid`) the cursor was opened in, if any. */
  readonly sessionKey: string | undefined;
  /** When a batch was last handed out (ms since the epoch). */
  lastUsedMs: number;
  /** Set when the cursor died under its owner: its next getMore fails so. */
  killedBy?: CommandFailure;
  /** Set while a getMore waits on the cursor (it is pinned): wakes that getMore. */
  waiter?: () => void;
}

/** Who opens a cursor: its connection and, when the command carried an `lsid`, its session. */
export interface CursorOwner {
  readonly connectionId: number;
  readonly sessionKey?: string;
}

/** How a tailable cursor is opened: a `find` with `tailable` and perhaps `awaitData`. */
export interface TailableCursorOptions extends CursorOwner {
  readonly batchSize?: number;
  readonly awaitData: boolean;
  /**
   * Whether the cursor stays open after its first batch: mongod keeps a tailable cursor
   * only when its collection holds documents (an empty one answers cursor id 0).
   */
  readonly keepOpen: boolean;
}

/** What a getMore may ask of a cursor before running (maxTimeMS is for awaitData ones only). */
export interface CursorKind {
  readonly awaitData: boolean;
  readonly changeStream: boolean;
}

const EMPTY_SOURCE = new SnapshotSource([]);

/**
 * mongod's error for a getMore whose cursor was killed while the getMore waited on it
 * (killCursors, an ended session): the operation is interrupted.
 */
function cursorKilled(): CommandFailure {
  return new CommandFailure(
    237,
    'CursorKilled',
    'Executor error during getMore :: caused by :: operation was interrupted',
  );
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
 * concurrent writes), except a tailable one, which reads its capped collection as it grows
 * and never closes itself; batches are cloned as they are handed out, cut at `batchSize`
 * and at 16 MiB of BSON, and a cursor closes itself (id 0) once its last document is out.
 * A getMore that fails while producing its batch closes the cursor, as in mongod.
 *
 * An awaitData getMore that finds nothing waits at its connection with the cursor pinned
 * ({@link pin}): the reaper leaves a pinned cursor alone, and killing it (killCursors, its
 * session ending) or dropping its collection wakes the waiting getMore, which then answers
 * 237 CursorKilled or 175 QueryPlanKilled, as mongod's interrupted getMore does.
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
  /**
   * Consulted by every getMore once its cursor is found (the `failGetMoreAfterCursorCheckout`
   * fail point): a failure it returns fails the getMore and closes the cursor.
   */
  checkoutFailure: () => CommandFailure | undefined = () => undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Opens a cursor over `documents` and returns its first batch. */
  open(
    ns: string,
    documents: readonly Document[],
    options: { batchSize?: number; singleBatch?: boolean } & CursorOwner,
  ): CursorBatch {
    const source = new SnapshotSource(documents);
    const batch = takeBatch(source, options.batchSize ?? DEFAULT_FIRST_BATCH_SIZE);
    const keepOpen = !options.singleBatch && !source.exhausted;
    return this.register(ns, source, batch, { ...options, awaitData: false, keepOpen });
  }

  /** Opens a tailable cursor on `source` and returns its first batch. */
  openTailable(ns: string, source: CursorSource, options: TailableCursorOptions): CursorBatch {
    const batch = takeBatch(source, options.batchSize ?? DEFAULT_FIRST_BATCH_SIZE);
    return this.register(ns, source, batch, options);
  }

  /**
   * Opens a change stream's cursor on `source` (tailable and awaitData, open until the
   * stream is invalidated) and returns its first batch with its resume token.
   */
  openChangeStream(
    ns: string,
    source: CursorSource,
    options: { batchSize?: number } & CursorOwner,
  ): CursorBatch {
    const batch = takeBatch(source, options.batchSize ?? DEFAULT_FIRST_BATCH_SIZE);
    const opened = this.register(ns, source, batch, {
      ...options,
      awaitData: true,
      keepOpen: !source.exhausted,
      changeStream: true,
    });
    return { ...opened, postBatchResumeToken: source.resumeToken?.() };
  }

  private register(
    ns: string,
    source: CursorSource,
    batch: Document[],
    options: CursorOwner & { awaitData: boolean; keepOpen: boolean; changeStream?: boolean },
  ): CursorBatch {
    if (!options.keepOpen) return { id: Long.ZERO, ns, batch };
    const cursor: OpenCursor = {
      ns,
      source,
      awaitData: options.awaitData,
      changeStream: options.changeStream === true,
      connectionId: options.connectionId,
      sessionKey: options.sessionKey,
      lastUsedMs: this.now(),
    };
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
        this.close(key, cursor);
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
      // A pinned cursor is in use, however long its getMore waits.
      else if (!cursor.waiter && now - cursor.lastUsedMs >= timeouts.cursorTimeoutMs)
        this.cursors.delete(key);
    }
    // Sessions whose cursors are all gone (exhausted or killed) need no tracking.
    for (const sessionKey of this.sessionsLastUsed.keys()) {
      if (!liveSessions.has(sessionKey)) this.sessionsLastUsed.delete(sessionKey);
    }
  }

  /**
   * What kind of cursor `id` is, for the checks a getMore makes before running; 43
   * CursorNotFound when it is not open, 13 when it belongs to another namespace.
   */
  kindOf(id: Long, ns: string): CursorKind {
    const cursor = this.lookUp(id, ns);
    return { awaitData: cursor.awaitData, changeStream: cursor.changeStream };
  }

  /** Whether cursor `id` is an open change stream's (whose getMores wait on every write). */
  isChangeStream(id: Long): boolean {
    return this.cursors.get(id.toString())?.changeStream === true;
  }

  /** The next batch of an open cursor; 43 CursorNotFound when it is not open. */
  getMore(id: Long, ns: string, batchSize: number | undefined): CursorBatch {
    const key = id.toString();
    const cursor = this.lookUp(id, ns);
    if (cursor.killedBy) {
      this.cursors.delete(key);
      throw cursor.killedBy;
    }
    cursor.lastUsedMs = this.now();
    if (cursor.sessionKey !== undefined) this.touchSession(cursor.sessionKey);
    let batch: Document[];
    try {
      const failure = this.checkoutFailure();
      if (failure) throw failure;
      batch = takeBatch(cursor.source, batchSize ?? Number.POSITIVE_INFINITY);
    } catch (error) {
      this.cursors.delete(key);
      throw error;
    }
    const postBatchResumeToken = cursor.source.resumeToken?.();
    const more = !cursor.source.exhausted;
    if (!more) this.cursors.delete(key);
    return { id: more ? id : Long.ZERO, ns, batch, postBatchResumeToken };
  }

  /**
   * Whether an awaitData getMore on cursor `id` of `ns` would find nothing to answer yet:
   * the cursor is open, alive, awaitData, and has no document and no failure to report.
   */
  awaitsData(id: Long, ns: string): boolean {
    const cursor = this.cursors.get(id.toString());
    if (!cursor || cursor.ns !== ns || !cursor.awaitData || cursor.killedBy) return false;
    try {
      return cursor.source.peek() === undefined;
    } catch {
      return false; // the getMore has a failure to report
    }
  }

  /**
   * Pins an open cursor while a getMore waits on it: until the returned function is called,
   * the reaper leaves it, and killing it or dropping its collection calls `wake` (the
   * getMore then answers the failure) instead of removing it.
   */
  pin(id: Long, wake: () => void): () => void {
    const cursor = this.cursors.get(id.toString());
    if (!cursor) return () => undefined;
    cursor.waiter = wake;
    return () => {
      if (cursor.waiter !== wake) return;
      cursor.waiter = undefined;
      cursor.lastUsedMs = this.now();
    };
  }

  /** Closes a cursor; false when it was not open. */
  kill(id: Long): boolean {
    const key = id.toString();
    const cursor = this.cursors.get(key);
    if (!cursor) return false;
    this.close(key, cursor);
    return true;
  }

  /** Closes the cursors a connection opened outside any session (call when it closes). */
  killForConnection(connectionId: number): void {
    for (const [key, cursor] of this.cursors) {
      if (cursor.connectionId === connectionId && cursor.sessionKey === undefined) {
        this.close(key, cursor);
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
    for (const cursor of this.cursors.values()) {
      // A change stream on the collection reports the drop, and ends itself.
      if (cursor.ns === ns && !cursor.killedBy && !cursor.changeStream) {
        cursor.source = EMPTY_SOURCE;
        cursor.killedBy = failure;
        cursor.waiter?.();
      }
    }
  }

  /** How many cursors are open. */
  get openCount(): number {
    return this.cursors.size;
  }

  /** The open cursor `id` of `ns`: 43 when there is none, 13 when it is another namespace's. */
  private lookUp(id: Long, ns: string): OpenCursor {
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
    return cursor;
  }

  /**
   * Removes a cursor, unless a getMore waits on it: that one is interrupted instead (it
   * answers 237 CursorKilled, and the cursor goes with it), as in mongod.
   */
  private close(key: string, cursor: OpenCursor): void {
    if (!cursor.waiter) {
      this.cursors.delete(key);
      return;
    }
    cursor.killedBy ??= cursorKilled();
    cursor.source = EMPTY_SOURCE;
    cursor.waiter();
  }
}

function takeBatch(source: CursorSource, batchSize: number): Document[] {
  const batch: Document[] = [];
  let bytes = 0;
  while (batch.length < batchSize) {
    const document = source.peek();
    if (document === undefined) break;
    const size = calculateObjectSize(document);
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    batch.push(cloneDocument(document));
    bytes += size;
    source.advance();
  }
  return batch;
}
