import type { JobErrorInfo, JobProgress, JobRecord, JobState } from './job-record';

/** A worker's hold on a claimed job: every write after the claim is conditioned on it. */
export interface JobLease {
  readonly jobId: string;
  readonly fence: number;
}

/** What a server asks for when it claims. */
export interface ClaimRequest {
  readonly queues: readonly string[];
  readonly jobTypes: readonly string[];
  readonly serverId: string;
  readonly leaseMs: number;
  readonly now: Date;
}

/** The outcome a worker records for an attempt. */
export type AttemptOutcome =
  | { readonly state: 'succeeded'; readonly durationMs: number }
  | { readonly state: 'failed'; readonly durationMs: number; readonly error: JobErrorInfo; readonly reason: string }
  | {
      readonly state: 'scheduled';
      readonly durationMs: number;
      readonly error: JobErrorInfo;
      readonly reason: string;
      readonly dueAt: Date;
    };

/** A lease that a heartbeat found lost, and the state the job is in now (if it still exists). */
export interface LostLease extends JobLease {
  readonly state: JobState | null;
}

/**
 * The storage port the scheduler and the server depend on. The MongoDB implementation is
 * `MongoJobStore`; unit tests use a fake.
 */
export interface JobStore {
  /** Creates every index the hot path needs (idempotent). */
  ensureIndexes(): Promise<void>;
  insert(record: JobRecord): Promise<void>;
  /** Claims the most urgent due job in one atomic `findOneAndUpdate`, or returns null. */
  claim(request: ClaimRequest): Promise<JobRecord | null>;
  /** Records an attempt's outcome; false when the lease was lost (nothing written). */
  finish(lease: JobLease, outcome: AttemptOutcome, serverId: string, now: Date): Promise<boolean>;
  /** Extends the leases in one round trip; returns those no longer held. */
  extendLeases(leases: readonly JobLease[], expiresAt: Date): Promise<LostLease[]>;
  /** Gives jobs back to the queue at once (graceful stop): their attempt is not counted. */
  release(leases: readonly JobLease[], serverId: string, now: Date): Promise<number>;
  /** Re-enqueues jobs whose lease expired (their worker died); returns how many. */
  recoverExpired(now: Date): Promise<number>;
  /** Marks an unfinished job deleted; returns the job as it was, or null if none was unfinished. */
  delete(jobId: string, now: Date): Promise<JobRecord | null>;
  /** Stores progress under the lease; false when the lease was lost. */
  saveProgress(lease: JobLease, progress: JobProgress): Promise<boolean>;
  findById(jobId: string): Promise<JobRecord | null>;
}
