import type { Collection } from 'mongodb';
import type { JobRecord, JobState } from '../../storage/job-record';
import { API_JOB_STATES, type ApiThroughputBucket } from '../api-types';
import { HISTORY_RANGES, historyStart } from './read-stats-history';

const MINUTE = HISTORY_RANGES.lastHour.bucketMs;
const HOUR = HISTORY_RANGES.lastDay.bucketMs;

/** Succeeded and failed per minute over the last hour and per hour over the last day. */
export interface Throughput {
  readonly lastHour: ApiThroughputBucket[];
  readonly lastDay: ApiThroughputBucket[];
}

/** Jobs per state (seven index-only counts, run in parallel). */
export async function countByState(jobs: Collection<JobRecord>): Promise<Record<JobState, number>> {
  const counts = await Promise.all(API_JOB_STATES.map((state) => jobs.countDocuments({ state })));
  return Object.fromEntries(API_JOB_STATES.map((state, i) => [state, counts[i]])) as Record<
    JobState,
    number
  >;
}

/**
 * Throughput from the jobs' `finishedAt`, in one aggregation: buckets are aligned on wall
 * clock minutes and hours, the last one being the current (partial) one. A job counts once,
 * in its final outcome (a retry's failed attempt is not a failure); jobs already removed by
 * retention (succeeded: 1 day by default) are not counted.
 */
export async function readThroughput(jobs: Collection<JobRecord>, now: Date): Promise<Throughput> {
  const hourStart = historyStart('lastHour', now);
  const dayStart = historyStart('lastDay', now);
  const bucket = (since: number, size: number) => ({
    $floor: { $divide: [{ $subtract: ['$finishedAt', new Date(since)] }, size] },
  });
  const [result] = await jobs
    .aggregate<{
      minutes: { _id: { state: string; bucket: number }; n: number }[];
      hours: { _id: { state: string; bucket: number }; n: number }[];
    }>([
      {
        $match: {
          state: { $in: ['succeeded', 'failed'] },
          finishedAt: { $gte: new Date(dayStart) },
        },
      },
      { $project: { state: 1, finishedAt: 1 } },
      {
        $facet: {
          minutes: [
            { $match: { finishedAt: { $gte: new Date(hourStart) } } },
            {
              $group: {
                _id: { state: '$state', bucket: bucket(hourStart, MINUTE) },
                n: { $sum: 1 },
              },
            },
          ],
          hours: [
            {
              $group: { _id: { state: '$state', bucket: bucket(dayStart, HOUR) }, n: { $sum: 1 } },
            },
          ],
        },
      },
    ])
    .toArray();
  const fill = (
    since: number,
    size: number,
    count: number,
    groups: { _id: { state: string; bucket: number }; n: number }[],
  ): ApiThroughputBucket[] => {
    const buckets = Array.from({ length: count }, (_, i) => ({
      at: new Date(since + i * size).toISOString(),
      succeeded: 0,
      failed: 0,
    }));
    for (const { _id, n } of groups) {
      const target = buckets[Number(_id.bucket)];
      if (target === undefined) continue; // finished "in the future" (clock skew between servers)
      if (_id.state === 'succeeded') target.succeeded += n;
      else if (_id.state === 'failed') target.failed += n;
    }
    return buckets;
  };
  return {
    lastHour: fill(hourStart, MINUTE, HISTORY_RANGES.lastHour.count, result?.minutes ?? []),
    lastDay: fill(dayStart, HOUR, HISTORY_RANGES.lastDay.count, result?.hours ?? []),
  };
}
