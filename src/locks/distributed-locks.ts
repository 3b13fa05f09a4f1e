import { randomBytes } from 'node:crypto';
import { LockLostError, LockTimeoutError } from '../errors';
import type { SlotClaimant } from '../storage/slot-claimant';
import { HeldLock, type LockHandle } from './lock-handle';
import { resolveLockOptions, type LockOptions } from './lock-options';

/** The backoff between tries of a lock held elsewhere: 25 ms, doubling up to 1 s. */
const RETRY_BASE_MS = 25;
const RETRY_MAX_MS = 1_000;

/** How the name of a lock is kept among the concurrency keys. */
const LOCK_PREFIX = 'lock:';

/** The storage of the locks: the concurrency keys' (see `MongoKeyStore`). */
export interface LockStore {
  acquire(id: string, limit: number, claimant: SlotClaimant, leaseMs: number): Promise<boolean>;
  release(id: string, jobId: string, fence: number): Promise<void>;
  extendHolder(id: string, holder: SlotClaimant, leaseMs: number): Promise<boolean>;
  nextLockFence(): Promise<number>;
}

/** What {@link KeyedLocks} needs from its Docket. */
export interface DistributedLocksDeps {
  readonly store: LockStore;
  /** Who holds the locks taken here (shown in the lock's record). */
  readonly owner: string;
  /** @throws DocketClosedError once the Docket is closed. */
  readonly checkOpen: (operation: string) => void;
}

/**
 * Distributed locks for application code (`docket.locks`), on the same records as the
 * concurrency keys of jobs: a lock is exclusive across every process sharing the database,
 * held under a lease by the database's clock (a holder that dies frees it when the lease runs
 * out), and each acquisition gets a fencing token higher than any before it.
 *
 * ```ts
 * await docket.locks.withLock('nightly-report', async (lock) => {
 *   await reports.write(data, { fencingToken: lock.fencingToken, signal: lock.signal });
 * });
 * ```
 */
export interface DistributedLocks {
  /**
   * Takes the lock `name`, waiting up to `waitMs` while another holder has it. Costs three
   * round trips (take, draw the fencing token, confirm the lease still runs) plus one per
   * try while waiting. The lock is held until released or until its lease runs out: extend it
   * (`extend`) for work longer than the lease, or use {@link DistributedLocks.withLock}.
   * @param name - 1 to 200 characters without control characters.
   * @throws LockTimeoutError - the lock was not free within `waitMs`.
   * @throws InvalidOptionsError - for a bad name or option.
   * @throws StorageError - MongoDB could not be reached.
   * @throws DocketClosedError - once the Docket is closed.
   */
  acquire(name: string, options?: LockOptions): Promise<LockHandle>;
  /**
   * Runs `fn` under the lock `name`: takes it (see {@link DistributedLocks.acquire}), extends
   * its lease every third of `leaseMs` while `fn` runs, and releases it when `fn` settles.
   * When an extension finds the lease ran out, or none was confirmed before it would have,
   * the handle's `signal` aborts with a `LockLostError`: `fn` should stop, and `withLock`
   * rejects with that error once `fn` settles (whatever `fn` returned), since its work may
   * have overlapped another holder's.
   * @throws LockTimeoutError - the lock was not free within `waitMs`.
   * @throws LockLostError - the lease was lost while `fn` ran.
   */
  withLock<T>(
    name: string,
    fn: (lock: LockHandle) => Promise<T>,
    options?: LockOptions,
  ): Promise<T>;
}

/** {@link DistributedLocks} on the concurrency keys' records. */
export class KeyedLocks implements DistributedLocks {
  constructor(private readonly deps: DistributedLocksDeps) {}

  async acquire(name: string, options?: LockOptions): Promise<LockHandle> {
    this.deps.checkOpen('locks.acquire');
    const { leaseMs, waitMs } = resolveLockOptions(name, options);
    const id = LOCK_PREFIX + name;
    const holder: SlotClaimant = {
      jobId: randomBytes(12).toString('hex'),
      fence: 0,
      serverId: this.deps.owner,
    };
    const deadline = performance.now() + waitMs;
    for (let tries = 1; ; tries++) {
      if (await this.deps.store.acquire(id, 1, holder, leaseMs)) break;
      const left = deadline - performance.now();
      if (left <= 0) throw new LockTimeoutError(name, waitMs);
      const backoff = Math.min(RETRY_BASE_MS * 2 ** Math.min(tries - 1, 10), RETRY_MAX_MS);
      // Jitter: waiters that found the lock taken together do not all come back together.
      await sleep(Math.min(left, backoff / 2 + (Math.random() * backoff) / 2));
    }
    const hold = {
      extend: (ms: number) => this.deps.store.extendHolder(id, holder, ms),
      release: () => this.deps.store.release(id, holder.jobId, holder.fence),
    };
    try {
      // The token is drawn once the lock is held, then the lease is confirmed to still run:
      // so no other holder took the lock between the take and the draw, and every later
      // holder draws a higher token.
      const fencingToken = await this.deps.store.nextLockFence();
      const sentAt = performance.now();
      if (!(await hold.extend(leaseMs))) throw new LockLostError(name, fencingToken);
      return new HeldLock(name, fencingToken, leaseMs, sentAt, hold);
    } catch (error) {
      await hold.release().catch(() => undefined);
      throw error;
    }
  }

  async withLock<T>(
    name: string,
    fn: (lock: LockHandle) => Promise<T>,
    options?: LockOptions,
  ): Promise<T> {
    const lock = (await this.acquire(name, options)) as HeldLock;
    const renewal = keepExtended(lock);
    try {
      const value = await fn(lock);
      if (lock.signal.aborted) throw lock.signal.reason;
      return value;
    } finally {
      renewal.stop();
      await lock.release();
    }
  }
}

/**
 * Extends `lock` every third of its lease; abandons it when an extension finds it lost, or
 * when its local deadline passes before an extension was confirmed (MongoDB unreachable).
 */
function keepExtended(lock: HeldLock): { stop(): void } {
  const { leaseMs } = lock;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(tick, Math.max(1, Math.floor(leaseMs / 3)));
  };
  const tick = () => {
    if (performance.now() >= lock.deadline) return lock.abandon();
    lock.extend(leaseMs).then(schedule, (error: unknown) => {
      if (error instanceof LockLostError) return;
      // Unreachable for now: try again, until the local deadline says the lease is gone.
      schedule();
    });
  };
  schedule();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
