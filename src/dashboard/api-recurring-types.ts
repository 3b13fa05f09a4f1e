/*
 * The REST API's shapes for recurring jobs: the job as listed, the request that creates or
 * updates one, and the answer of a trigger. Re-exported by `api-types.ts` with the job types.
 */

/** A recurring job (`GET api/recurring`). */
export interface ApiRecurringJob {
  /** The recurring job's id. */
  readonly id: string;
  /** Stable job type name of the jobs it enqueues. */
  readonly jobType: string;
  /** The job's payload, in relaxed Extended JSON like a job's. */
  readonly payload: Record<string, unknown>;
  /** The cron expression of its occurrences; null for an interval schedule. */
  readonly cron: string | null;
  /** IANA time zone the cron expression is read in. */
  readonly timeZone: string;
  /** Interval schedule: milliseconds between occurrences; null for a cron schedule. */
  readonly everyMs: number | null;
  /** No occurrence before it; null: none. */
  readonly startAt: string | null;
  /** No occurrence after it; null: none. */
  readonly endAt: string | null;
  /** Most jobs the schedule enqueues in all; null: no limit. */
  readonly repeatLimit: number | null;
  /** Jobs the schedule may still enqueue; null: no limit. */
  readonly remainingRuns: number | null;
  /** Jobs the schedule enqueued so far (triggers not counted). */
  readonly runCount: number;
  /** `allow`, `skip` or `queue`: what an occurrence does while the previous job is unfinished. */
  readonly overlap: string;
  /** Occurrences skipped (or folded into a waiting one) while the previous job was unfinished. */
  readonly skippedCount: number;
  /** The latest occurrence skipped so; null before the first. */
  readonly lastSkippedAt: string | null;
  /** `queue` policy: the due occurrence waits for the previous job to finish. */
  readonly waiting: boolean;
  /** The schedule has no occurrence left (past `endAt`, or `repeatLimit` reached). */
  readonly ended: boolean;
  /** Queue of the jobs it enqueues. */
  readonly queue: string;
  /** Priority of the jobs it enqueues. */
  readonly priority: number;
  /** Attempts of each occurrence's job; null: the handler's setting. */
  readonly maxAttempts: number | null;
  /** Time limit of each attempt (ms); null: the handler's setting. */
  readonly timeoutMs: number | null;
  /** Paused: no occurrence is enqueued until it is resumed. */
  readonly paused: boolean;
  /** What a server does with occurrences missed while none ran: `runOnce`, `skip` or `backfill`. */
  readonly missedRunPolicy: string;
  /** Next occurrence; null while paused, or once the schedule ended. */
  readonly nextRunAt: string | null;
  /** The occurrence (or trigger time) of the last job enqueued; null before the first. */
  readonly lastRunAt: string | null;
  /** Id of the last job enqueued; null before the first. */
  readonly lastJobId: string | null;
  /** When it was first added. */
  readonly createdAt: string;
  /** When its definition last changed, or it was paused or resumed. */
  readonly updatedAt: string;
}

/**
 * `PUT api/recurring/{id}`: creates the recurring job, or updates it to this definition. The
 * payload is validated against the type's rules, as on enqueue.
 */
export interface ApiRecurringRequest {
  /** The stable job type name; its class must be loaded in the dashboard's process. */
  readonly type: string;
  /** The job's fields as JSON. @defaultValue `{}` */
  readonly payload?: Record<string, unknown>;
  /** A cron expression (5 fields, or 6 with seconds); give it or `everyMs`. */
  readonly cron?: string;
  /**
   * An interval schedule: milliseconds between occurrences (1,000 to 366 days); give it or
   * `cron`.
   */
  readonly everyMs?: number;
  /** No occurrence before this instant (ISO 8601). @defaultValue none */
  readonly startAt?: string;
  /** No occurrence after this instant (ISO 8601), after `startAt`. @defaultValue none */
  readonly endAt?: string;
  /** Most jobs the schedule enqueues in all. @defaultValue no limit */
  readonly repeatLimit?: number;
  /** `allow`, `skip` or `queue`. @defaultValue `allow` */
  readonly overlap?: string;
  /** IANA time zone the cron fields are read in. @defaultValue `UTC` */
  readonly timeZone?: string;
  /** The queue of every occurrence's job. @defaultValue `default` */
  readonly queue?: string;
  /** Priority of every occurrence's job (-1000..1000). @defaultValue `0` */
  readonly priority?: number;
  /** Attempts of every occurrence's job. @defaultValue the handler's */
  readonly maxAttempts?: number;
  /** Time limit of each attempt (ms). @defaultValue the handler's */
  readonly timeoutMs?: number;
  /** `runOnce`, `skip` or `backfill`. @defaultValue `runOnce` */
  readonly missedRunPolicy?: string;
}

/** Answer of `POST api/recurring/{id}/trigger`. */
export interface ApiTriggerResult {
  /** Id of the job enqueued. */
  readonly jobId: string;
}
