import type { MetricRow, OnceCheck, ScenarioResult } from './results';
import type { RepSample } from './stats';
import type { TargetLine } from './targets';

/*
 * The report's tables and number formats (see report.ts): one row per case and figure, the
 * commands by name, the exactly-once checks, the targets.
 */

export function metricTable(rows: readonly MetricRow[]): string {
  const lines = [
    '| Case | Figure | Docket | Agenda | Ratio |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.group} | ${row.metric} (${row.unit}) | ${formatSample(row.docket)} | ${formatSample(row.agenda)} | ${formatRatio(advantage(row))} |`,
    );
  }
  return lines.join('\n');
}

export function commandTable(scenario: ScenarioResult): string {
  const lines = ['| Case | Docket | Agenda |', '| --- | --- | --- |'];
  for (const breakdown of scenario.commands) {
    const describe = (counts: Readonly<Record<string, number>>) => {
      const entries = Object.entries(counts);
      return entries.length === 0
        ? '–'
        : entries.map(([name, n]) => `\`${name}\` ${formatNumber(n)}`).join(', ');
    };
    lines.push(
      `| ${breakdown.group} | ${describe(breakdown.docket)} | ${describe(breakdown.agenda)} |`,
    );
  }
  return lines.join('\n');
}

export function checksSection(scenarios: readonly ScenarioResult[]): string {
  const checks: Array<OnceCheck & { scenario: string }> = scenarios.flatMap((s) =>
    s.checks.map((check) => ({ ...check, scenario: s.scenario })),
  );
  if (checks.length === 0) return 'No drain run in these results.';
  const failed = checks.filter((check) => !check.ok);
  const lines = [
    `${checks.length} runs checked (every drain, pickup and recurring run, both systems): ` +
      (failed.length === 0
        ? '**every job ran exactly once** (no duplicate, no job missing, nothing left unfinished in storage).'
        : `**${failed.length} failed** (below).`),
    '',
    '| Scenario | Case | System | Runs | Jobs expected | Ran | Duplicates | Missing | Unfinished in storage | OK |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const groups = new Map<string, Array<OnceCheck & { scenario: string }>>();
  for (const check of checks) {
    const key = `${check.scenario}\u0000${check.group}\u0000${check.system}`;
    groups.set(key, [...(groups.get(key) ?? []), check]);
  }
  for (const list of groups.values()) {
    const sum = (pick: (c: OnceCheck) => number | null) =>
      list.reduce((total, c) => total + (pick(c) ?? 0), 0);
    const unfinishedChecked = list.some((c) => c.unfinishedInDb !== null);
    lines.push(
      `| ${list[0].scenario} | ${list[0].group} | ${list[0].system} | ${list.length} | ${sum((c) => c.expected)} | ` +
        `${sum((c) => c.ran)} | ${sum((c) => c.duplicates)} | ${sum((c) => c.missing)} | ` +
        `${unfinishedChecked ? sum((c) => c.unfinishedInDb) : '–'} | ${list.every((c) => c.ok) ? 'yes' : '**no**'} |`,
    );
  }
  return lines.join('\n');
}

export function targetsTable(targets: readonly TargetLine[]): string {
  const lines = [
    '| Target | Docket | Agenda | Ratio | Met? |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const target of targets) {
    const met = target.met === null ? 'n/a' : target.met ? 'yes' : '**no**';
    lines.push(
      `| ${target.target} | ${formatFigure(target.docket, target.unit)} | ${formatFigure(target.agenda, target.unit)} | ` +
        `${formatRatio(target.ratio)} | ${met}${target.note ? ` (${target.note})` : ''} |`,
    );
  }
  return lines.join('\n');
}

/** Docket's advantage in one row (above 1: Docket better), or null. */
export function advantage(row: MetricRow): number | null {
  const d = row.docket?.median;
  const a = row.agenda?.median;
  if (!isFiniteNumber(d) || !isFiniteNumber(a)) return null;
  if (row.better === 'higher') return a === 0 ? null : d / a;
  if (d === 0) return a === 0 ? 1 : null;
  return a / d;
}

function formatSample(sample: RepSample | null): string {
  if (!sample || !isFiniteNumber(sample.median)) return '–';
  const spread =
    sample.values.length > 1 && isFiniteNumber(sample.min) && isFiniteNumber(sample.max)
      ? ` (${formatNumber(sample.min)}–${formatNumber(sample.max)})`
      : '';
  return `${formatNumber(sample.median)}${spread}`;
}

export function formatFigure(value: number | null, unit: string): string {
  return value === null || !isFiniteNumber(value) ? '–' : `${formatNumber(value)} ${unit}`;
}

function formatRatio(ratio: number | null): string {
  if (ratio === null || !isFiniteNumber(ratio)) return '–';
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×`;
}

export function formatNumber(value: number): string {
  if (!isFiniteNumber(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
}

export function formatDate(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}
