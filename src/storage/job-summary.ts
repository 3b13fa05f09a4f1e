import type { JobRecord } from './job-record';

/**
 * A job as lists show it: everything but its payload, history, lease and the error's stack
 * (read one job in full with `Docket.getJob`).
 */
export interface JobSummary extends Pick<
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
  | 'uniqueKey'
  | 'parentId'
  | 'tags'
> {
  /** The last error's name and message. */
  error: {
    /** The error's `name` (`JobTimeoutError`, `TypeError`...). */
    name: string;
    /** The error's message. */
    message: string;
  } | null;
}

/**
 * A job a bulk action read: what its conditional write re-checks (the state it was read in)
 * and what happens after it (events, continuations, the uniqueKey a requeue claims again).
 */
export type JobTarget = Pick<
  JobRecord,
  | '_id'
  | 'type'
  | 'queue'
  | 'state'
  | 'uniqueKey'
  | 'createdAt'
  | 'dueAt'
  | 'finishedAt'
  | 'hasContinuations'
  | 'continuationsResolved'
  | 'batchId'
  | 'deadLetteredAt'
>;
