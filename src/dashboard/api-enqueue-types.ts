/*
 * The enqueue request of the dashboard's API (`POST api/jobs`) and its answer, as the dashboard
 * reads it and `DocketClient.enqueueJob` sends it.
 */

/** `POST api/jobs`: enqueue (or schedule) a job by its type name. */
export interface ApiEnqueueRequest {
  /** The stable job type name (`@Job('name')`); its class must be loaded by the server. */
  readonly type: string;
  /** The job's fields as JSON; validated as `enqueue` validates them. */
  readonly payload: Record<string, unknown>;
  /** The queue the job waits in. @defaultValue `default` */
  readonly queue?: string;
  /** Higher runs first among due jobs of the same queues (-1000..1000). @defaultValue `0` */
  readonly priority?: number;
  /** Attempts before the job fails for good (1..1000). @defaultValue the handler's */
  readonly maxAttempts?: number;
  /** Time limit of each attempt (ms). @defaultValue the handler's */
  readonly timeoutMs?: number;
  /**
   * While a job with this key is unfinished, an enqueue with the same key stores nothing and
   * answers the existing job's id (see `EnqueueOptions.uniqueKey`). @defaultValue none
   */
  readonly uniqueKey?: string;
  /**
   * Fold enqueues of `key` into one pending job, due `windowMs` after the last: the answer is
   * that job's id (see `EnqueueOptions.debounce`). Not with `uniqueKey`, `delayMs` or `runAt`.
   */
  readonly debounce?: {
    /** Enqueues with the same key fold into one pending job; 1..500 characters. */
    readonly key: string;
    /** How long after the last enqueue of the key the job becomes due (ms). */
    readonly windowMs: number;
  };
  /** Schedule instead of enqueue: run after this many milliseconds. */
  readonly delayMs?: number;
  /**
   * Schedule instead of enqueue: run at this time (ISO 8601 with `Z` or an offset). A date or
   * time that does not exist (`2030-02-31`, `T24:00`) is refused with 400, `field: 'runAt'`.
   */
  readonly runAt?: string;
  /**
   * The job's id, chosen by the caller: 1 to 200 characters from `[A-Za-z0-9_.:-]`. An id
   * another job has is refused with 409 `DUPLICATE_JOB_ID` (see `EnqueueOptions.id`).
   * @defaultValue a generated id
   */
  readonly id?: string;
  /**
   * What an `id` another job has does: `throw` (409) or `return` that job's id, writing
   * nothing. Only with `id`. @defaultValue `throw`
   */
  readonly onDuplicateId?: 'throw' | 'return';
  /**
   * With `uniqueKey`: `'replace'` gives a waiting job holding the key this request's payload,
   * options and due time (an upsert); a running holder is left as it is. The answer is the
   * holder's id either way. @defaultValue `return`
   */
  readonly onDuplicateKey?: 'return' | 'replace';
  /** Tags to find the job by: 1 to 20 of 1 to 100 characters. @defaultValue none */
  readonly tags?: readonly string[];
  /**
   * How long after its due time the job may still start (ms); taken later, it fails with a
   * `JobExpiredError` without running. @defaultValue the handler's (none: however late)
   */
  readonly startWithinMs?: number;
  /**
   * The job's concurrency key (`EnqueueOptions.concurrencyKey`): at most `limit` jobs of
   * `key` run at once across servers (1 by default), in enqueue order with `order: 'fifo'`.
   * Without it, the key the handler computes applies, if it declares one.
   */
  readonly concurrencyKey?: {
    /** The key: 1 to 200 characters, no control characters. */
    readonly key: string;
    /** Most jobs of the key running at once, 1 to 1,000 (default 1: a mutex). */
    readonly limit?: number;
    /** `'fifo'`: the key's jobs run in enqueue order (limit 1 only). Default `'any'`. */
    readonly order?: 'any' | 'fifo';
  };
}

/** Answer of `POST api/jobs`. */
export interface ApiEnqueueResult {
  /**
   * The new job's id (or the id of the unfinished job holding `uniqueKey`, or of the job
   * holding `id` with `onDuplicateId: 'return'`).
   */
  readonly id: string;
}
