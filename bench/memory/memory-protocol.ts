/** The messages between `npm run bench:memory` and its Docket worker process (Node IPC). */

/** What each job's handler does besides returning. */
export type MemoryWorkload = 'noop' | 'log' | 'retry' | 'scheduled';

/** Which process enqueues the jobs: the worker itself, or another Docket (the parent's). */
export type MemoryProducer = 'self' | 'other';

/** Parent to worker. */
export type MemoryRequest =
  | {
      readonly op: 'drain';
      /** Jobs to run, counted from the previous drain's end. */
      readonly jobs: number;
      /** The worker enqueues them (`self`), or waits for the parent's (`other`). */
      readonly enqueue: boolean;
      /** Where to write a heap snapshot after the drain (none when absent). */
      readonly snapshot?: string;
    }
  | { readonly op: 'close' };

/** Worker to parent. */
export type MemoryReply =
  | { readonly kind: 'ready' }
  /** The worker enqueued its jobs (or has none to enqueue): the parent may enqueue its own. */
  | { readonly kind: 'enqueued' }
  | {
      readonly kind: 'drained';
      /** Jobs that succeeded since the worker started. */
      readonly succeeded: number;
      /** The V8 heap in use after a full garbage collection (MiB). */
      readonly heapAfterGcMb: number;
      /** The process's resident set after that collection (MiB). */
      readonly rssMb: number;
    };
