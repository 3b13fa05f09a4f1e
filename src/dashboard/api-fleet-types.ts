/*
 * The REST API's answers about the fleet: statistics and their history, rate limits, queues,
 * servers and what they run. Re-exported by `api-types.ts` with the job types.
 */
import type { ApiJobState, ApiJobSummary } from './api-types';

/** One bucket of a throughput series. */
export interface ApiThroughputBucket {
  /** Start of the bucket (a minute or an hour). */
  readonly at: string;
  /** Jobs that succeeded in the bucket. */
  readonly succeeded: number;
  /** Jobs that failed for good in the bucket. */
  readonly failed: number;
}

/** The time ranges of `GET api/stats/history`. */
export type ApiHistoryRange = 'lastHour' | 'lastDay';

/**
 * Every range of `GET api/stats/history`: `lastHour` is 60 buckets of a minute, `lastDay` 24
 * buckets of an hour, aligned on the clock (the last one is the current, partial one).
 */
export const API_HISTORY_RANGES: readonly ApiHistoryRange[] = ['lastHour', 'lastDay'];

/**
 * One bucket of `GET api/stats/history`: the jobs that finished in it, counted once in their
 * final outcome (a failed attempt that was retried is not a failure).
 */
export interface ApiHistoryBucket {
  /** Start of the bucket (a minute or an hour, by the dashboard's clock). */
  readonly at: string;
  /** Jobs that succeeded in the bucket. */
  readonly succeeded: number;
  /** Jobs that failed for good in the bucket (their last attempt failed). */
  readonly failed: number;
  /**
   * Average queue latency of those jobs, in whole milliseconds: for each, how long its last
   * attempt waited past its due time before a server claimed it (`startedAt - dueAt`). A
   * retried job's due time is its retry's, so the backoff between attempts is not latency;
   * a scheduled job's is its scheduled time, so the delay asked for is not latency either.
   * Times come from the clocks of the processes that wrote them: a negative wait (clock skew)
   * counts as 0. Null when no job finished in the bucket (or none of them records when it
   * started).
   */
  readonly latencyAvgMs: number | null;
  /** The longest of those waits, in milliseconds; null when `latencyAvgMs` is. */
  readonly latencyMaxMs: number | null;
}

/** The query of `GET api/stats/history` (`DocketClient.getStatsHistory`). */
export interface ApiStatsHistoryQuery {
  /** Per minute over the last hour, or per hour over the last day. @defaultValue `lastHour` */
  readonly range?: ApiHistoryRange;
  /** Only jobs of this queue. @defaultValue every queue */
  readonly queue?: string;
  /** Only jobs of this type (its exact name). @defaultValue every type */
  readonly type?: string;
}

/** `GET api/stats/history`: throughput, failures and queue latency over time. */
export interface ApiStatsHistory {
  /** When the history was computed (the dashboard's clock). */
  readonly now: string;
  /** The range asked for. */
  readonly range: ApiHistoryRange;
  /** Length of each bucket in milliseconds: 60000 (`lastHour`) or 3600000 (`lastDay`). */
  readonly bucketMs: number;
  /** The queue the jobs were counted in; null for every queue. */
  readonly queue: string | null;
  /** The job type counted; null for every type. */
  readonly type: string | null;
  /**
   * Oldest first: 60 for `lastHour`, 24 for `lastDay`. Jobs removed by retention (succeeded
   * ones after a day, by default) are no longer counted.
   */
  readonly buckets: readonly ApiHistoryBucket[];
  /** Every queue the stored jobs name, sorted: the values `queue` may usefully take. */
  readonly queues: readonly string[];
  /** Every job type of the stored jobs, sorted: the values `type` may usefully take. */
  readonly types: readonly string[];
}

/** `GET api/stats`. */
export interface ApiStats {
  /** When the statistics were computed (server time). */
  readonly now: string;
  /** Jobs per state, over the whole collection (finished jobs until retention removes them). */
  readonly states: Readonly<Record<ApiJobState, number>>;
  /** Unfinished jobs per queue and state, with the queue's paused flag. */
  readonly queues: readonly ApiQueue[];
  /** Succeeded and failed per minute over the last hour: 60 buckets, oldest first. */
  readonly lastHour: readonly ApiThroughputBucket[];
  /** Succeeded and failed per hour over the last day: 24 buckets, oldest first. */
  readonly lastDay: readonly ApiThroughputBucket[];
  /** Servers whose heartbeat is recent, and all servers listed. */
  readonly servers: {
    /** Servers whose heartbeat is within the dashboard's `serverStaleAfterMs`. */
    readonly alive: number;
    /** Servers listed, alive or not. */
    readonly total: number;
  };
  /** Recurring jobs defined. */
  readonly recurring: number;
  /** Types of due jobs that wait while no live server handles them (empty when none). */
  readonly unhandled: readonly ApiUnhandledJobType[];
  /**
   * Rate limits servers reserved starts under lately (job types' and queues'), with whether
   * they throttle now; sorted by scope, then name (empty when none).
   */
  readonly rateLimits: readonly ApiRateLimit[];
}

