import { useMemo } from 'preact/hooks';
import type { ApiHistoryRange, ApiThroughputBucket } from '../../../../src/dashboard/api-types';
import { bucketLabel, bucketStep, TimeChart, type ChartSeries } from '../parts/time-chart';

/** The two ranges: per minute over the last hour, per hour over the last day. */
export type ThroughputRange = ApiHistoryRange;

/** Whole numbers only on the count axis. */
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6];

/** The range in words. */
export const PERIODS: Record<ThroughputRange, string> = {
  lastHour: 'per minute over the last hour',
  lastDay: 'per hour over the last day',
};

/**
 * Succeeded and failed jobs per bucket as bars, with the totals and the bucket under the
 * pointer written out as text under it.
 */
export function ThroughputChart({
  buckets,
  range,
}: {
  buckets: readonly ApiThroughputBucket[];
  range: ThroughputRange;
}) {
  const times = useMemo(() => buckets.map((bucket) => Date.parse(bucket.at)), [buckets]);
  const series = useMemo<ChartSeries[]>(
    () => [
      {
        label: 'Succeeded',
        colour: '--chart-ok',
        values: buckets.map((bucket) => bucket.succeeded),
      },
      { label: 'Failed', colour: '--chart-fail', values: buckets.map((bucket) => bucket.failed) },
    ],
    [buckets],
  );
  const totals = buckets.reduce(
    (sum, bucket) => ({
      succeeded: sum.succeeded + bucket.succeeded,
      failed: sum.failed + bucket.failed,
    }),
    { succeeded: 0, failed: 0 },
  );
  return (
    <TimeChart
      kind="bars"
      times={times}
      series={series}
      steps={COUNT_STEPS}
      label={`Succeeded and failed jobs ${PERIODS[range]}: ${totals.succeeded} succeeded, ${totals.failed} failed`}
      legend={(hovered) => {
        const bucket = hovered === null ? undefined : buckets[hovered];
        return (
          <p class="legend">
            <span class="dot bar-succeeded" aria-hidden="true" />
            <span id="chart-succeeded">{totals.succeeded}</span> succeeded
            <span class="dot bar-failed" aria-hidden="true" />
            <span id="chart-failed">{totals.failed}</span> failed
            {bucket && (
              <span class="readout">
                {bucketLabel(times[hovered!]!, bucketStep(times))}: {bucket.succeeded} succeeded,{' '}
                {bucket.failed} failed
              </span>
            )}
          </p>
        );
      }}
    />
  );
}
