import { pathToFileURL } from 'node:url';
import type { MetricRow } from './results';

/** vega and vega-lite ship as ES modules only: load them with a real dynamic import. */
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

interface VegaLiteModule {
  compile(spec: object): { spec: object };
}
interface VegaModule {
  parse(spec: object): unknown;
  View: new (
    runtime: unknown,
    options: { renderer: 'none' },
  ) => { toSVG(): Promise<string>; finalize(): void };
}

let modules: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined;

function loadModules(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  modules ??= Promise.all([
    importEsm(pathToFileURL(require.resolve('vega')).href),
    importEsm(pathToFileURL(require.resolve('vega-lite')).href),
  ]).then(([vega, vegaLite]) => ({
    vega: vega as VegaModule,
    vegaLite: vegaLite as VegaLiteModule,
  }));
  return modules;
}

const COLORS = { Docket: '#2f6fb0', Agenda: '#d08a2c' } as const;

/**
 * A grouped bar chart of some rows (one group of bars per case, one bar per system, the
 * median as the bar, min–max over repetitions as a rule, the median as a label), rendered
 * to SVG with vega-lite and vega's headless renderer.
 */
export async function renderBarChart(
  title: string,
  rows: readonly MetricRow[],
  options: { logScale?: boolean } = {},
): Promise<string | null> {
  const values: Array<Record<string, string | number>> = [];
  for (const row of rows) {
    for (const [system, sample] of [
      ['Docket', row.docket],
      ['Agenda', row.agenda],
    ] as const) {
      if (!sample || !isFiniteNumber(sample.median)) continue;
      if (options.logScale && sample.median <= 0) continue;
      values.push({
        case: row.group,
        system,
        median: sample.median,
        min: isFiniteNumber(sample.min) ? sample.min : sample.median,
        max: isFiniteNumber(sample.max) ? sample.max : sample.median,
        label: formatLabel(sample.median),
        unit: row.unit,
      });
    }
  }
  if (values.length === 0) return null;
  const unit = rows[0]?.unit ?? '';
  const cases = [...new Set(rows.map((row) => row.group))];
  const x = {
    field: 'case',
    type: 'nominal',
    sort: cases,
    axis: { title: null, labelAngle: 0, labelLimit: 160 },
  };
  const xOffset = { field: 'system', sort: ['Docket', 'Agenda'] };
  const y = {
    field: 'median',
    type: 'quantitative',
    title: unit + (options.logScale ? ' (log scale)' : ''),
    scale: options.logScale ? { type: 'log' } : { zero: true },
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: { step: Math.max(90, Math.min(160, 640 / Math.max(1, cases.length))) },
    height: 240,
    background: 'white',
    data: { values },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          xOffset,
          y,
          color: {
            field: 'system',
            type: 'nominal',
            title: null,
            scale: { domain: Object.keys(COLORS), range: Object.values(COLORS) },
            legend: { orient: 'top' },
          },
          tooltip: [{ field: 'system' }, { field: 'case' }, { field: 'median' }],
        },
      },
      {
        mark: { type: 'rule', color: '#333' },
        encoding: { x, xOffset, y: { ...y, field: 'min' }, y2: { field: 'max' } },
      },
      {
        mark: { type: 'text', dy: -6, fontSize: 9, color: '#222' },
        encoding: { x, xOffset, y: { ...y, field: 'max' }, text: { field: 'label' } },
      },
    ],
  };
  const { vega, vegaLite } = await loadModules();
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function formatLabel(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
