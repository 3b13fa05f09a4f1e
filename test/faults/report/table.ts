import { badCells, type ScenarioResult } from './scenario-result';

const BAD = '✗';

const HEADERS = [
  'scenario',
  'jobs',
  'lost',
  'stuck',
  'wrongly failed',
  'ran more than once (why)',
  'untyped errors',
  'partial writes',
  'limit exceeded (max running/limit)',
  'unhandled rejections',
];

/** A count, marked when it is bad. */
function count(value: number): string {
  return value > 0 ? `${value} ${BAD}` : '0';
}

function reruns(result: ScenarioResult): string {
  const { total, byReason, unexplained } = result.reruns;
  const parts = Object.entries(byReason)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`);
  if (unexplained > 0) parts.push(`unexplained ${unexplained} ${BAD}`);
  const runs = total === 0 ? '0' : `${total}: ${parts.join(', ')}`;
  // Where handlers keep an effect, whether it is there more than once is what counts.
  if (result.doubledEffects === undefined) return runs;
  return `${runs}; effect twice ${count(result.doubledEffects)}`;
}

function limits(result: ScenarioResult): string {
  if (result.limits.length === 0) return '–';
  return result.limits
    .map(
      (check) =>
        `${check.limit} ${check.max}/${check.allowed}${check.max > check.allowed ? ` ${BAD}` : ''}`,
    )
    .join(', ');
}

/** The row of one result, cell by cell. */
export function rowOf(result: ScenarioResult): string[] {
  return [
    result.error === undefined ? result.scenario : `${result.scenario} (failed ${BAD})`,
    String(result.jobs),
    count(result.lost),
    count(result.stuck),
    count(result.wronglyFailed),
    reruns(result),
    count(result.untypedErrors),
    count(result.partialWrites),
    limits(result),
    count(result.unhandled),
  ];
}

/** The results as one Markdown table (padded, so it reads as well in a terminal). */
export function renderTable(results: readonly ScenarioResult[]): string {
  const rows = [HEADERS, ...results.map(rowOf)];
  const widths = HEADERS.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [
    line(rows[0]),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** What each scenario injected, and the examples behind its bad cells. */
export function renderDetails(results: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    const bad = badCells(result);
    const seconds = (result.durationMs / 1000).toFixed(1);
    lines.push(`- ${result.scenario} (${seconds} s): ${result.notes.join('; ') || 'no notes'}`);
    if (bad.length > 0) lines.push(`  bad: ${bad.join(', ')}`);
    for (const finding of result.findings) lines.push(`  - ${finding}`);
  }
  return lines.join('\n');
}
