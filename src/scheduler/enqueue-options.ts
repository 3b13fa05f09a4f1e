import type { ClientSession } from 'mongodb';
import { DEFAULT_QUEUE } from '../constants';
import { InvalidOptionsError } from '../errors';
import {
  checkDate,
  checkInteger,
  checkKnownKeys,
  checkPlainObject,
  checkOneOf,
  checkQueueName,
  checkString,
  describeValue,
  readingOptions,
} from '../options/option-checks';
import type { ContinuationPolicy } from '../storage/job-record';
import { checkCallerJobId, checkJobTags } from '../options/job-id-and-tags';
import {
  checkEnqueueConcurrencyKey,
  type ResolvedEnqueueConcurrencyKey,
} from '../options/concurrency-key-options';
import type {
  ContinuationOptions,
  DebounceOptions,
  DuplicateIdPolicy,
  DuplicateKeyPolicy,
  EnqueueOptions,
  ScheduleTime,
} from './job-scheduler-options';

/** {@link EnqueueOptions} checked, with defaults applied where the job itself decides. */
export interface ResolvedEnqueueOptions {
  readonly queue: string;
  readonly priority: number;
  readonly maxAttempts: number | null;
  readonly timeoutMs: number | null;
  readonly uniqueKey: string | null;
  /** Which enqueues fold into one pending job, and how long it waits. */
  readonly debounce: { readonly key: string; readonly windowMs: number } | null;
  /** The caller's session, whose transaction the job is written in. */
  readonly session: ClientSession | null;
  /** The id the caller chose; null: a new ObjectId's hex string. */
  readonly id: string | null;
  /** What a duplicate caller-chosen id does. */
  readonly onDuplicateId: DuplicateIdPolicy;
  /** Tags to find the job by; empty when none. */
  readonly tags: readonly string[];
  /** How long after its due time the job may still start; null: the handler's setting. */
  readonly startWithinMs: number | null;
  /** What a uniqueKey held by an unfinished job does (`enqueue` and `schedule` only). */
  readonly onDuplicateKey: DuplicateKeyPolicy;
  /** The caller's concurrency key; null: the handler's, if it declares one. */
  readonly concurrencyKey: ResolvedEnqueueConcurrencyKey | null;
}

const ENQUEUE_OPTION_KEYS = [
  'queue',
  'priority',
  'maxAttempts',
  'timeoutMs',
  'uniqueKey',
  'id',
  'onDuplicateId',
  'tags',
  'startWithinMs',
  'concurrencyKey',
];
const DEBOUNCE_KEYS = ['key', 'windowMs'];
const DUPLICATE_ID_POLICIES: readonly DuplicateIdPolicy[] = ['throw', 'return'];
const DUPLICATE_KEY_POLICIES: readonly DuplicateKeyPolicy[] = ['return', 'replace'];

/** Bounds of `startWithinMs` (also `@JobHandler({ startWithinMs })`): 1 ms to about 24.8 days. */
export const START_WITHIN_BOUNDS = { min: 1, max: 2_147_483_647 } as const;

/**
 * Validates continuation options: enqueue options plus `onParentFailure`.
 * @throws InvalidOptionsError - naming the option, or saying that reading `options` threw.
 */
export function resolveContinuationOptions(
  options: ContinuationOptions | undefined,
): ResolvedEnqueueOptions & { readonly onParentFailure: ContinuationPolicy } {
  return readingOptions('options', () => resolveGivenContinuationOptions(options));
}

function resolveGivenContinuationOptions(
  options: ContinuationOptions | undefined,
): ResolvedEnqueueOptions & { readonly onParentFailure: ContinuationPolicy } {
  if (options === undefined)
    return { ...resolveEnqueueOptions(undefined), onParentFailure: 'cancel' };
  checkPlainObject('options', options);
  // Debouncing folds enqueues of a key; a continuation waits for its parent instead.
  checkKnownKeys('options', options, [...ENQUEUE_OPTION_KEYS, 'session', 'onParentFailure']);
  const { onParentFailure, ...enqueue } = options;
  return Object.freeze({
    ...resolveEnqueueOptions(enqueue),
    onParentFailure:
      onParentFailure === undefined
        ? 'cancel'
        : checkOneOf('onParentFailure', onParentFailure, ['cancel', 'run'] as const),
  });
}

/**
 * Validates enqueue options. A getter or Proxy trap of `options` that throws is reported as
 * an invalid option too.
 * @throws InvalidOptionsError - naming the option, or saying that reading `options` threw.
 */
export function resolveEnqueueOptions(options: EnqueueOptions | undefined): ResolvedEnqueueOptions {
  return readingOptions('options', () => resolveGivenEnqueueOptions(options));
}

function resolveGivenEnqueueOptions(options: EnqueueOptions | undefined): ResolvedEnqueueOptions {
  if (options === undefined) {
    return {
      queue: DEFAULT_QUEUE,
      priority: 0,
      maxAttempts: null,
      timeoutMs: null,
      uniqueKey: null,
      debounce: null,
      session: null,
      id: null,
      onDuplicateId: 'throw',
      tags: [],
      startWithinMs: null,
      onDuplicateKey: 'return',
      concurrencyKey: null,
    };
  }
  checkPlainObject('options', options);
  checkKnownKeys('options', options, [
    ...ENQUEUE_OPTION_KEYS,
    'debounce',
    'session',
    'onDuplicateKey',
  ]);
  const debounce = options.debounce === undefined ? null : checkDebounce(options);
  return Object.freeze({
    queue: options.queue === undefined ? DEFAULT_QUEUE : checkQueueName('queue', options.queue),
    priority:
      options.priority === undefined
        ? 0
        : checkInteger('priority', options.priority, { min: -1000, max: 1000 }),
    maxAttempts:
      options.maxAttempts === undefined
        ? null
        : checkInteger('maxAttempts', options.maxAttempts, { min: 1, max: 1000 }),
    timeoutMs:
      options.timeoutMs === undefined
        ? null
        : checkInteger('timeoutMs', options.timeoutMs, { min: 1, max: 2_147_483_647 }),
    uniqueKey:
      options.uniqueKey === undefined
        ? null
        : checkString('uniqueKey', options.uniqueKey, { maxLength: 500 }),
    debounce,
    session: options.session === undefined ? null : checkSession(options.session),
    concurrencyKey:
      options.concurrencyKey === undefined
        ? null
        : checkEnqueueConcurrencyKey('concurrencyKey', options.concurrencyKey),
    ...resolveIdentity(options),
    onDuplicateKey: checkDuplicateKeyPolicy(options),
  });
}

