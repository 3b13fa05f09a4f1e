import type { ApiUnhandledJobType } from './api-fleet-types';
import type { ApiBatchCondition } from './api-batch-types';

/*
 * The JSON shapes of the dashboard's REST API, shared by the server (`docket/dashboard`) and
 * the typed client (`docket/client`), with no runtime dependencies. Every time
 * is an ISO 8601 string (UTC); every id is a string.
 */

/** The states a job moves through. */
export type ApiJobState =
  'scheduled' | 'enqueued' | 'processing' | 'succeeded' | 'failed' | 'deleted' | 'awaiting';

/** Every state, in the order the dashboard shows them. */
export const API_JOB_STATES: readonly ApiJobState[] = [
  'enqueued',
  'scheduled',
  'processing',
  'succeeded',
  'failed',
  'deleted',
  'awaiting',
];

/** The one error shape of every 4xx/5xx answer. */
export interface ApiErrorBody {
  /** What went wrong. */
  readonly error: {
    /** Stable SCREAMING_SNAKE code, e.g. `JOB_NOT_FOUND`, `VALIDATION_FAILED`. */
    readonly code: string;
    /** What was wrong and, where it helps, what is allowed. */
    readonly message: string;
    /** Structured context: validation issues, the offending parameter... */
    readonly details?: Record<string, unknown>;
  };
}

/** What a job's error kept. */
export interface ApiJobError {
  /** The error's `name` (`JobTimeoutError`, `TypeError`...). */
  readonly name: string;
  /** Its message. */
  readonly message: string;
  /** Its stack, when it had one. */
  readonly stack?: string;
}

/** A job in a list (`GET api/jobs`). */
export interface ApiJobSummary {
  /** The job's id. */
  readonly id: string;
  /** Its stable job type name. */
  readonly type: string;
  /** The queue it waits in. */
  readonly queue: string;
  /** Where it is in its life. */
  readonly state: ApiJobState;
  /** Higher runs first among due jobs of the same queues (-1000..1000). */
  readonly priority: number;
  /** Claims so far: the running (or last) attempt's number; 0 before the first. */
  readonly attempt: number;
  /** Attempts it may have, when the enqueue set it; null: the handler's setting. */
  readonly maxAttempts: number | null;
  /** When it was enqueued. */
  readonly createdAt: string;
  /** When it may next be claimed. */
  readonly dueAt: string;
  /** When its last attempt was claimed; null before the first. */
  readonly startedAt: string | null;
  /** When it finished; null while unfinished. */
  readonly finishedAt: string | null;
  /** How long its last attempt's handler ran (ms); null before the first outcome. */
  readonly durationMs: number | null;
  /** The last progress its handler reported; null before any. */
  readonly progress: ApiJobProgress | null;
  /** The last error's name and message (no stack in lists). */
  readonly error: {
    /** The error's `name`. */
    readonly name: string;
    /** Its message. */
    readonly message: string;
  } | null;
  /** The tags it was enqueued with; absent when none. */
  readonly tags?: readonly string[];
}

/** Progress a handler reported. */
export interface ApiJobProgress {
  /** How far the handler got, 0 to 100. */
  readonly percent: number;
  /** What it said it was doing. */
  readonly message?: string;
  /** When it reported it. */
  readonly at: string;
}

/** One state change of a job. */
export interface ApiJobHistoryEntry {
  /** The state the job entered. */
  readonly state: ApiJobState;
  /** When it entered it. */
  readonly at: string;
  /** The server that made the change, when a server did. */
  readonly serverId?: string;
  /** Why, when it is not obvious (why an attempt failed, a requeue...). */
  readonly reason?: string;
}

/** A job's concurrency key, as `GET api/jobs/{id}` shows it. */
export interface ApiConcurrencyKey {
  /** The key. */
  readonly key: string;
  /** Most jobs of the key running at once, across all servers. */
  readonly limit: number;
  /** `'fifo'`: the key's jobs start in enqueue order, one after the other. */
  readonly order: 'any' | 'fifo';
}

