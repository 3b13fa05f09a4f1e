import type { Collection, Db } from 'mongodb';
import { CLAIMABLE_STATES, type JobRecord } from '../job-record';
import type { WaitingJobType, WaitingJobTypesSource } from '../job-store';
import { guard } from './mongo-errors';

/**
 * Due jobs by type, for the check that finds jobs no live server handles. One aggregate
 * whose `$or` branches are planned on the partial indexes `enqueued-by-type` and
 * `scheduled-by-type`: `$nin` turns into index bounds that skip the handled types, so when
 * every type is handled the read touches no job at all, and otherwise only the jobs it
 * reports.
 */
export class MongoWaitingJobTypes implements WaitingJobTypesSource {
  private readonly jobs: Collection<JobRecord>;

  constructor(db: Db, collectionPrefix: string) {
    this.jobs = db.collection<JobRecord>(`${collectionPrefix}jobs`);
  }

  async waitingJobTypes(excluding: readonly string[], now: Date): Promise<WaitingJobType[]> {
    const groups = await guard('read the types of waiting jobs', () =>
      this.jobs
        .aggregate<{ _id: string; waiting: number; oldestDueAt: Date }>([
          {
            $match: {
              $or: CLAIMABLE_STATES.map((state) => ({
                state,
                type: { $nin: [...excluding] },
                dueAt: { $lte: now },
              })),
            },
          },
          { $group: { _id: '$type', waiting: { $sum: 1 }, oldestDueAt: { $min: '$dueAt' } } },
          { $sort: { _id: 1 } },
        ])
        .toArray(),
    );
    return groups.map(({ _id, waiting, oldestDueAt }) => ({ jobType: _id, waiting, oldestDueAt }));
  }
}
