import type { MissedRunPolicy, OverlapPolicy } from './recurring-options';

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
  /** The cron expression; null for an interval schedule. */
  cron: string | null;
  timeZone: string;
  /** Interval schedule: milliseconds between occurrences (null or absent: a cron schedule). */
  everyMs?: number | null;
  /** Interval schedule: an occurrence the others are whole intervals from. */
  anchor?: Date | null;
  /** No occurrence before it (absent: none). */
  startAt?: Date | null;
  /** No occurrence after it (absent: none). */
  endAt?: Date | null;
  /** Most jobs the schedule enqueues in all (absent: no limit). */
  repeatLimit?: number | null;
  /** What an occurrence does while the previous job is unfinished (absent: `allow`). */
  overlap?: OverlapPolicy;
  /** Jobs the schedule enqueued (triggers not counted); absent: 0. */
  runCount?: number;
  /** Occurrences skipped by the overlap policy; absent: 0. */
  skippedCount?: number;
  /** The latest occurrence the overlap policy skipped; absent: none. */
  lastSkippedAt?: Date | null;
  /** `queue` policy: the due occurrence waits for the previous job to finish. */
  waiting?: boolean;
  queue: string;
  priority: number;
  maxAttempts: number | null;
  timeoutMs: number | null;
  missedRunPolicy: MissedRunPolicy;
  paused: boolean;
  /**
   * The next occurrence to enqueue (kept, but not acted on, while paused); null when the
   * schedule has none left (past `endAt`, or `repeatLimit` reached).
   */
  nextRunAt: Date | null;
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
> &
  Required<Pick<RecurringRecord, 'everyMs' | 'startAt' | 'endAt' | 'repeatLimit' | 'overlap'>>;

/** A stored definition with a next run, as the ticker reads the due ones. */
export type DueRecurringRecord = RecurringRecord & { nextRunAt: Date };

/** A recurring job as listed by `listRecurring` / `getRecurring`. */
export interface RecurringJobInfo {
  /** The recurring job's id, as given to `addOrUpdateRecurring`. */
  readonly id: string;
  /** Stable job type name of the jobs it enqueues. */
  readonly jobType: string;
  /** The job's payload, in stored form (as MongoDB holds it). */
  readonly payload: Readonly<Record<string, unknown>>;
  /** The cron expression of its occurrences; null for an interval schedule. */
  readonly cron: string | null;
  /** IANA time zone the cron expression is read in (`'UTC'` unless one was given). */
  readonly timeZone: string;
  /** Interval schedule: milliseconds between occurrences; null for a cron schedule. */
  readonly everyMs: number | null;
  /** No occurrence before it; null: none. */
  readonly startAt: Date | null;
  /** No occurrence after it; null: none. */
  readonly endAt: Date | null;
  /** Most jobs the schedule enqueues in all; null: no limit. */
  readonly repeatLimit: number | null;
  /** Jobs the schedule may still enqueue (`repeatLimit` minus `runCount`); null: no limit. */
  readonly remainingRuns: number | null;
  /** Jobs the schedule enqueued so far (triggers not counted). */
  readonly runCount: number;
  /** What an occurrence does while the previous job is unfinished. */
  readonly overlap: OverlapPolicy;
  /** Occurrences skipped (or folded into a waiting one) because the previous job was unfinished. */
  readonly skippedCount: number;
  /** The latest occurrence skipped so; null before the first. */
  readonly lastSkippedAt: Date | null;
  /** `queue` policy: whether the due occurrence waits for the previous job to finish. */
  readonly waiting: boolean;
  /** Whether the schedule has no occurrence left (past `endAt`, or `repeatLimit` reached). */
  readonly ended: boolean;
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
  /** The next occurrence a server will enqueue; null while paused, or when it `ended`. */
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

/**
 * Whether `runCount` jobs use up the definition's `repeatLimit` (never without one): the job
 * that reaches it ends the schedule.
 */
export function repeatLimitReached(
  record: Pick<RecurringRecord, 'repeatLimit'>,
  runCount: number,
): boolean {
  return record.repeatLimit != null && runCount >= record.repeatLimit;
}

/** The public view of a stored definition. */
export function toRecurringJobInfo(record: RecurringRecord): RecurringJobInfo {
  return {
    id: record._id,
    jobType: record.type,
    payload: record.payload,
    cron: record.cron,
    timeZone: record.timeZone,
    everyMs: record.everyMs ?? null,
    startAt: record.startAt ?? null,
    endAt: record.endAt ?? null,
    repeatLimit: record.repeatLimit ?? null,
    remainingRuns:
      record.repeatLimit == null ? null : Math.max(0, record.repeatLimit - (record.runCount ?? 0)),
    runCount: record.runCount ?? 0,
    overlap: record.overlap ?? 'allow',
    skippedCount: record.skippedCount ?? 0,
    lastSkippedAt: record.lastSkippedAt ?? null,
    waiting: record.waiting ?? false,
    ended: record.nextRunAt === null,
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