/**
 * Checks `options.onDuplicateKey`: `'replace'` needs a uniqueKey, and writes outside any
 * session (its replacement and its insert are separate writes, each atomic).
 */
function checkDuplicateKeyPolicy(options: EnqueueOptions): DuplicateKeyPolicy {
  if (options.onDuplicateKey === undefined) return 'return';
  const policy = checkOneOf('onDuplicateKey', options.onDuplicateKey, DUPLICATE_KEY_POLICIES);
  if (options.uniqueKey === undefined) {
    throw new InvalidOptionsError(
      'onDuplicateKey needs a uniqueKey: it says what a key held by an unfinished job does',
      { option: 'onDuplicateKey' },
    );
  }
  if (policy === 'replace' && options.session !== undefined) {
    throw new InvalidOptionsError(
      "onDuplicateKey 'replace' does not go with session: the replacement is written outside any transaction",
      { option: 'onDuplicateKey' },
    );
  }
  return policy;
}

/** The options that identify, label and bound the start of a job: `id`, `tags`, `startWithinMs`. */
function resolveIdentity(
  options: EnqueueOptions,
): Pick<ResolvedEnqueueOptions, 'id' | 'onDuplicateId' | 'tags' | 'startWithinMs'> {
  const id = options.id === undefined ? null : checkCallerJobId('id', options.id);
  if (options.onDuplicateId !== undefined && id === null) {
    throw new InvalidOptionsError('onDuplicateId needs an id: it says what a duplicate id does', {
      option: 'onDuplicateId',
    });
  }
  return {
    id,
    onDuplicateId:
      options.onDuplicateId === undefined
        ? 'throw'
        : checkOneOf('onDuplicateId', options.onDuplicateId, DUPLICATE_ID_POLICIES),
    tags: options.tags === undefined ? [] : checkJobTags('tags', options.tags),
    startWithinMs:
      options.startWithinMs === undefined
        ? null
        : checkInteger('startWithinMs', options.startWithinMs, START_WITHIN_BOUNDS),
  };
}

/** Checks `options.debounce`, and that nothing it cannot go with is given beside it. */
function checkDebounce(options: EnqueueOptions): { key: string; windowMs: number } {
  const debounce = checkPlainObject('debounce', options.debounce);
  checkKnownKeys('debounce', debounce, DEBOUNCE_KEYS);
  const given = debounce as Partial<DebounceOptions>;
  if (given.key === undefined || given.windowMs === undefined) {
    throw new InvalidOptionsError('debounce needs a key and a windowMs', { option: 'debounce' });
  }
  for (const other of ['uniqueKey', 'session', 'id'] as const) {
    if (options[other] !== undefined) {
      throw new InvalidOptionsError(
        `debounce does not go with ${other}: a debounced job is one pending job per key (with that job's id), stored outside any transaction`,
        { option: 'debounce' },
      );
    }
  }
  return {
    key: checkString('debounce.key', given.key, { maxLength: 500 }),
    windowMs: checkInteger('debounce.windowMs', given.windowMs, { min: 1, max: 2_147_483_647 }),
  };
}

/** A usable driver session: a `ClientSession` that has not ended. */
export function checkSession(session: unknown): ClientSession {
  const candidate = session as Partial<ClientSession> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.inTransaction !== 'function' ||
    typeof candidate.endSession !== 'function'
  ) {
    throw new InvalidOptionsError(
      `session must be a ClientSession of the MongoClient Docket uses, got ${describeValue(session)}`,
      { option: 'session' },
    );
  }
  if (candidate.hasEnded === true) {
    throw new InvalidOptionsError('session has ended: start a new one', { option: 'session' });
  }
  return candidate as ClientSession;
}

/**
 * Turns a {@link ScheduleTime} into a due date.
 * @throws InvalidOptionsError - when it is malformed, or reading it threw.
 */
export function resolveDueAt(when: ScheduleTime, now: Date): Date {
  return readingOptions('when', () => resolveGivenDueAt(when, now));
}

function resolveGivenDueAt(when: ScheduleTime, now: Date): Date {
  checkPlainObject('when', when);
  checkKnownKeys('when', when, ['at', 'delayMs']);
  const hasAt = 'at' in when && when.at !== undefined;
  const hasDelay = 'delayMs' in when && when.delayMs !== undefined;
  if (hasAt === hasDelay) {
    throw new InvalidOptionsError(
      `when must have exactly one of 'at' (a Date) or 'delayMs' (milliseconds), got ${hasAt ? 'both' : 'neither'}`,
      { option: 'when' },
    );
  }
  if (hasAt) return new Date(checkDate('when.at', (when as { at: Date }).at).getTime());
  const delayMs = checkInteger('when.delayMs', (when as { delayMs: number }).delayMs, {
    min: 0,
    max: 10 * 365 * 24 * 3_600_000,
  });
  return new Date(now.getTime() + delayMs);
}
