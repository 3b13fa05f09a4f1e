import { DocketError } from './docket-error';

/**
 * A distributed lock is no longer held by its handle: its lease ran out before it was
 * extended (another holder may have it now), or it was released. Thrown by `extend`, and the
 * reason of a `withLock` callback's signal.
 */
export class LockLostError extends DocketError {
  /** The lock's name. */
  readonly lock: string;
  /** The fencing token the handle held. */
  readonly fencingToken: number;

  constructor(lock: string, fencingToken: number) {
    super(
      `Lock '${lock}' (fencing token ${fencingToken}) is no longer held: its lease ran out or it was released`,
    );
    this.lock = lock;
    this.fencingToken = fencingToken;
  }

  override get name(): string {
    return 'LockLostError';
  }

  override get code(): string {
    return 'LOCK_LOST';
  }
}
