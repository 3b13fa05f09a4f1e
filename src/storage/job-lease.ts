import type { JobRecord, JobState } from './job-record';

/** A worker's hold on a claimed job: every write after the claim is conditioned on it. */
export interface JobLease {
  readonly jobId: string;
  readonly fence: number;
}

/** What a server asks for when it claims: queues are tried in the order given. */
export interface ClaimRequest {
  readonly queues: readonly string[];
  readonly jobTypes: readonly string[];
  readonly serverId: string;
  /** How long the lease lasts, from the database's time of the claim. */
  readonly leaseMs: number;
  /** The worker's time: which jobs are due (scheduling), and the history entry. */
  readonly now: Date;
  /**
   * This server's lane among the servers claiming from the same queues: a batch claim takes
   * the jobs of its own lane first, so that servers reading the same due jobs at the same
   * moment claim different ones. Absent (or a count of 1): no preference.
   */
  readonly lane?: ClaimLane;
  /**
   * Concurrency keys this server knows to be at their limit: their jobs are left out of the
   * claim (absent or empty: none, and the claim filter is the one of unkeyed work).
   */
  readonly excludedKeys?: readonly string[];
}

/**
 * One of `count` lanes: a job belongs to the lane its id hashes to, so servers that know
 * their rank among each other split any set of due jobs between them without talking.
 */
export interface ClaimLane {
  readonly index: number;
  readonly count: number;
}

/** What a batch claim took, and whether another server's claim took some of its candidates. */
export interface ClaimedJobs {
  readonly jobs: JobRecord[];
  /**
   * Some candidates changed between their read and the claim: most often another server's
   * claim took them (servers compete for the same jobs).
   */
  readonly contended: boolean;
}

/** A lease that a heartbeat found lost, and the state the job is in now (if it still exists). */
export interface LostLease extends JobLease {
  readonly state: JobState | null;
}
