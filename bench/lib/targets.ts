import type { MetricRow, ScenarioResult } from './results';

/** One target of the issue, evaluated on a run's results. */
export interface TargetLine {
  readonly id: string;
  readonly target: string;
  /** The case the figures come from (e.g. `4 processes`). */
  readonly label: string;
  readonly unit: string;
  readonly docket: number | null;
  readonly agenda: number | null;
  /** Docket's advantage (above 1: Docket better). */
  readonly ratio: number | null;
  /** null: cannot be told from these results. */
  readonly met: boolean | null;
  readonly note?: string;
}

/** Docket's idle poll interval (the cross-process pickup bound on a standalone server). */
const IDLE_POLL_MS = 1000;

/** Evaluates the targets on the results at hand (missing scenarios give no line). */
export function evaluateTargets(scenarios: readonly ScenarioResult[]): TargetLine[] {
  const byName = new Map(scenarios.map((s) => [s.scenario, s]));
  const lines: TargetLine[] = [];
  const drain = byName.get('drain');
  if (drain) {
    const throughput = drain.rows.filter((row) => row.metric === 'throughput');
    const one = throughput.find((row) => row.group.startsWith('1 '));
    const many = [...throughput].reverse().find((row) => !row.group.startsWith('1 '));
    if (many)
      lines.push(ratioTarget('drain-n', `Drain throughput, ${many.group}: ≥ 5× Agenda's`, many, 5));
    if (one)
      lines.push(ratioTarget('drain-1', `Drain throughput, ${one.group}: ≥ 3× Agenda's`, one, 3));
    const commands = drain.rows.filter((row) => row.metric === 'commands per job');
    const worst = maxBy(commands, (row) => row.docket?.median ?? Number.NaN);
    if (worst) {
      lines.push(
        absolute(
          'commands-drain',
          `≤ 0.5 database commands per job while draining (worst case: ${worst.group})`,
          worst,
          (d) => d <= 0.5,
        ),
      );
    }
  }
  const pickup = byName.get('pickup');
  if (pickup) {
    // Low load: the lowest arrival rate, in-process and cross-process; the worse of the two.
    const rateOf = (row: MetricRow) =>
      /^[\d.]+ jobs\/s/.test(row.group) ? Number.parseFloat(row.group) : Number.NaN;
    const rates = pickup.rows.map(rateOf).filter(Number.isFinite);
    const lowest = Math.min(...rates);
    const lowLoad = maxBy(
      pickup.rows.filter((row) => row.metric === 'commands per job' && rateOf(row) === lowest),
      (row) => row.docket?.median ?? Number.NaN,
    );
    if (lowLoad) {
      lines.push(
        absolute(
          'commands-low',
          `≤ 3 commands per job at low load (worst case: ${lowLoad.group})`,
          lowLoad,
          (d) => d <= 3,
        ),
      );
    }
    const p50 = pickup.rows.filter((row) => row.metric === 'p50 latency');
    const inProcess = maxBy(
      p50.filter((row) => row.group.endsWith('in-process')),
      (row) => row.docket?.median ?? Number.NaN,
    );
    if (inProcess) {
      lines.push(
        absolute(
          'pickup-in',
          `Pickup p50 ≤ 10 ms in-process (worst case: ${inProcess.group})`,
          inProcess,
          (d) => d <= 10,
        ),
      );
    }
    const crossRows = p50.filter((row) => row.group.endsWith('cross-process'));
    const cross = maxBy(crossRows, (row) => row.docket?.median ?? Number.NaN);
    if (cross) {
      const replicaSet = pickup.server.topology === 'replica set';
      lines.push(
        replicaSet
          ? absolute(
              'pickup-cross',
              `Pickup p50 < 50 ms cross-process, replica set (worst case: ${cross.group})`,
              cross,
              (d) => d < 50,
            )
          : absolute(
              'pickup-cross',
              `Pickup p50 ≤ the idle poll interval (${IDLE_POLL_MS} ms) cross-process, standalone (worst case: ${cross.group})`,
              cross,
              (d) => d <= IDLE_POLL_MS,
            ),
      );
      if (!replicaSet) {
        lines.push({
          id: 'pickup-cross-rs',
          target: 'Pickup p50 < 50 ms cross-process where a replica set allows change streams',
          label: '',
          unit: 'ms',
          docket: null,
          agenda: null,
          ratio: null,
          met: null,
          note: 'this server is a standalone: not measurable here',
        });
      }
    }
  }
  const idle = byName
    .get('idle')
    ?.rows.find((row) => row.metric === 'commands per second per process');
  if (idle)
    lines.push(
      absolute('idle', 'Idle cost ≤ 2 commands/s per server process', idle, (d) => d <= 2),
    );
  const recurring = byName.get('recurring');
  if (recurring) {
    const row = (metric: string) => recurring.rows.find((r) => r.metric === metric);
    const duplicates = row('duplicates');
    const misses = row('misses');
    const drift = row('drift p99');
    if (duplicates)
      lines.push(absolute('rec-dup', 'Recurring: no duplicates', duplicates, (d) => d === 0));
    if (misses) lines.push(absolute('rec-miss', 'Recurring: no misses', misses, (d) => d === 0));
    if (drift)
      lines.push(
        absolute('rec-drift', 'Recurring: p99 start drift ≤ 250 ms', drift, (d) => d <= 250),
      );
  }
  return lines;
}

function ratioTarget(id: string, target: string, row: MetricRow, atLeast: number): TargetLine {
  const d = row.docket?.median ?? null;
  const a = row.agenda?.median ?? null;
  const ratio = d !== null && a !== null && a > 0 ? d / a : null;
  return {
    id,
    target,
    label: row.group,
    unit: row.unit,
    docket: d,
    agenda: a,
    ratio,
    met: ratio === null ? null : ratio >= atLeast,
  };
}

function absolute(
  id: string,
  target: string,
  row: MetricRow,
  ok: (docket: number) => boolean,
): TargetLine {
  const d = finite(row.docket?.median);
  const a = finite(row.agenda?.median);
  let ratio: number | null = null;
  if (d !== null && a !== null) {
    if (row.better === 'higher') ratio = a > 0 ? d / a : null;
    else ratio = d > 0 ? a / d : a === 0 ? 1 : null;
  }
  return {
    id,
    target,
    label: row.group,
    unit: row.unit,
    docket: d,
    agenda: a,
    ratio,
    met: d === null ? null : ok(d),
  };
}

function finite(value: number | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function maxBy<T>(items: readonly T[], key: (item: T) => number): T | undefined {
  let best: T | undefined;
  let bestKey = -Infinity;
  for (const item of items) {
    const k = key(item);
    if (Number.isFinite(k) && k > bestKey) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}
