import { DocketError } from './docket-error';

/** `locks.acquire` (or `locks.withLock`) did not get the lock within its `waitMs`. */
export class LockTimeoutError extends DocketError {
  /** The lock's name. */
  readonly lock: string;
  /** How long the call was allowed to wait, in ms. */
  readonly waitMs: number;

  constructor(lock: string, waitMs: number) {
    super(`Lock '${lock}' is held elsewhere and was not free within ${waitMs} ms`);
    this.lock = lock;
    this.waitMs = waitMs;
  }

  override get name(): string {
    return 'LockTimeoutError';
  }

  override get code(): string {
    return 'LOCK_TIMEOUT';
  }
}
