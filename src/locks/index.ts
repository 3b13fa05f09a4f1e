export { KeyedLocks, type DistributedLocks } from './distributed-locks';
export type { LockHandle } from './lock-handle';
export type { LockOptions } from './lock-options';
