import { InvalidConcurrencyKeyError, InvalidOptionsError } from '../errors';
import {
  checkInteger,
  checkKnownKeys,
  checkOneOf,
  checkPlainObject,
  describeThrown,
  describeValue,
  hasControlCharacters,
} from './option-checks';

/** Longest concurrency key, in UTF-16 code units. */
const CONCURRENCY_KEY_MAX_LENGTH = 200;
/** Most jobs of one key that may run at once. */
const KEY_LIMIT_MAX = 1_000;

/**
 * In which order the jobs of one key start: `'any'` (claim order: priority, then due time)
 * or `'fifo'` (enqueue order; a job starts only once every earlier-enqueued job of its key
 * has finished).
 */
export type KeyOrder = 'any' | 'fifo';

const KEY_ORDERS: readonly KeyOrder[] = ['any', 'fifo'];

/**
 * A concurrency key declared on a handler (`@JobHandler({ concurrencyKey })`): jobs whose
 * function returns the same key run at most `limit` at once across every server sharing the
 * database (1: a mutex), and with `order: 'fifo'` one after the other in enqueue order.
 */
export interface HandlerConcurrencyKey<TJob = unknown> {
  /**
   * The key of a job, computed at enqueue from the job (e.g. `` (job) => `order:${job.orderId}` ``):
   * a non-empty string of at most 200 characters without control characters. A function that
   * throws or returns anything else makes the enqueue fail with `InvalidConcurrencyKeyError`.
   */
  key(job: TJob): string;
  /**
   * Most jobs of one key running at once, across all servers; integer 1 to 1000.
   * @defaultValue 1 (a mutex)
   */
  readonly limit?: number;
  /**
   * `'fifo'`: a job of the key starts only once every job of the key enqueued before it has
   * finished (succeeded, failed for good or deleted; a job waiting for a retry still holds
   * the key back). Needs `limit` 1.
   * @defaultValue `'any'`
   */
  readonly order?: KeyOrder;
}

/**
 * A concurrency key given to one enqueue (`EnqueueOptions.concurrencyKey`); it wins over
 * the handler's, whose `limit` and `order` apply where this one leaves them out.
 */
export interface EnqueueConcurrencyKey {
  /** The key: a non-empty string of at most 200 characters without control characters. */
  readonly key: string;
  /**
   * Most jobs of the key running at once, across all servers; integer 1 to 1000.
   * @defaultValue the handler's `concurrencyKey.limit`, else 1
   */
  readonly limit?: number;
  /**
   * See {@link HandlerConcurrencyKey.order}.
   * @defaultValue the handler's `concurrencyKey.order`, else `'any'`
   */
  readonly order?: KeyOrder;
}

/** A handler's concurrency key, checked. */
export interface ResolvedHandlerConcurrencyKey {
  readonly key: (job: unknown) => string;
  readonly limit: number;
  readonly order: KeyOrder;
}

/** An enqueue's concurrency key, checked; `undefined` where the handler's setting applies. */
export interface ResolvedEnqueueConcurrencyKey {
  readonly key: string;
  readonly limit: number | undefined;
  readonly order: KeyOrder | undefined;
}

/** The concurrency key a job is stored with. */
export interface JobConcurrencyKey {
  readonly key: string;
  readonly limit: number;
  readonly order: KeyOrder;
}

/**
 * Checks `@JobHandler({ concurrencyKey })`.
 * @throws InvalidOptionsError - naming the field, e.g. "concurrencyKey.limit must be an
 *   integer between 1 and 1000, got 0".
 */
export function checkHandlerConcurrencyKey(
  name: string,
  value: unknown,
): ResolvedHandlerConcurrencyKey {
  const given = checkPlainObject(name, value);
  checkKnownKeys(name, given, ['key', 'limit', 'order']);
  if (typeof given.key !== 'function') {
    throw new InvalidOptionsError(
      `${name}.key must be a function of the job returning its key, got ${describeValue(given.key)}`,
      { option: `${name}.key` },
    );
  }
  const limit = given.limit === undefined ? 1 : checkLimit(`${name}.limit`, given.limit);
  const order =
    given.order === undefined ? 'any' : checkOneOf(`${name}.order`, given.order, KEY_ORDERS);
  checkFifoLimit(name, limit, order);
  return Object.freeze({ key: given.key as (job: unknown) => string, limit, order });
}

/**
 * Checks `EnqueueOptions.concurrencyKey`.
 * @throws InvalidConcurrencyKeyError - for a key that is not a valid key.
 * @throws InvalidOptionsError - for another field, naming it.
 */
export function checkEnqueueConcurrencyKey(
  name: string,
  value: unknown,
): ResolvedEnqueueConcurrencyKey {
  const given = checkPlainObject(name, value);
  checkKnownKeys(name, given, ['key', 'limit', 'order']);
  const limit = given.limit === undefined ? undefined : checkLimit(`${name}.limit`, given.limit);
  const order =
    given.order === undefined ? undefined : checkOneOf(`${name}.order`, given.order, KEY_ORDERS);
  return Object.freeze({ key: checkKey(given.key, {}), limit, order });
}

/**
 * The concurrency key a job is stored with: the enqueue's, else the handler's computed from
 * the job; `null` when neither applies.
 * @throws InvalidConcurrencyKeyError - the key function threw or returned something that is
 *   not a valid key.
 * @throws InvalidOptionsError - `order: 'fifo'` with a limit above 1.
 */
export function jobConcurrencyKey(
  job: unknown,
  jobType: string,
  handler: ResolvedHandlerConcurrencyKey | undefined,
  enqueue: ResolvedEnqueueConcurrencyKey | null,
): JobConcurrencyKey | null {
  if (enqueue === null && handler === undefined) return null;
  const limit = enqueue?.limit ?? handler?.limit ?? 1;
  const order = enqueue?.order ?? handler?.order ?? 'any';
  checkFifoLimit('concurrencyKey', limit, order);
  if (enqueue !== null) return { key: enqueue.key, limit, order };
  let key: unknown;
  try {
    key = handler!.key(job);
  } catch (error) {
    throw new InvalidConcurrencyKeyError(`the key function threw: ${describeThrown(error)}`, {
      jobType,
      cause: error,
    });
  }
  if (typeof key !== 'string') {
    throw new InvalidConcurrencyKeyError(
      `the key function must return a string, got ${describeValue(key)}`,
      { jobType },
    );
  }
  return { key: checkKey(key, { jobType }), limit, order };
}

function checkKey(key: unknown, details: { jobType?: string }): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > CONCURRENCY_KEY_MAX_LENGTH) {
    throw new InvalidConcurrencyKeyError(
      `a key must be a non-empty string of at most ${CONCURRENCY_KEY_MAX_LENGTH} characters, got ${describeValue(key)}`,
      details,
    );
  }
  if (hasControlCharacters(key)) {
    throw new InvalidConcurrencyKeyError(
      `a key must not hold control characters, got ${describeValue(key)}`,
      details,
    );
  }
  return key;
}

function checkLimit(name: string, value: unknown): number {
  return checkInteger(name, value, { min: 1, max: KEY_LIMIT_MAX });
}

function checkFifoLimit(name: string, limit: number, order: KeyOrder): void {
  if (order === 'fifo' && limit !== 1) {
    throw new InvalidOptionsError(
      `${name}.order 'fifo' runs a key's jobs one after the other: its limit must be 1, got ${limit}`,
      { option: `${name}.order` },
    );
  }
}
