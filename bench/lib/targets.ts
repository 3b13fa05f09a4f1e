import type { MetricRow, ScenarioResult } from './results';
import {
  TOPOLOGIES,
  scheduledGroup,
  sparseGroup,
  topologyOfGroup,
  type Topology,
} from './topology';

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

/** Evaluates the targets on the results at hand (missing scenarios give no line). */
export function evaluateTargets(scenarios: readonly ScenarioResult[]): TargetLine[] {
  const byName = new Map(scenarios.map((s) => [s.scenario, s]));
  const lines: TargetLine[] = [];
  const drain = byName.get('drain');
  if (drain) {
    const throughput = drain.rows.filter((row) => row.metric === 'throughput');
    const single = throughput.filter((row) => row.group.endsWith(', 1 process'));
    const one = single[0];
    const many = [...throughput].reverse().find((row) => !row.group.endsWith(', 1 process'));
    if (many)
      lines.push(ratioTarget('drain-n', `Drain throughput, ${many.group}: ≥ 5× Agenda's`, many, 5));
    if (one)
      lines.push(ratioTarget('drain-1', `Drain throughput, ${one.group}: ≥ 5× Agenda's`, one, 5));
    const shares = drain.rows.filter((row) => row.metric === 'share of the ceiling');
    const lowest = maxBy(shares, (row) => -(row.docket?.median ?? Number.NaN));
    if (lowest) {
      lines.push(
        absolute(
          'drain-ceiling',
          `Drain at ≥ 80% of the batched-claim ceiling at every backlog size (worst case: ${lowest.group})`,
          lowest,
          (d) => d >= 80,
        ),
      );
    }
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
    const processes = processesTarget(commands);
    if (processes) lines.push(processes);
    const heap = standInHeapTarget(drain);
    if (heap) lines.push(heap);
  }
  if (drain) lines.push(...workerMemoryTargets(drain));
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
    // The open-loop and single-job cases ran on the bench's server, whichever its topology:
    // push pickup serves both now (the sparse cases name theirs and are judged below).
    const cross = maxBy(
      p50.filter((row) => row.group.endsWith(', cross-process')),
      (row) => row.docket?.median ?? Number.NaN,
    );
    if (cross) {
      lines.push(
        absolute(
          'pickup-cross',
          `Pickup p50 < 50 ms cross-process, ${pickup.server.topology} (worst case: ${cross.group})`,
          cross,
          (d) => d < 50,
        ),
      );
    }
  }
  if (pickup) lines.push(...crossProcessTargets(pickup));
  const idle = byName.get('idle');
  if (idle) lines.push(...idleTargets(idle));
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

/**
 * How much more a worker's heap after a full collection holds after draining its largest
 * backlog than after its smallest. A worker that kept one job id per job (a string and a map
 * entry, over 50 bytes) would hold 5 MiB more after 100,000 jobs than after 1,000; between
 * repetitions of one case the figure varies by about 1 MiB.
 */
const WORKER_HEAP_MARGIN_MB = 5;

/**
 * How much larger a worker process's RSS at the end of its largest drain may be than at the
 * end of its smallest, each drained by a process of its own, for its RSS to count as flat.
 */
const WORKER_RSS_MARGIN = 0.1;

/**
 * Docket's worker memory, its largest one-process backlog against its smallest: the heap after
 * a full collection (what it retains) and the RSS at the end of the drain (what the process
 * costs its machine, V8's unused heap included).
 */
function workerMemoryTargets(drain: ScenarioResult): TargetLine[] {
  const lines: TargetLine[] = [];
  const heap = workerGrowth(drain, 'worker heap after GC');
  if (heap) {
    lines.push(
      growthLine(
        'worker-heap',
        `Worker heap after GC at ${heap.largest.group} within ${WORKER_HEAP_MARGIN_MB} MiB of ${heap.smallest.group}`,
        heap,
        heap.growth <= WORKER_HEAP_MARGIN_MB,
        `${heap.base} MiB, ${heap.growth.toFixed(1)} MiB more`,
      ),
    );
  }
  const rss = workerGrowth(drain, 'worker RSS at the end');
  if (rss) {
    const percent = Math.round(100 * WORKER_RSS_MARGIN);
    lines.push(
      growthLine(
        'worker-rss',
        `Worker RSS at the end of ${rss.largest.group} within ${percent}% of ${rss.smallest.group} (a process of its own for each)`,
        rss,
        rss.growth <= WORKER_RSS_MARGIN * rss.base,
        `${rss.base.toFixed(0)} MiB, ${rss.growth.toFixed(0)} MiB more`,
      ),
    );
  }
  return lines;
}

