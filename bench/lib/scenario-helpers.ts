import { sumCounts, type CommandCounts } from './command-counter';
import type { MetricRow } from './results';
import { repSample, round } from './stats';
import type { SystemName } from '../workers/protocol';

/** Per-rep values of one metric of one case, by system, collected while a scenario runs. */
export class RowCollector {
  private readonly rows = new Map<
    string,
    {
      group: string;
      metric: string;
      unit: string;
      better: 'higher' | 'lower';
      values: Record<SystemName, number[]>;
    }
  >();

  /** Records one value (one rep) of `metric` in `group` for `system`. */
  add(
    system: SystemName,
    group: string,
    metric: string,
    unit: string,
    better: 'higher' | 'lower',
    value: number,
  ): void {
    const key = `${group}\u0000${metric}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { group, metric, unit, better, values: { docket: [], agenda: [] } };
      this.rows.set(key, row);
    }
    row.values[system].push(round(value));
  }

  /** The latest value recorded for `system` in `group`'s `metric`, if any. */
  last(system: SystemName, group: string, metric: string): number | undefined {
    return this.rows.get(`${group}\u0000${metric}`)?.values[system].at(-1);
  }

  /** The rows, in the order their first value came, each with median and spread per system. */
  build(): MetricRow[] {
    return [...this.rows.values()].map((row) => ({
      group: row.group,
      metric: row.metric,
      unit: row.unit,
      better: row.better,
      docket: row.values.docket.length > 0 ? roundSample(row.values.docket) : null,
      agenda: row.values.agenda.length > 0 ? roundSample(row.values.agenda) : null,
    }));
  }
}

function roundSample(values: number[]) {
  const sample = repSample(values);
  return { ...sample, median: round(sample.median) };
}

/** Commands per job by name, rounded (for the breakdown tables). */
export function perJob(counts: CommandCounts, jobs: number): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, n] of Object.entries(counts.byName).sort(([a], [b]) => a.localeCompare(b))) {
    result[name] = round(n / jobs);
  }
  return result;
}

/** Sums the command counts of several workers. */
export { sumCounts };
