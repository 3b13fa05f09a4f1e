import type { Collection, Db } from 'mongodb';
import type { JobRecord } from '../job-record';
import type { JobLease } from '../job-store';
import { guard } from './mongo-errors';

/**
 * The result of an attempt whose success its transaction committed (`JobContext.transaction`)
 * before `handle()` returned it: written after, on the job that attempt finished.
 */
export class MongoJobResults {
  private readonly jobs: Collection<JobRecord>;

  constructor(db: Db, collectionPrefix: string) {
    this.jobs = db.collection<JobRecord>(`${collectionPrefix}jobs`);
  }

  /** Stores `result` on the job `lease`'s attempt made succeed; false when it moved on since. */
  async saveAfterCommit(lease: JobLease, result: unknown): Promise<boolean> {
    const written = await guard(
      'save the job result',
      () =>
        this.jobs.updateOne(
          { _id: lease.jobId, recordedFence: lease.fence, state: 'succeeded' },
          { $set: { result } },
        ),
      lease.jobId,
    );
    return written.matchedCount === 1;
  }
}