/** A line of Docket's alone about growth from its smallest backlog to its largest. */
function growthLine(
  id: string,
  target: string,
  { smallest, largest }: { smallest: MetricRow; largest: MetricRow },
  met: boolean,
  amounts: string,
): TargetLine {
  return {
    ...absolute(id, target, largest, () => met),
    agenda: null,
    ratio: null,
    note: `${smallest.group}: ${amounts}`,
  };
}

/** A memory metric of Docket's one-process drains: its smallest backlog's and its largest's. */
function workerGrowth(drain: ScenarioResult, metric: string) {
  const rows = drain.rows.filter(
    (row) =>
      row.metric === metric &&
      row.group.endsWith(', 1 process') &&
      finite(row.docket?.median) !== null,
  );
  const jobsOf = (row: MetricRow) => Number.parseInt(row.group.replaceAll(',', ''), 10);
  const smallest = maxBy(rows, (row) => -jobsOf(row));
  const largest = maxBy(rows, jobsOf);
  if (!smallest || !largest || smallest === largest) return undefined;
  const base = smallest.docket!.median;
  return { smallest, largest, base, growth: largest.docket!.median - base };
}

/**
 * Cross-process pickup on an idle server, from the sparse cases: p50 and p99 on a replica set
 * (change stream), p50 on a standalone (notices tail), and how late a job another process
 * scheduled starts, by its p99 (the "within 50 ms of its due time" is a bound on every
 * job: p99 is its reading that one stall of a shared 2-core machine cannot decide alone).
 */
function crossProcessTargets(pickup: ScenarioResult): TargetLine[] {
  const rowOf = (group: string, metric: string) =>
    pickup.rows.find((row) => row.group === group && row.metric === metric);
  const lines: TargetLine[] = [];
  const rs = 'replica set';
  const sa = 'standalone';
  const specs: Array<{ id: string; target: string; group: string; metric: string; max: number }> = [
    {
      id: 'pickup-rs-p50',
      target: 'Cross-process pickup p50 ≤ 15 ms on an idle server, replica set',
      group: sparseGroup(rs),
      metric: 'p50 latency',
      max: 15,
    },
    {
      id: 'pickup-rs-p99',
      target: 'Cross-process pickup p99 ≤ 60 ms on an idle server, replica set',
      group: sparseGroup(rs),
      metric: 'p99 latency',
      max: 60,
    },
    {
      id: 'pickup-standalone-p50',
      target: 'Cross-process pickup p50 ≤ 50 ms on an idle server, standalone (notices)',
      group: sparseGroup(sa),
      metric: 'p50 latency',
      max: 50,
    },
    {
      id: 'scheduled-rs',
      target:
        'A job scheduled by another process starts ≤ 50 ms after its due time (p99), replica set',
      group: scheduledGroup(rs),
      metric: 'p99 lateness',
      max: 50,
    },
    {
      id: 'scheduled-standalone',
      target:
        'A job scheduled by another process starts ≤ 50 ms after its due time (p99), standalone',
      group: scheduledGroup(sa),
      metric: 'p99 lateness',
      max: 50,
    },
  ];
  for (const spec of specs) {
    const row = rowOf(spec.group, spec.metric);
    lines.push(
      row
        ? absolute(spec.id, spec.target, row, (d) => d <= spec.max)
        : notMeasured(spec.id, spec.target, 'ms', pickup, spec.group),
    );
  }
  return lines;
}

