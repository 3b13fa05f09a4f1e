import { BSON } from 'mongodb';
import type { BatchInfo } from '../../batches/batch-types';
import type { JobRecord } from '../../storage/job-record';
import type { RecurringJobInfo } from '../../recurring';
import type { ServerInfo } from '../../storage/mongo/mongo-server-registry';
import type { QueueInfo } from '../../storage/mongo/mongo-queue-store';
import type { WaitingJobType } from '../../storage/job-store';
import type { RateLimitInfo } from '../../storage/rate-limit-store';
import type {
  ApiJobDetail,
  ApiJobSummary,
  ApiQueue,
  ApiRateLimit,
  ApiRecurringJob,
  ApiServer,
  ApiUnhandledJobType,
} from '../api-types';
import type { ApiBatch } from '../api-batch-types';

/*
 * Stored documents → the API's JSON: times as ISO strings, payloads as relaxed Extended
 * JSON (so a Long, a Binary or a Date in a payload survives the trip as a typed value).
 */

function iso(date: Date | null | undefined): string | null {
  return date instanceof Date ? date.toISOString() : null;
}

function isoRequired(date: Date): string {
  return date instanceof Date ? date.toISOString() : new Date(0).toISOString();
}

function toJson(value: Record<string, unknown>): Record<string, unknown> {
  return BSON.EJSON.serialize(value, { relaxed: true }) as Record<string, unknown>;
}

type SummaryFields = Pick<
  JobRecord,
  | '_id'
  | 'type'
  | 'queue'
  | 'state'
  | 'priority'
  | 'attempt'
  | 'maxAttempts'
  | 'createdAt'
  | 'dueAt'
  | 'startedAt'
  | 'finishedAt'
  | 'durationMs'
  | 'progress'
  | 'error'
  | 'tags'
>;

/** A job as lists show it. */
export function toJobSummary(job: SummaryFields): ApiJobSummary {
  return {
    id: job._id,
    type: job.type,
    queue: job.queue,
    state: job.state,
    priority: job.priority ?? 0,
    attempt: job.attempt ?? 0,
    maxAttempts: job.maxAttempts ?? null,
    createdAt: isoRequired(job.createdAt),
    dueAt: isoRequired(job.dueAt),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    durationMs: job.durationMs ?? null,
    progress: job.progress
      ? {
          percent: job.progress.percent,
          ...(job.progress.message === undefined ? {} : { message: job.progress.message }),
          at: isoRequired(job.progress.at),
        }
      : null,
    error: job.error ? { name: job.error.name, message: job.error.message } : null,
    ...(job.tags === undefined || job.tags.length === 0 ? {} : { tags: [...job.tags] }),
  };
}

/** A job in full. */
export function toJobDetail(job: JobRecord): ApiJobDetail {
  return {
    ...toJobSummary(job),
    payload: toJson(job.payload ?? {}),
    timeoutMs: job.timeoutMs ?? null,
    ...(job.startWithinMs === undefined ? {} : { startWithinMs: job.startWithinMs }),
    error: job.error
      ? {
          name: job.error.name,
          message: job.error.message,
          ...(job.error.stack === undefined ? {} : { stack: job.error.stack }),
        }
      : null,
    history: (job.history ?? []).map((entry) => ({
      state: entry.state,
      at: isoRequired(entry.at),
      ...(entry.serverId === undefined ? {} : { serverId: entry.serverId }),
      ...(entry.reason === undefined ? {} : { reason: entry.reason }),
    })),
    leaseOwner: job.leaseOwner ?? null,
    leaseExpiresAt: iso(job.leaseExpiresAt),
    uniqueKey: job.uniqueKey ?? null,
    ...(job.concurrencyKey === undefined
      ? {}
      : {
          concurrencyKey: {
            key: job.concurrencyKey,
            limit: job.keyLimit ?? 1,
            order: job.keyFifo === true ? ('fifo' as const) : ('any' as const),
          },
        }),
    parentId: job.parentId ?? null,
    ...(job.batchId === undefined ? {} : { batchId: job.batchId }),
    ...(job.awaitsBatch === undefined ? {} : { awaitsBatch: job.awaitsBatch }),
    ...(job.batchCondition === undefined ? {} : { batchCondition: job.batchCondition }),
    expireAt: iso(job.expireAt),
    ...(job.deadLetteredAt === undefined
      ? {}
      : { deadLetteredAt: isoRequired(job.deadLetteredAt) }),
    ...(job.result === undefined ? {} : { result: toJson({ result: job.result }).result }),
    ...(job.parentResult === undefined
      ? {}
      : { parentResult: toJson({ result: job.parentResult }).result }),
    logLines: job.logLines ?? 0,
    artefacts: (job.artefacts ?? []).map((file) => ({
      name: file.name,
      size: file.size,
      contentType: file.contentType,
      attempt: file.attempt,
      at: isoRequired(file.at),
    })),
    metadata: { ...(job.metadata ?? {}) },
    ...(job.checkpoint === undefined
      ? {}
      : {
          checkpoint: {
            data: toJson({ data: job.checkpoint.data }).data,
            at: isoRequired(job.checkpoint.at),
            attempt: job.checkpoint.attempt,
          },
        }),
    snoozeCount: job.snoozeCount ?? 0,
    snoozes: (job.snoozes ?? []).map((snooze) => ({
      at: isoRequired(snooze.at),
      until: isoRequired(snooze.until),
      attempt: snooze.attempt,
      ...(snooze.reason === undefined ? {} : { reason: snooze.reason }),
    })),
  };
}

