import { ObjectId } from 'mongodb';
import type { ContinuationPolicy, JobRecord, JobState } from './job-record';
import type { JobMetadata } from '../filters/docket-filter';
import type { JobConcurrencyKey } from '../options/concurrency-key-options';

/** What a caller decides about a new job; everything else starts empty. */
export interface NewJobFields {
  /** @defaultValue a new ObjectId's hex string */
  readonly id?: string;
  readonly type: string;
  readonly queue: string;
  readonly priority: number;
  readonly payload: Record<string, unknown>;
  readonly state: JobState;
  readonly dueAt: Date;
  readonly now: Date;
  readonly maxAttempts: number | null;
  readonly timeoutMs: number | null;
  /** A reason for the first history entry (e.g. which recurring job enqueued it). */
  readonly reason?: string;
  /** @defaultValue null */
  readonly uniqueKey?: string | null;
  /** For a continuation (state `awaiting`): its parent and policy. */
  readonly parent?: { readonly id: string; readonly policy: ContinuationPolicy };
  /** What job filters stored with it; absent when none. */
  readonly metadata?: JobMetadata;
  /** Tags to find it by; none when empty or absent. */
  readonly tags?: readonly string[];
  /** How long after its due time it may still start; null or absent: the handler's setting. */
  readonly startWithinMs?: number | null;
  /** Its concurrency key; none when null or absent. */
  readonly concurrencyKey?: JobConcurrencyKey | null;
}

/** Builds the stored form of a job that has not run yet. */
export function newJobRecord(fields: NewJobFields): JobRecord {
  const uniqueKey = fields.uniqueKey ?? null;
  return {
    _id: fields.id ?? new ObjectId().toHexString(),
    type: fields.type,
    queue: fields.queue,
    priority: fields.priority,
    state: fields.state,
    payload: fields.payload,
    dueAt: fields.dueAt,
    createdAt: fields.now,
    attempt: 0,
    maxAttempts: fields.maxAttempts,
    timeoutMs: fields.timeoutMs,
    fence: 0,
    leaseOwner: null,
    leaseExpiresAt: null,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    progress: null,
    error: null,
    history: [
      fields.reason === undefined
        ? { state: fields.state, at: fields.now }
        : { state: fields.state, at: fields.now, reason: fields.reason },
    ],
    uniqueKey,
    ...(uniqueKey === null ? {} : { activeUniqueKey: uniqueKey }),
    expireAt: null,
    parentId: fields.parent?.id ?? null,
    ...(fields.parent ? { continuationPolicy: fields.parent.policy } : {}),
    ...(fields.metadata === undefined ? {} : { metadata: fields.metadata }),
    ...(fields.tags === undefined || fields.tags.length === 0 ? {} : { tags: [...fields.tags] }),
    ...(fields.startWithinMs == null ? {} : { startWithinMs: fields.startWithinMs }),
    ...keyFields(fields.concurrencyKey ?? null),
  };
}

/** The stored fields of a concurrency key. */
function keyFields(
  key: JobConcurrencyKey | null,
): Pick<JobRecord, 'concurrencyKey' | 'keyLimit' | 'keyFifo'> {
  if (key === null) return {};
  return {
    concurrencyKey: key.key,
    keyLimit: key.limit,
    ...(key.order === 'fifo' ? { keyFifo: true as const } : {}),
  };
}
