import type { Document, Long } from 'bson';
import { cursorIdOf } from './commands/get-more.command';
import { isNumeric, numericValue } from './engine/bson-value';
import type { StandInStore } from './engine/stand-in-store';

/** How long an awaitData getMore without `maxTimeMS` waits for data: mongod's default. */
export const DEFAULT_AWAIT_DATA_MS = 1_000;

const MAX_TIME_MS_LIMIT = 2_147_483_647;

/** A getMore to hold back: the cursor it reads, its namespace, and how long it may wait. */
export interface AwaitDataHold {
  readonly cursorId: Long;
  readonly ns: string;
  readonly waitMs: number;
}

/** Something a connection waits for before it answers its next request. */
export interface PendingWait {
  /** Gives up the wait without answering (the connection is closing). Idempotent. */
  cancel(): void;
  /**
   * The member's topology changed (a step-down, an election): a wait that is to end then (an
   * awaitable `hello`) answers now. Absent when the wait does not care.
   */
  topologyChanged?(): void;
}

/**
 * Whether a command is a getMore to hold back: one on an awaitData cursor that has nothing
 * to answer yet (no document, no failure) and may wait (its `maxTimeMS`, 1 s by default, is
 * above 0). Anything else, malformed getMores included, runs at once and answers what it
 * answers. A store without cursors (a test's fake engine) holds nothing.
 */
export function awaitDataHold(
  command: Document,
  dbName: string,
  store: Partial<StandInStore>,
): AwaitDataHold | undefined {
  const { cursors, writes } = store;
  if (!cursors || !writes || typeof command.collection !== 'string') return undefined;
  const waitMs = awaitTimeOf(command.maxTimeMS);
  if (waitMs === undefined || waitMs <= 0) return undefined;
  let cursorId: Long;
  try {
    cursorId = cursorIdOf(command.getMore);
  } catch {
    return undefined;
  }
  const ns = `${dbName}.${command.collection}`;
  return cursors.awaitsData(cursorId, ns) ? { cursorId, ns, waitMs } : undefined;
}

function awaitTimeOf(maxTimeMS: unknown): number | undefined {
  if (maxTimeMS === undefined || maxTimeMS === null) return DEFAULT_AWAIT_DATA_MS;
  if (!isNumeric(maxTimeMS)) return undefined;
  const ms = Number(numericValue(maxTimeMS));
  return Number.isInteger(ms) && ms >= 0 && ms <= MAX_TIME_MS_LIMIT ? ms : undefined;
}

/**
 * Holds an awaitData getMore, as mongod's waits for inserts, without blocking anything
 * else: it listens to the writes of the cursor's namespace (every write, for a change
 * stream) and pins the cursor, and calls
 * `resume` (which runs the getMore) once the cursor has something to answer (a document,
 * or a failure: position lost, cursor killed, collection dropped) or the wait is over,
 * whichever comes first. A write that brings nothing the cursor matches keeps it waiting.
 */
export class AwaitDataWait implements PendingWait {
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly unpin: () => void;
  private settled = false;
  private recheckScheduled = false;

  constructor(
    private readonly hold: AwaitDataHold,
    private readonly store: StandInStore,
    private readonly resume: () => void,
  ) {
    const wake = (): void => this.wake();
    // A change stream may show a change of any namespace (and its own namespace, for a
    // database or the deployment, is no collection's).
    this.unsubscribe = store.cursors.isChangeStream(hold.cursorId)
      ? store.writes.subscribeAll(wake)
      : store.writes.subscribe(hold.ns, wake);
    this.unpin = store.cursors.pin(hold.cursorId, wake);
    this.timer = setTimeout(() => this.finish(), hold.waitMs);
    this.timer.unref();
  }

  cancel(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.unsubscribe();
    this.unpin();
  }

  /**
   * Called from inside the write (or kill) that may have given the cursor something: the
   * check waits until that command has run to its end and answered.
   */
  private wake(): void {
    if (this.settled || this.recheckScheduled) return;
    this.recheckScheduled = true;
    queueMicrotask(() => {
      this.recheckScheduled = false;
      if (!this.settled && !this.store.cursors.awaitsData(this.hold.cursorId, this.hold.ns)) {
        this.finish();
      }
    });
  }

  private finish(): void {
    if (this.settled) return;
    this.cancel();
    this.resume();
  }
}
