import { LockLostError } from '../errors';

/** What a {@link LockHandle} needs to keep or give back its lock. */
export interface LockHold {
  /** Extends the lease while it runs; false when it ran out or the lock is gone. */
  extend(leaseMs: number): Promise<boolean>;
  /** Gives the lock back. */
  release(): Promise<void>;
}

/**
 * A distributed lock held by this process (`locks.acquire`): exclusive across every process
 * sharing the database until its lease runs out or it is released.
 *
 * Its {@link LockHandle.fencingToken} grows with every acquisition of any lock: a holder that
 * paused (a long GC, a lost network) may still believe it holds a lock whose lease ran out and
 * that another holder took since. Pass the token along with every write the lock protects, and
 * have the storage refuse a token lower than the highest it has seen: the stale holder's writes
 * are then refused instead of overwriting the new holder's.
 */
export interface LockHandle {
  /** The lock's name. */
  readonly name: string;
  /** The fencing token of this acquisition: higher than any token drawn before it. */
  readonly fencingToken: number;
  /** Aborted (with a `LockLostError`) once the lock is known lost, or was released. */
  readonly signal: AbortSignal;
  /**
   * True while the lease is known to run by this process's clock (counted from when the last
   * confirmed acquisition or extension was sent), and the lock was neither released nor lost.
   */
  readonly held: boolean;
  /**
   * Extends the lease to `leaseMs` from the database's time now.
   * @param leaseMs - The new lease, in ms; the lock's `leaseMs` when left out.
   * @throws LockLostError - the lease had run out (another holder may have the lock) or the
   *   lock was released; the handle's signal is aborted.
   * @throws StorageError - MongoDB could not be reached; the lease runs on unchanged.
   */
  extend(leaseMs?: number): Promise<void>;
  /** Gives the lock back (idempotent); the handle's signal is aborted. */
  release(): Promise<void>;
  /** Releases the lock (`await using lock = await docket.locks.acquire(...)`). */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The {@link LockHandle} of an acquired lock. */
export class HeldLock implements LockHandle {
  private readonly controller = new AbortController();
  private released: Promise<void> | undefined;
  /** Until when (by `performance.now()`) the lease is known to run, counted from a send time. */
  private heldUntil: number;

  constructor(
    readonly name: string,
    readonly fencingToken: number,
    /** The lease each extension asks for unless told otherwise, in ms. */
    readonly leaseMs: number,
    sentAt: number,
    private readonly hold: LockHold,
  ) {
    this.heldUntil = sentAt + leaseMs;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get held(): boolean {
    return !this.controller.signal.aborted && performance.now() < this.heldUntil;
  }

  async extend(leaseMs: number = this.leaseMs): Promise<void> {
    if (this.controller.signal.aborted) throw this.lost();
    const sentAt = performance.now();
    if (!(await this.hold.extend(leaseMs))) {
      const error = this.lost();
      this.controller.abort(error);
      throw error;
    }
    this.heldUntil = sentAt + leaseMs;
  }

  release(): Promise<void> {
    this.released ??= (async () => {
      if (!this.controller.signal.aborted) this.controller.abort(this.lost());
      await this.hold.release();
    })();
    return this.released;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }

  /** Marks the lock lost without a write (its lease ran out unconfirmed). */
  abandon(): void {
    if (!this.controller.signal.aborted) this.controller.abort(this.lost());
  }

  /** The local deadline of the lease (`performance.now()` time). */
  get deadline(): number {
    return this.heldUntil;
  }

  private lost(): LockLostError {
    return new LockLostError(this.name, this.fencingToken);
  }
}
