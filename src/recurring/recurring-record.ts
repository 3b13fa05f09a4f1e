import type { MissedRunPolicy } from './recurring-options';

/**
 * A recurring job definition as stored in MongoDB (collection `<prefix>recurring`).
 * The job's type and payload are stored exactly as `enqueue` stores them; every occurrence's
 * job is a copy of them with the enqueue options below.
 */
export interface RecurringRecord {
  /** The recurring job id. */
  _id: string;
  /** Stable job type name (`@Job('name')`). */
  type: string;
  /** The job's payload, in stored form. */
  payload: Record<string, unknown>;
  cron: string;
  timeZone: string;
  queue: string;
  priority: number;
  maxAttempts: number | null;
  timeoutMs: number | null;
  missedRunPolicy: MissedRunPolicy;
  paused: boolean;
  /** The next occurrence to enqueue (kept, but not acted on, while paused). */
  nextRunAt: Date;
  /** The occurrence (or trigger time) of the last job enqueued, null before the first. */
  lastRunAt: Date | null;
  /** Id of the last job enqueued, null before the first. */
  lastJobId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields of a definition that `addOrUpdate` sets (all but state and bookkeeping). */
export type RecurringDefinition = Pick<
  RecurringRecord,
  | 'type'
  | 'payload'
  | 'cron'
  | 'timeZone'
  | 'queue'
  | 'priority'
  | 'maxAttempts'
  | 'timeoutMs'
  | 'missedRunPolicy'
>;

/** A recurring job as listed by `listRecurring` / `getRecurring`. */
export interface RecurringJobInfo {
  /** The recurring job's id, as given to `addOrUpdateRecurring`. */
  readonly id: string;
  /** Stable job type name of the jobs it enqueues. */
  readonly jobType: string;
  /** The job's payload, in stored form (as MongoDB holds it). */
  readonly payload: Readonly<Record<string, unknown>>;
  /** The cron expression of its occurrences. */
  readonly cron: string;
  /** IANA time zone the cron expression is read in (`'UTC'` unless one was given). */
  readonly timeZone: string;
  /** Queue of the jobs it enqueues. */
  readonly queue: string;
  /** Priority of the jobs it enqueues. */
  readonly priority: number;
  /** null: the handler's setting applies. */
  readonly maxAttempts: number | null;
  /** null: the handler's setting applies. */
  readonly timeoutMs: number | null;
  /** What a server does with occurrences missed while none ran. */
  readonly missedRunPolicy: MissedRunPolicy;
  /** Paused: no occurrence is enqueued until it is resumed (a trigger still enqueues). */
  readonly paused: boolean;
  /** The next occurrence a server will enqueue; null while paused. */
  readonly nextRunAt: Date | null;
  /** The occurrence (or trigger time) of the last job enqueued; null before the first. */
  readonly lastRunAt: Date | null;
  /** Id of the last job enqueued; null before the first. */
  readonly lastJobId: string | null;
  /** When it was first added. */
  readonly createdAt: Date;
  /** When its definition last changed, or it was paused or resumed. */
  readonly updatedAt: Date;
}

/** The public view of a stored definition. */
export function toRecurringJobInfo(record: RecurringRecord): RecurringJobInfo {
  return {
    id: record._id,
    jobType: record.type,
    payload: record.payload,
    cron: record.cron,
    timeZone: record.timeZone,
    queue: record.queue,
    priority: record.priority,
    maxAttempts: record.maxAttempts,
    timeoutMs: record.timeoutMs,
    missedRunPolicy: record.missedRunPolicy,
    paused: record.paused,
    nextRunAt: record.paused ? null : record.nextRunAt,
    lastRunAt: record.lastRunAt,
    lastJobId: record.lastJobId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
