import type { Collection, Document, Filter } from 'mongodb';
import type { JobRecord } from '../../storage/job-record';
import type { ApiHistoryBucket, ApiHistoryRange, ApiStatsHistory } from '../api-types';

/** The buckets of each range: their length and how many there are. */
export const HISTORY_RANGES: Readonly<
  Record<ApiHistoryRange, { readonly bucketMs: number; readonly count: number }>
> = {
  lastHour: { bucketMs: 60_000, count: 60 },
  lastDay: { bucketMs: 3_600_000, count: 24 },
};

/** What a history counts: a range, and at most one queue and one type. */
export interface HistoryQuery {
  readonly range: ApiHistoryRange;
  readonly queue: string | null;
  readonly type: string | null;
  /** The dashboard's clock: the last bucket is the one holding it. */
  readonly now: Date;
}

/**
 * Start of a range's first bucket: buckets are aligned on UTC minutes or hours (a local hour
 * where the zone's offset is a whole number of hours), the last one holding `now`.
 */
export function historyStart(range: ApiHistoryRange, now: Date): number {
  const { bucketMs, count } = HISTORY_RANGES[range];
  return Math.floor(now.getTime() / bucketMs) * bucketMs - (count - 1) * bucketMs;
}

/**
 * The filter the aggregation starts with: jobs that finished for good (succeeded or failed)
 * since the range began, of the queue and the type when given. `dashboard-finished` (state,
 * finishedAt) serves it alone, `search-queue-finished` with a queue, `search-type-finished`
 * with a type only. Those two are partial (`finishedAt` is a date only on finished jobs): the
 * filter says `finishedAt: { $type: 'date' }` in a clause of its own, as their definition
 * does, for planners to see that it implies it.
 */
export function historyMatch(query: HistoryQuery): Filter<JobRecord> {
  return {
    $and: [
      { state: { $in: ['succeeded', 'failed'] } },
      ...(query.queue === null ? [] : [{ queue: query.queue }]),
      ...(query.type === null ? [] : [{ type: query.type }]),
      { finishedAt: { $type: 'date' } },
      { finishedAt: { $gte: new Date(historyStart(query.range, query.now)) } },
    ],
  };
}

/** How long a job's last attempt waited past its due time; null without both times. */
const LATENCY: Document = {
  $cond: [
    {
      $and: [{ $eq: [{ $type: '$startedAt' }, 'date'] }, { $eq: [{ $type: '$dueAt' }, 'date'] }],
    },
    // Written by the clocks of different processes (enqueuer, worker): skew can make it
    // negative, which says nothing about the queue.
    { $max: [0, { $subtract: ['$startedAt', '$dueAt'] }] },
    null,
  ],
};

interface BucketGroup {
  _id: number;
  succeeded: number;
  failed: number;
  latencyAvgMs: number | null;
  latencyMaxMs: number | null;
}

/**
 * Succeeded and failed jobs and their queue latency per bucket, in one aggregation grouped by
 * bucket (`$avg` and `$max` leave out the jobs without a latency), beside the names the
 * history can be narrowed to: the distinct queues and types of the stored jobs, which
 * MongoDB reads off the indexes that start with them (`claim`, `search-type-due`).
 */
export async function readStatsHistory(
  jobs: Collection<JobRecord>,
  query: HistoryQuery,
): Promise<ApiStatsHistory> {
  const { bucketMs, count } = HISTORY_RANGES[query.range];
  const since = new Date(historyStart(query.range, query.now));
  const [groups, queues, types] = await Promise.all([
    jobs
      .aggregate<BucketGroup>([
        { $match: historyMatch(query) },
        {
          $group: {
            _id: { $floor: { $divide: [{ $subtract: ['$finishedAt', since] }, bucketMs] } },
            succeeded: { $sum: { $cond: [{ $eq: ['$state', 'succeeded'] }, 1, 0] } },
            failed: { $sum: { $cond: [{ $eq: ['$state', 'failed'] }, 1, 0] } },
            latencyAvgMs: { $avg: LATENCY },
            latencyMaxMs: { $max: LATENCY },
          },
        },
      ])
      .toArray(),
    jobs.distinct('queue'),
    jobs.distinct('type'),
  ]);
  const buckets: ApiHistoryBucket[] = Array.from({ length: count }, (_, i) => ({
    at: new Date(since.getTime() + i * bucketMs).toISOString(),
    succeeded: 0,
    failed: 0,
    latencyAvgMs: null,
    latencyMaxMs: null,
  }));
  for (const group of groups) {
    const index = Number(group._id);
    // A job that finished "in the future" (a worker's clock ahead of the dashboard's).
    if (!(index >= 0 && index < count)) continue;
    const ms = (value: unknown) => (typeof value === 'number' ? Math.round(value) : null);
    buckets[index] = {
      at: buckets[index].at,
      succeeded: Number(group.succeeded),
      failed: Number(group.failed),
      latencyAvgMs: ms(group.latencyAvgMs),
      latencyMaxMs: ms(group.latencyMaxMs),
    };
  }
  const names = (values: unknown[]) =>
    values.filter((value): value is string => typeof value === 'string').sort();
  return {
    now: query.now.toISOString(),
    range: query.range,
    bucketMs,
    queue: query.queue,
    type: query.type,
    buckets,
    queues: names(queues),
    types: names(types),
  };
}
