export {
  KeyedLocks,
  type DistributedLocks,
  type DistributedLocksDeps,
  type LockStore,
} from './distributed-locks';
export type { LockHandle } from './lock-handle';
export { LOCK_DEFAULTS, type LockOptions } from './lock-options';
