import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { useApp } from '../app/app-context';
import { useObserved } from '../live/observable';

const HEIGHT = 200;

/** One series of a {@link TimeChart}. */
export interface ChartSeries {
  readonly label: string;
  /** The style sheet's custom property holding its colour in each theme (`--chart-ok`). */
  readonly colour: string;
  /** One value per bucket; null where there is none (a gap in a line). */
  readonly values: readonly (number | null)[];
}

/** What a {@link TimeChart} draws. */
export interface TimeChartProps {
  /** Start of each bucket (ms since the epoch), oldest first, evenly spaced. */
  readonly times: readonly number[];
  /** Bars side by side (counts: one or two series), or lines with points (measures). */
  readonly kind: 'bars' | 'lines';
  /** Keep it the same object while the data is the same (useMemo): new data redraws. */
  readonly series: readonly ChartSeries[];
  /** The chart in words, with its figures: the accessible name of the canvas. */
  readonly label: string;
  /** Labels of the value axis. @defaultValue the number */
  readonly formatValue?: (value: number) => string;
  /** The increments the value axis may use. @defaultValue uPlot's */
  readonly steps?: number[];
  /** What is written under the chart, given the bucket under the pointer (null: none). */
  readonly legend: (hovered: number | null) => ComponentChildren;
}

/** The theme's colour of a custom property, as the style sheet in effect says. */
function cssColour(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** How wide a bucket is, from the times (a minute when there are too few to say). */
export function bucketStep(times: readonly number[]): number {
  return times.length > 1 ? times[1]! - times[0]! : 60_000;
}

/** The start of a bucket as a reader says it: "14:05", or "Tue 14:00" for hours. */
export function bucketLabel(at: number, stepMs: number): string {
  const date = new Date(at);
  return stepMs < 3_600_000
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

function chartOptions(
  width: number,
  props: TimeChartProps,
  onHover: (index: number | null) => void,
): uPlot.Options {
  const axisColour = cssColour('--muted');
  const gridColour = cssColour('--line');
  const half = bucketStep(props.times) / 2000;
  const count = props.series.length;
  const axis = (extra: Partial<uPlot.Axis> = {}): uPlot.Axis => ({
    stroke: axisColour,
    grid: { stroke: gridColour, width: 1 },
    ticks: { stroke: gridColour, width: 1 },
    ...extra,
  });
  const { formatValue } = props;
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: true, range: (_u, min, max) => [min - half, max + half] },
      y: {
        range: (_u, _min, max) => [0, Number.isFinite(max) ? Math.max(1, Math.ceil(max * 1.1)) : 1],
      },
    },
    axes: [
      axis(),
      axis({
        // One width for every chart, so that charts above one another share their time axis.
        size: 60,
        ...(props.steps ? { incrs: props.steps } : {}),
        ...(formatValue ? { values: (_u, splits) => splits.map(formatValue) } : {}),
      }),
    ],
    series: [
      {},
      ...props.series.map((series, i): uPlot.Series => {
        const colour = cssColour(series.colour);
        if (props.kind === 'lines') {
          return {
            label: series.label,
            stroke: colour,
            width: 2,
            spanGaps: false,
            points: { show: true, size: 6, fill: colour, stroke: colour },
          };
        }
        // Two series stand side by side in their bucket; one fills it.
        const align = count === 2 ? (i === 0 ? -1 : 1) : 0;
        return {
          label: series.label,
          fill: colour,
          stroke: colour,
          width: 0,
          paths: uPlot.paths.bars!({ size: [0.84 / count, 48 / count], align, gap: 0 }),
          points: { show: false },
        };
      }),
    ],
    hooks: { setCursor: [(u) => onHover(u.cursor.idx ?? null)] },
  };
}

/**
 * Series over time on a canvas (uPlot), sized to its box and redrawn in the theme's colours
 * when the theme changes, with the text `legend` writes under it: a chart's figures must
 * also be readable without seeing it.
 */
export function TimeChart(props: TimeChartProps) {
  const { theme } = useApp();
  const currentTheme = useObserved(theme, () => theme.theme);
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const { times, series, kind } = props;
  const data = useMemo<uPlot.AlignedData>(
    () => [times.map((at) => at / 1000), ...series.map((each) => [...each.values])],
    [times, series],
  );
  const latest = useRef({ data, props });
  latest.current = { data, props };
  // What the options depend on: a change of any redraws the chart from scratch.
  const shape = `${kind}:${bucketStep(times)}:${series.map((each) => each.colour).join()}`;

  useEffect(() => {
    const element = box.current;
    if (element === null) return undefined;
    const chart = new uPlot(
      chartOptions(element.clientWidth, latest.current.props, setHovered),
      latest.current.data,
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
  }, [shape, currentTheme]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    <div class="chart">
      <div class="chart-canvas" ref={box} role="img" aria-label={props.label} />
      {props.legend(hovered)}
    </div>
  );
}
