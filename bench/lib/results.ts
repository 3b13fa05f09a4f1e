import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MachineInfo } from './machine';
import type { RepSample } from './stats';

/** The server every scenario of a run used. */
export interface ServerInfo {
  /** `mongod`, `stand-in` or `external` (MONGODB_URI). */
  readonly kind: string;
  readonly reason: string;
  readonly version: string;
  /** A replica set (change streams possible) or a standalone. */
  readonly topology: 'replica set' | 'standalone';
  /** Raw `findOneAndUpdate` per second from one client process (see ceiling-probe.ts). */
  readonly ceiling: {
    readonly claimPerSec: number;
    readonly pointPerSec: number;
    readonly docs: number;
    readonly concurrency: number;
    /**
     * When the server is the stand-in, the same probe against a stand-in in the other mode:
     * in replica-set mode (cluster time on every reply, retryable writes, the change log)
     * when the server is a standalone, and in standalone mode when it is a replica set.
     */
    readonly replicaSet?: ProbedCeiling;
    readonly standalone?: ProbedCeiling;
    /**
     * With both modes: the replica-set mode's claim-shaped rate over the standalone mode's,
     * the median of the ratios of windows measured side by side (see ceiling-probe.ts).
     */
    readonly replicaSetClaimRatio?: number;
  };
}

/** One ceiling probe's figures. */
export interface ProbedCeiling {
  readonly claimPerSec: number;
  readonly pointPerSec: number;
}

/** The stand-in's ceilings in both modes, and the replica-set mode's claim-shaped share. */
export interface CeilingsByMode {
  readonly standalone: ProbedCeiling;
  readonly replicaSet: ProbedCeiling;
  /** Replica-set claim-shaped rate over standalone (paired windows; older runs: of medians). */
  readonly claimRatio: number;
}

/**
 * The stand-in's ceilings in both modes, when a run probed both: what its replica-set mode
 * costs against its standalone mode.
 */
export function ceilingsByMode(server: ServerInfo): CeilingsByMode | undefined {
  const { ceiling } = server;
  const withRatio = (standalone: ProbedCeiling, replicaSet: ProbedCeiling): CeilingsByMode => ({
    standalone,
    replicaSet,
    claimRatio: ceiling.replicaSetClaimRatio ?? replicaSet.claimPerSec / standalone.claimPerSec,
  });
  if (server.topology === 'standalone' && ceiling.replicaSet) {
    return withRatio(ceiling, ceiling.replicaSet);
  }
  if (server.topology === 'replica set' && ceiling.standalone) {
    return withRatio(ceiling.standalone, ceiling);
  }
  return undefined;
}

/** One figure of one case, for both systems (null: not applicable to that system). */
export interface MetricRow {
  /** The case within the scenario: `1 process`, `200 jobs/s cross-process`... */
  readonly group: string;
  readonly metric: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly docket: RepSample | null;
  readonly agenda: RepSample | null;
}

/** The exactly-once check of one run. */
export interface OnceCheck {
  readonly system: string;
  readonly group: string;
  readonly rep: number;
  readonly expected: number;
  /** Distinct jobs whose handler ran. */
  readonly ran: number;
  /** Handler runs beyond the first of a job. */
  readonly duplicates: number;
  /** Expected jobs that never ran. */
  readonly missing: number;
  /** Jobs storage still holds as unfinished after the run (null: not checked). */
  readonly unfinishedInDb: number | null;
  readonly ok: boolean;
}

/** Commands per job by command name, for both systems, in one case. */
export interface CommandBreakdown {
  readonly group: string;
  readonly docket: Readonly<Record<string, number>>;
  readonly agenda: Readonly<Record<string, number>>;
}

/** A chart of some rows: one bar per group and system. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** Rows with this metric are charted. */
  readonly metric: string;
  readonly logScale?: boolean;
}

/** What one scenario wrote: `bench/results/<scenario>.json`. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly title: string;
  /** What was measured and how (Markdown). */
  readonly method: string;
  readonly generatedAt: string;
  readonly durationMs: number;
  readonly scale: string;
  readonly reps: number;
  readonly machine: MachineInfo;
  readonly server: ServerInfo;
  /**
   * The topologies the scenario measured, the bench server's first (absent in results of
   * scenarios that measure only the bench server's).
   */
  readonly topologies?: readonly ServerInfo['topology'][];
  readonly settings: { readonly docket: unknown; readonly agenda: unknown };
  readonly notes: readonly string[];
  readonly rows: readonly MetricRow[];
  readonly checks: readonly OnceCheck[];
  readonly commands: readonly CommandBreakdown[];
  readonly charts: readonly ChartSpec[];
}

/** What a whole run wrote: `bench/results/run.json`. */
export interface RunSummary {
  readonly generatedAt: string;
  readonly durationMs: number;
  readonly scale: string;
  readonly quick: boolean;
  /** Repetitions, by scenario. */
  readonly reps: Readonly<Record<string, number>>;
  readonly scenarios: readonly string[];
  readonly machine: MachineInfo;
  readonly server: ServerInfo;
  /**
   * The topologies the scenarios that compare them could use: the server's, and the other
   * one when a second stand-in ran beside it (absent in older runs: the server's alone).
   */
  readonly topologies?: readonly ServerInfo['topology'][];
}

/** Writes one JSON file (pretty, with a trailing newline). */
export async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

/** Reads the run summary and the results of the scenarios in `order` from a results directory. */
export async function readResults(
  dir: string,
  order: readonly string[],
): Promise<{ run: RunSummary | null; scenarios: ScenarioResult[] }> {
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return { run: null, scenarios: [] };
  }
  const scenarios: ScenarioResult[] = [];
  let run: RunSummary | null = null;
  for (const name of names) {
    // Other tools may keep their own JSON here: read only the run and the known scenarios.
    if (name !== 'run.json' && !order.some((scenario) => name === `${scenario}.json`)) continue;
    const parsed = JSON.parse(await readFile(join(dir, name), 'utf8')) as unknown;
    if (name === 'run.json') run = parsed as RunSummary;
    else scenarios.push(parsed as ScenarioResult);
  }
  scenarios.sort((a, b) => rank(order, a.scenario) - rank(order, b.scenario));
  return { run, scenarios };
}

function rank(order: readonly string[], name: string): number {
  const at = order.indexOf(name);
  return at < 0 ? order.length : at;
}