/** A job in full (`GET api/jobs/{id}`). */
export interface ApiJobDetail extends Omit<ApiJobSummary, 'error'> {
  /**
   * The payload as MongoDB holds it, in relaxed Extended JSON: plain JSON values stay as
   * they are; dates, binaries, 64-bit integers beyond 2^53 and other BSON values appear as
   * `{ "$date": ... }`, `{ "$binary": ... }`...
   */
  readonly payload: Record<string, unknown>;
  /** Time limit of each attempt (ms), when the enqueue set it; null: the handler's setting. */
  readonly timeoutMs: number | null;
  /**
   * How long after `dueAt` it may still start (ms), when the enqueue set it; absent: the
   * handler's setting. Taken later, it fails with a `JobExpiredError` without running.
   */
  readonly startWithinMs?: number;
  /** The error of the last failed attempt; null when none failed (or since a requeue). */
  readonly error: ApiJobError | null;
  /** State changes, oldest first (the last 50). */
  readonly history: readonly ApiJobHistoryEntry[];
  /** The server whose attempt holds the job while it is `processing`; null otherwise. */
  readonly leaseOwner: string | null;
  /** When that lease lapses unless renewed; null when none is held. */
  readonly leaseExpiresAt: string | null;
  /** The uniqueness key it was enqueued with; null when none. */
  readonly uniqueKey: string | null;
  /**
   * Its concurrency key (`EnqueueOptions.concurrencyKey`, or its handler's), with how many
   * jobs of the key may run at once and in which order they start; absent when none.
   */
  readonly concurrencyKey?: ApiConcurrencyKey;
  /** For a continuation: the job it waits for. */
  readonly parentId: string | null;
  /** The batch the job is in (`GET api/batches/{id}`); absent when it is in none. */
  readonly batchId?: string;
  /** For a batch continuation: the batch it waits for; absent otherwise. */
  readonly awaitsBatch?: string;
  /** For a batch continuation: whether it runs only if the batch succeeded, or once it ended. */
  readonly batchCondition?: ApiBatchCondition;
  /** When retention will remove the finished job; null while unfinished. */
  readonly expireAt: string | null;
  /** When it entered the dead-letter queue; absent when it is not in it. */
  readonly deadLetteredAt?: string;
  /**
   * What `handle()` resolved with when the job last succeeded, in relaxed Extended JSON like
   * the payload; absent when there is none.
   */
  readonly result?: unknown;
  /** For a continuation whose parent succeeded: the parent's result. */
  readonly parentResult?: unknown;
  /** Lines its handlers logged, dropped ones included (`api/jobs/{id}/logs` has them). */
  readonly logLines: number;
  /** Files its handlers stored (`api/jobs/{id}/artefacts/{name}` serves each). */
  readonly artefacts: readonly ApiArtefact[];
  /** What job filters stored with it at enqueue (a trace context, a tenant...); `{}` when none. */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * The last checkpoint its handlers saved (`JobContext.saveCheckpoint`), which the next
   * attempt resumes from; absent when none.
   */
  readonly checkpoint?: ApiJobCheckpoint;
  /** How many times its handlers snoozed it (`JobContext.snooze`); 0 when never. */
  readonly snoozeCount: number;
  /** Its last snoozes, oldest first (the last 20). */
  readonly snoozes: readonly ApiJobSnooze[];
}

/** A job's checkpoint (`JobContext.saveCheckpoint`). */
export interface ApiJobCheckpoint {
  /** What the handler saved, in relaxed Extended JSON like the payload. */
  readonly data: unknown;
  /** When it was saved. */
  readonly at: string;
  /** The attempt that saved it, from 1. */
  readonly attempt: number;
}

/** One snooze of a job (`JobContext.snooze`): an attempt that ended without counting. */
export interface ApiJobSnooze {
  /** When the handler snoozed. */
  readonly at: string;
  /** When the job became due again. */
  readonly until: string;
  /** The number the snoozing attempt ran under (the next run has the same). */
  readonly attempt: number;
  /** Why, as the handler said; absent when it did not. */
  readonly reason?: string;
}

