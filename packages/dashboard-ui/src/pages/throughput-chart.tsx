import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { ApiThroughputBucket } from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { useObserved } from '../live/observable';

/** The overview's two ranges: per minute over the last hour, per hour over the last day. */
export type ThroughputRange = 'lastHour' | 'lastDay';

const STEP_SECONDS: Record<ThroughputRange, number> = { lastHour: 60, lastDay: 3600 };
const HEIGHT = 200;
/** Whole numbers only on the count axis. */
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6];

function bucketLabel(at: Date, range: ThroughputRange): string {
  return range === 'lastHour'
    ? at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : at.toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

/** Colours of the theme in effect, from the style sheet's custom properties. */
function themeColours(): Record<'ok' | 'fail' | 'axis' | 'grid', string> {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string) => style.getPropertyValue(name).trim();
  return {
    ok: read('--chart-ok'),
    fail: read('--chart-fail'),
    axis: read('--muted'),
    grid: read('--line'),
  };
}

function chartOptions(
  width: number,
  range: ThroughputRange,
  onHover: (index: number | null) => void,
): uPlot.Options {
  const colours = themeColours();
  const half = STEP_SECONDS[range] / 2;
  const bars = (align: -1 | 1) => uPlot.paths.bars!({ size: [0.42, 24], align, gap: 0 });
  const axis = (extra: Partial<uPlot.Axis> = {}): uPlot.Axis => ({
    stroke: colours.axis,
    grid: { stroke: colours.grid, width: 1 },
    ticks: { stroke: colours.grid, width: 1 },
    ...extra,
  });
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: true, range: (_u, min, max) => [min - half, max + half] },
      y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
    },
    axes: [axis(), axis({ size: 44, incrs: COUNT_STEPS })],
    series: [
      {},
      {
        label: 'Succeeded',
        fill: colours.ok,
        stroke: colours.ok,
        width: 0,
        paths: bars(-1),
        points: { show: false },
      },
      {
        label: 'Failed',
        fill: colours.fail,
        stroke: colours.fail,
        width: 0,
        paths: bars(1),
        points: { show: false },
      },
    ],
    hooks: { setCursor: [(u) => onHover(u.cursor.idx ?? null)] },
  };
}

/**
 * Succeeded and failed jobs per bucket as bars (uPlot on a canvas), with the totals and
 * the bucket under the pointer written out as text beside it. Redrawn in the theme's
 * colours when the theme changes.
 */
export function ThroughputChart({
  buckets,
  range,
}: {
  buckets: readonly ApiThroughputBucket[];
  range: ThroughputRange;
}) {
  const { theme } = useApp();
  const currentTheme = useObserved(theme, () => theme.theme);
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const data = useMemo<uPlot.AlignedData>(
    () => [
      buckets.map((bucket) => new Date(bucket.at).getTime() / 1000),
      buckets.map((bucket) => bucket.succeeded),
      buckets.map((bucket) => bucket.failed),
    ],
    [buckets],
  );
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const element = box.current;
    if (element === null) return undefined;
    const chart = new uPlot(
      chartOptions(element.clientWidth, range, setHovered),
      latest.current,
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => {
      if (element.clientWidth > 0) chart.setSize({ width: element.clientWidth, height: HEIGHT });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [range, currentTheme]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  const totals = buckets.reduce(
    (sum, bucket) => ({
      succeeded: sum.succeeded + bucket.succeeded,
      failed: sum.failed + bucket.failed,
    }),
    { succeeded: 0, failed: 0 },
  );
  const period =
    range === 'lastHour' ? 'per minute over the last hour' : 'per hour over the last day';
  const hoveredBucket = hovered === null ? undefined : buckets[hovered];
  return (
    <div class="chart">
      <div
        class="chart-canvas"
        ref={box}
        role="img"
        aria-label={`Succeeded and failed jobs ${period}: ${totals.succeeded} succeeded, ${totals.failed} failed`}
      />
      <p class="legend">
        <span class="dot bar-succeeded" aria-hidden="true" />
        <span id="chart-succeeded">{totals.succeeded}</span> succeeded
        <span class="dot bar-failed" aria-hidden="true" />
        <span id="chart-failed">{totals.failed}</span> failed
        {hoveredBucket && (
          <span class="readout">
            {bucketLabel(new Date(hoveredBucket.at), range)}: {hoveredBucket.succeeded} succeeded,{' '}
            {hoveredBucket.failed} failed
          </span>
        )}
      </p>
    </div>
  );
}
