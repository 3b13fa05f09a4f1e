import type { JobState } from '../storage/job-record';

/** A time range of a {@link JobFilter}: `from` included, `to` excluded; either may be left out. */
export interface TimeRangeFilter {
  /** The first instant in the range. */
  readonly from?: Date;
  /** The first instant after the range. */
  readonly to?: Date;
}

/** A value a payload field is compared with: equality with a string, a number or a boolean. */
export type PayloadFilterValue = string | number | boolean;

/**
 * Which jobs to find, count or act on: every condition given must hold (none given: every
 * job). Values are compared as they are, never read as query operators: a payload value
 * `'$ne'` is the text `$ne`, and anything but the types below is refused.
 */
export interface JobFilter {
  /** One state, or any of several (up to all seven). */
  readonly state?: JobState | readonly JobState[];
  /** The exact queue name. */
  readonly queue?: string;
  /** The exact job type name (`@Job('email.send')`). */
  readonly type?: string;
  /** Job type names that start with this text (`'email.'`), case-sensitive. */
  readonly typePrefix?: string;
  /** The batch the job is in (`IJobScheduler.createBatch`), nested batches' jobs not included. */
  readonly batchId?: string;
  /** Job ids that start with this text, case-sensitive (1 to 500 characters). */
  readonly idPrefix?: string;
  /**
   * Text the message of the job's last error contains, ignoring case; taken literally, not
   * as a pattern (1 to 200 characters).
   */
  readonly errorContains?: string;
  /**
   * True: only jobs in the dead-letter queue (failed for good under a handler's
   * `onAttemptsExhausted: 'deadLetter'`, not redriven since); false: only others.
   */
  readonly deadLettered?: boolean;
  /**
   * Payload fields that must hold a value, by path below the payload: `{ 'customer.id': 42 }`
   * matches jobs whose `payload.customer.id` is 42 (an array of values: any of them). A path
   * is 1 to 10 identifiers (`[A-Za-z_][A-Za-z0-9_]*`) joined by dots; a value is a string (at
   * most 500 characters), a finite number or a boolean, as stored (`42` does not match
   * `'42'`). At most 10 paths, 20 values each. Payload fields are not indexed: combine them
   * with a state, queue or type, which are.
   */
  readonly payload?: Readonly<Record<string, PayloadFilterValue | readonly PayloadFilterValue[]>>;
  /**
   * Tags the job carries (`EnqueueOptions.tags`), every one of them; compared exactly. 1 to
   * 20 tags. Served by the `search-tags` index.
   */
  readonly tags?: readonly string[];
  /** When the job was stored. */
  readonly createdAt?: TimeRangeFilter;
  /** When the job finished (succeeded, failed for good, or was deleted); unfinished jobs have no such time. */
  readonly finishedAt?: TimeRangeFilter;
  /** When the job is (or was) due to run. */
  readonly dueAt?: TimeRangeFilter;
}