/** A recurring job. */
export function toApiRecurring(info: RecurringJobInfo): ApiRecurringJob {
  return {
    id: info.id,
    jobType: info.jobType,
    payload: toJson({ ...info.payload }),
    cron: info.cron,
    timeZone: info.timeZone,
    everyMs: info.everyMs,
    startAt: iso(info.startAt),
    endAt: iso(info.endAt),
    repeatLimit: info.repeatLimit,
    remainingRuns: info.remainingRuns,
    runCount: info.runCount,
    overlap: info.overlap,
    skippedCount: info.skippedCount,
    lastSkippedAt: iso(info.lastSkippedAt),
    waiting: info.waiting,
    ended: info.ended,
    queue: info.queue,
    priority: info.priority,
    maxAttempts: info.maxAttempts,
    timeoutMs: info.timeoutMs,
    paused: info.paused,
    missedRunPolicy: info.missedRunPolicy,
    nextRunAt: iso(info.nextRunAt),
    lastRunAt: iso(info.lastRunAt),
    lastJobId: info.lastJobId,
    createdAt: isoRequired(info.createdAt),
    updatedAt: isoRequired(info.updatedAt),
  };
}

/** A server. */
export function toApiServer(server: ServerInfo): ApiServer {
  return {
    id: server.id,
    hostname: server.hostname,
    pid: server.pid,
    queues: [...server.queues],
    jobTypes: Array.isArray(server.jobTypes) ? [...server.jobTypes] : null,
    concurrency: server.concurrency,
    running: server.running,
    overrunning: server.overrunning ?? 0,
    pickup: server.pickup ?? null,
    startedAt: isoRequired(server.startedAt),
    heartbeatAt: isoRequired(server.heartbeatAt),
    heartbeatAgeMs: server.heartbeatAgeMs,
    alive: server.alive,
  };
}

/** A queue. */
export function toApiQueue(queue: QueueInfo): ApiQueue {
  return {
    name: queue.name,
    paused: queue.paused,
    counts: { ...queue.counts },
    length: (queue.counts.enqueued ?? 0) + (queue.counts.scheduled ?? 0),
  };
}

/** A job type whose due jobs no live server handles. */
export function toApiUnhandled(waiting: WaitingJobType): ApiUnhandledJobType {
  return {
    type: waiting.jobType,
    waiting: waiting.waiting,
    oldestDueAt: isoRequired(waiting.oldestDueAt),
  };
}

/** A rate limit and whether it throttles now. */
export function toApiRateLimit(limit: RateLimitInfo): ApiRateLimit {
  return {
    scope: limit.scope,
    name: limit.name,
    max: limit.max,
    intervalMs: limit.intervalMs,
    used: limit.used,
    throttledUntil: iso(limit.throttledUntil),
  };
}

/** A batch with its counts. */
export function toApiBatch(batch: BatchInfo): ApiBatch {
  return {
    id: batch.id,
    state: batch.state,
    description: batch.description,
    parentBatchId: batch.parentBatchId,
    total: batch.total,
    succeeded: batch.succeeded,
    failed: batch.failed,
    deleted: batch.deleted,
    pending: batch.pending,
    continuations: batch.continuations,
    createdAt: isoRequired(batch.createdAt),
    startedAt: iso(batch.startedAt),
    finishedAt: iso(batch.finishedAt),
  };
}