/** A file a job's handler stored (`JobContext.artefacts`). */
export interface ApiArtefact {
  /** The name the handler gave it, unique within its job. */
  readonly name: string;
  /** Its size in bytes. */
  readonly size: number;
  /** The content type it was stored with (downloads are always `application/octet-stream`). */
  readonly contentType: string;
  /** The attempt that stored it. */
  readonly attempt: number;
  /** When it was stored. */
  readonly at: string;
}

/** A line a job's handler logged (`GET api/jobs/{id}/logs`). */
export interface ApiJobLogLine {
  /** Its place in the job's log, from 0: the paging key. */
  readonly seq: number;
  /** The attempt that logged it, from 1. */
  readonly attempt: number;
  /** When it was logged. */
  readonly at: string;
  /** winston's level name (`info`, `warn`...). */
  readonly level: string;
  /** The logged message. */
  readonly message: string;
  /** The line's other fields, as JSON text. */
  readonly meta?: string;
  /** On the line that says the log reached its limit. */
  readonly truncated?: true;
}

/** `GET api/jobs/{id}/logs`: a page of a job's log. */
export interface ApiJobLogPage {
  /** The lines of this page, in the order they were logged. */
  readonly lines: readonly ApiJobLogLine[];
  /** The `after` of the next page; null at the end of the log as it is now. */
  readonly next: number | null;
}

/**
 * A job that ran to its end (what `DocketClient.waitForJob` resolves with): succeeded, or
 * failed for good with its `error`.
 */
export interface ApiFinishedJob extends ApiJobDetail {
  /** How it ended; a deleted job makes the wait throw `JobDeletedError` instead. */
  readonly state: 'succeeded' | 'failed';
}

/**
 * `GET api/jobs/{id}/wait`: the job once finished (succeeded, failed or deleted), or the
 * state it is in when the wait ended first: ask again to keep waiting.
 */
export type ApiJobWaitResult =
  | {
      /** The job finished. */
      readonly finished: true;
      /** The job in full. */
      readonly job: ApiJobDetail;
    }
  | {
      /** The wait ended first. */
      readonly finished: false;
      /** The state the job is in. */
      readonly state: ApiJobState;
    };

/** How many jobs match a list's filter (`GET api/jobs`). */
export interface ApiJobCount {
  /** Jobs counted: all that match when `exact`, else the limit (10,000): show "10,000+". */
  readonly count: number;
  /** False when more jobs match than were counted. */
  readonly exact: boolean;
}

/** A page of jobs. */
export interface ApiJobPage {
  /** The jobs of this page, in the list's order. */
  readonly items: readonly ApiJobSummary[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  readonly nextCursor: string | null;
  /** How many jobs match the filter; null when counting took longer than a second. */
  readonly total: ApiJobCount | null;
}

/** Answer of the actions that change one thing. */
export interface ApiActionResult {
  /** Always true: a failed action answers with an {@link ApiErrorBody} instead. */
  readonly ok: true;
}

/** A JSON Schema (draft 2020-12 vocabulary, as OpenAPI 3.1 uses it). */
export type ApiJsonSchema = Readonly<Record<string, unknown>>;

/** `GET api/job-types`. */
export interface ApiJobTypes {
  /** Job type names whose classes are loaded in the dashboard's process (enqueue accepts these). */
  readonly types: readonly string[];
  /** Types of due jobs that wait while no live server handles them, as in `api/stats`. */
  readonly unhandled: readonly ApiUnhandledJobType[];
  /**
   * The payload schema of each type in `types`, derived from its class-validator rules (nested
   * classes under `$defs`), for an enqueue form. Rules with no JSON Schema equivalent (custom
   * validators) are left out: the server validates on enqueue anyway.
   */
  readonly schemas: Readonly<Record<string, ApiJsonSchema>>;
}

export * from './api-recurring-types';
export * from './api-fleet-types';
export * from './api-schema-types';
