import type { JobRecord } from './job-record';

/**
 * The storage port `waitForJob` depends on: a change stream of jobs that may have finished,
 * and the reads that confirm it. The MongoDB implementation is `MongoFinishedJobs`; unit
 * tests use a fake.
 */
export interface FinishedJobSource {
  /**
   * Opens a change stream that calls `onChange` with the id of every job whose state was set
   * to a finished one (succeeded, failed, deleted), or whose document was removed; resolves
   * null on a deployment without change streams (a standalone server). It is armed when the
   * returned promise resolves: every such change committed from then on is reported (some
   * from a little before may be too). `onError` is called once when the stream dies; the
   * caller then closes it.
   * @throws StorageError - when the deployment cannot be asked.
   */
  watchFinishedJobs(
    onChange: (jobId: string) => void,
    onError: (error: unknown) => void,
  ): Promise<FinishedJobWatch | null>;
  /** The jobs among `jobIds` that are finished, in one query. */
  findFinished(jobIds: readonly string[]): Promise<JobRecord[]>;
  /** The job as stored, or null. */
  findById(jobId: string): Promise<JobRecord | null>;
}

/** An open change stream of finished jobs. */
export interface FinishedJobWatch {
  close(): Promise<void>;
}