/** The drain whose stand-in heap the target bounds, and the bound (MiB). */
const HEAP_DRAIN_GROUP = '50,000 jobs, 1 process';
const HEAP_LIMIT_MB = 200;

/**
 * The stand-in's heap after a full collection, holding the 50,000 jobs Docket drained (the
 * drain's one-process case at that size; the stand-in is the bench's server, so it has the
 * bench's topology). No line on another server, which reports no heap.
 */
function standInHeapTarget(drain: ScenarioResult): TargetLine | undefined {
  const heaps = drain.rows.filter((row) => row.metric === 'stand-in heap with the jobs');
  if (heaps.length === 0) return undefined;
  const target = `Stand-in heap holding 50,000 drained jobs < ${HEAP_LIMIT_MB} MiB, ${drain.server.topology}`;
  const row = heaps.find((r) => r.group === HEAP_DRAIN_GROUP);
  if (row) return absolute('stand-in-heap', target, row, (d) => d < HEAP_LIMIT_MB);
  return {
    id: 'stand-in-heap',
    target,
    label: HEAP_DRAIN_GROUP,
    unit: 'MiB',
    docket: null,
    agenda: null,
    ratio: null,
    met: null,
    note: `no ${HEAP_DRAIN_GROUP} drain in these results (${drain.scale} scale)`,
  };
}

/**
 * Several processes draining one backlog cost no more commands per job than one process (the
 * worst several-process case, against the one-process case of the nearest backlog size).
 */
function processesTarget(commands: readonly MetricRow[]): TargetLine | undefined {
  const single = commands.filter((row) => row.group.endsWith(', 1 process'));
  const worst = maxBy(
    commands.filter((row) => !row.group.endsWith(', 1 process')),
    (row) => row.docket?.median ?? Number.NaN,
  );
  const jobsOf = (row: MetricRow) => Number.parseInt(row.group.replace(/,/g, ''), 10);
  const one = worst && maxBy(single, (row) => -Math.abs(jobsOf(row) - jobsOf(worst)));
  const several = finite(worst?.docket?.median);
  const alone = finite(one?.docket?.median);
  if (!worst || !one || several === null || alone === null) return undefined;
  return {
    id: 'commands-processes',
    target: `Several processes: commands per job ≤ one process's (${worst.group} against ${one.group})`,
    label: worst.group,
    unit: worst.unit,
    docket: several,
    agenda: null,
    ratio: several > 0 ? alone / several : null,
    met: several <= alone,
    note: `one process: ${alone.toFixed(3)} ${worst.unit}, ${worst.group}: ${several.toFixed(3)}`,
  };
}

/** Idle cost per server process, on each topology. */
function idleTargets(idle: ScenarioResult): TargetLine[] {
  return TOPOLOGIES.map((topology) => {
    const id = `idle-${topology.replace(' ', '-')}`;
    const target = `Idle cost ≤ 2 commands/s per server process, ${topology}`;
    const row = idle.rows.find(
      (r) =>
        r.metric === 'commands per second per process' && topologyOfGroup(r.group) === topology,
    );
    // Results from before the idle cases named their topology measured the server's only.
    const legacy =
      idle.server.topology === topology
        ? idle.rows.find(
            (r) => r.metric === 'commands per second per process' && !topologyOfGroup(r.group),
          )
        : undefined;
    const found = row ?? legacy;
    return found
      ? absolute(id, target, found, (d) => d <= 2)
      : notMeasured(id, target, 'cmd/s', idle, topology);
  });
}

/** A target whose case is missing from the results: which topology the run lacked. */
function notMeasured(
  id: string,
  target: string,
  unit: string,
  scenario: ScenarioResult,
  group: string,
): TargetLine {
  const topology = topologyOfGroup(group) ?? group;
  const measured = scenario.topologies ?? [scenario.server.topology];
  return {
    id,
    target,
    label: group,
    unit,
    docket: null,
    agenda: null,
    ratio: null,
    met: null,
    note: measured.includes(topology as Topology)
      ? 'not in these results: rerun the scenario'
      : `the run measured ${measured.join(' and ')} only`,
  };
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
