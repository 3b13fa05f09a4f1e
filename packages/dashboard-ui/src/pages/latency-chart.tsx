import { useMemo } from 'preact/hooks';
import type { ApiHistoryBucket, ApiHistoryRange } from '../../../../src/dashboard/api-types';
import { shortDuration } from '../parts/format';
import { bucketLabel, bucketStep, TimeChart, type ChartSeries } from '../parts/time-chart';
import { PERIODS } from './throughput-chart';

/**
 * The average wait over the buckets, each weighed by its jobs; null when no bucket has one.
 * (A job that records no start time weighs without a wait: rare, and only in old records.)
 */
export function averageLatency(buckets: readonly ApiHistoryBucket[]): number | null {
  let jobs = 0;
  let total = 0;
  for (const bucket of buckets) {
    if (bucket.latencyAvgMs === null) continue;
    const finished = bucket.succeeded + bucket.failed;
    jobs += finished;
    total += bucket.latencyAvgMs * finished;
  }
  return jobs === 0 ? null : Math.round(total / jobs);
}

/** The longest wait over the buckets; null when no bucket has one. */
export function longestLatency(buckets: readonly ApiHistoryBucket[]): number | null {
  const waits = buckets.flatMap((bucket) =>
    bucket.latencyMaxMs === null ? [] : [bucket.latencyMaxMs],
  );
  return waits.length === 0 ? null : Math.max(...waits);
}

/**
 * Queue latency per bucket as two lines, the average and the longest wait of the jobs that
 * finished in it, with both over the range and the bucket under the pointer written out.
 */
export function LatencyChart({
  buckets,
  range,
}: {
  buckets: readonly ApiHistoryBucket[];
  range: ApiHistoryRange;
}) {
  const times = useMemo(() => buckets.map((bucket) => Date.parse(bucket.at)), [buckets]);
  const series = useMemo<ChartSeries[]>(
    () => [
      {
        label: 'Average wait',
        colour: '--chart-latency',
        values: buckets.map((bucket) => bucket.latencyAvgMs),
      },
      {
        label: 'Longest wait',
        colour: '--chart-latency-max',
        values: buckets.map((bucket) => bucket.latencyMaxMs),
      },
    ],
    [buckets],
  );
  const average = averageLatency(buckets);
  const longest = longestLatency(buckets);
  const summary =
    average === null
      ? 'no job finished'
      : `${shortDuration(average)} on average, ${shortDuration(longest ?? 0)} at the longest`;
  return (
    <TimeChart
      kind="lines"
      times={times}
      series={series}
      formatValue={shortDuration}
      label={`Queue latency ${PERIODS[range]}: ${summary}`}
      legend={(hovered) => {
        const bucket = hovered === null ? undefined : buckets[hovered];
        return (
          <p class="legend">
            <span class="dot line-average" aria-hidden="true" />
            average{' '}
            <span id="latency-average">{average === null ? '–' : shortDuration(average)}</span>
            <span class="dot line-longest" aria-hidden="true" />
            longest{' '}
            <span id="latency-longest">{longest === null ? '–' : shortDuration(longest)}</span>
            {bucket && (
              <span class="readout">
                {bucketLabel(times[hovered!]!, bucketStep(times))}:{' '}
                {bucket.latencyAvgMs === null
                  ? 'no job finished'
                  : `${shortDuration(bucket.latencyAvgMs)} on average, ${shortDuration(bucket.latencyMaxMs ?? 0)} at the longest`}
              </span>
            )}
          </p>
        );
      }}
    />
  );
}