/** A rate limit shared by every server: at most `max` job starts in any `intervalMs`. */
export interface ApiRateLimit {
  /** `type`: a job type's limit (its handler's `rateLimit`); `queue`: a queue's. */
  readonly scope: 'type' | 'queue';
  /** The job type or queue. */
  readonly name: string;
  /** Most starts in any window of `intervalMs` (as the last server to reserve applied it). */
  readonly max: number;
  /** Length of the sliding window in ms. */
  readonly intervalMs: number;
  /** Starts counted in the window ending now, reservations not yet settled included. */
  readonly used: number;
  /**
   * While the window is full (its due jobs wait, unclaimed): the earliest time at which one
   * may start, by the database's clock; null while starts may be granted.
   */
  readonly throttledUntil: string | null;
}

/** Due jobs of one type that wait while no live server (recent heartbeat) handles the type. */
export interface ApiUnhandledJobType {
  /** The job type's stable name. */
  readonly type: string;
  /** Due jobs of the type: `enqueued`, or `scheduled` with a due time passed. */
  readonly waiting: number;
  /** Due time of the one that has waited longest. */
  readonly oldestDueAt: string;
}

/** A queue (`GET api/queues`). */
export interface ApiQueue {
  /** The queue's name. */
  readonly name: string;
  /** Paused: no server claims from it until it is resumed. */
  readonly paused: boolean;
  /** Unfinished jobs by state (`enqueued`, `scheduled`, `processing`, `awaiting`). */
  readonly counts: Readonly<Partial<Record<ApiJobState, number>>>;
  /** Jobs waiting to run: `enqueued` plus `scheduled`. */
  readonly length: number;
}

/** How a server learns of work other processes create (see {@link ApiServer.pickup}). */
export type ApiPickupMode = 'change-stream' | 'notifications' | 'polling';

/** A server (`GET api/servers`). */
export interface ApiServer {
  /** The server's id, as in leases, job history and logs. */
  readonly id: string;
  /** Host name of the machine it runs on. */
  readonly hostname: string;
  /** Id of the process it runs in. */
  readonly pid: number;
  /** Queues it claims from, in its order of preference. */
  readonly queues: readonly string[];
  /** Job types it handles; null for a server that does not record them (an older version). */
  readonly jobTypes: readonly string[] | null;
  /** Its per-server concurrency limit. */
  readonly concurrency: number;
  /** Handler invocations running on it at its last heartbeat, overrunning ones included. */
  readonly running: number;
  /**
   * Of those, invocations past their timeout whose handler has not settled yet (they keep
   * their slots); 0 for a server that does not record it (an older version).
   */
  readonly overrunning: number;
  /**
   * How it learns of work other processes create: `change-stream` (replica sets),
   * `notifications` (the notices tail of a standalone server), `polling` (its push channel is
   * down, or the deployment has none); null for a server that does not record it.
   */
  readonly pickup: ApiPickupMode | null;
  /** When it started. */
  readonly startedAt: string;
  /** When it last wrote its heartbeat. */
  readonly heartbeatAt: string;
  /** How long ago that was when the answer was made (ms). */
  readonly heartbeatAgeMs: number;
  /** Its heartbeat is within the dashboard's `serverStaleAfterMs`. */
  readonly alive: boolean;
}

/** `GET api/servers/{id}/jobs`: the jobs a server is running now. */
export interface ApiServerJobs {
  /** The server's id, as `GET api/servers` lists it. */
  readonly serverId: string;
  /**
   * Jobs in `processing` whose lease the server holds, longest running first (at most
   * `limit`). A job whose lease lapsed (its server stopped answering) stays listed until
   * recovery hands it to another server.
   */
  readonly items: readonly ApiJobSummary[];
  /** More jobs hold the server's lease than `limit`: those listed are the longest running. */
  readonly truncated: boolean;
}

/** Answer of `POST api/queues/{name}/pause` and `/resume`. */
export interface ApiQueueStateResult {
  /** The queue's name. */
  readonly name: string;
  /** Whether it is paused now. */
  readonly paused: boolean;
  /** False when the queue was already in that state. */
  readonly changed: boolean;
}

/** Body of `POST api/queues/{name}/drain` (optional). */
export interface ApiQueueDrainRequest {
  /**
   * Delete the queue's scheduled jobs (due later, or waiting to retry) too.
   * @defaultValue false
   */
  readonly includeScheduled?: boolean;
}

/** Answer of `POST api/queues/{name}/drain`. */
export interface ApiQueueDrainResult {
  /** The queue's name. */
  readonly name: string;
  /** Waiting jobs found. */
  readonly matched: number;
  /** Jobs deleted; the others were claimed or changed meanwhile. */
  readonly changed: number;
}

/** Body of `POST api/queues/{name}/pause` and `/resume` (both fields optional). */
export interface ApiQueueStateRequest {
  /**
   * Accept a queue no job, server, recurring job or stored state names yet (pause it ahead
   * of time); without it such a name answers 404 `UNKNOWN_QUEUE`.
   * @defaultValue false
   */
  readonly allowUnknown?: boolean;
}
