import type { JobServerOptions } from '../../../src';
import { Findings, emptyResult, type ScenarioResult } from '../report/scenario-result';
import {
  analyseBatches,
  analyseJobs,
  leftoverServers,
  type AnalysisOptions,
} from '../support/analysis';
import { FaultLog } from '../support/fault-log';
import { Fleet, type FleetOptions } from '../support/fleet';
import type { Rng } from '../support/rng';
import { ScenarioDb, type RunContext } from '../support/scenario-db';
import { WorkJob } from '../workers/fault-jobs';

/*
 * Sweeps no more often than the scenarios need: every recovery sweep also reads which job
 * types wait unhandled (an aggregate over the jobs), and a dozen workers sweeping twice a
 * second keep a stand-in on a shared machine busy enough to lose leases by itself.
 */
const COMMON_SERVER = {
  concurrency: 8,
  pollIntervalMs: 250,
  minPollIntervalMs: 10,
  shutdownGraceMs: 1_000,
  abortGraceMs: 300,
  queueRefreshIntervalMs: 5_000,
  claimBatchSize: 10,
  recurring: false,
} as const satisfies JobServerOptions;

/**
 * Leases long enough that only what a scenario injects takes them (a loaded machine that
 * does not run a worker for a second or two does not): kills, stops, clock skew.
 */
export const STEADY_SERVER = {
  ...COMMON_SERVER,
  leaseMs: 6_000,
  heartbeatIntervalMs: 1_000,
  recoveryIntervalMs: 2_000,
} as const satisfies JobServerOptions;

/** Short leases, for the scenarios about losing them: pauses, network and server faults. */
export const SHORT_LEASE_SERVER = {
  ...COMMON_SERVER,
  leaseMs: 2_000,
  heartbeatIntervalMs: 400,
  recoveryIntervalMs: 1_000,
} as const satisfies JobServerOptions;

/** What a scenario's body works with. */
export interface ScenarioKit {
  readonly run: RunContext;
  readonly rng: Rng;
  readonly result: ScenarioResult;
  readonly findings: Findings;
  readonly faults: FaultLog;
  readonly db: ScenarioDb;
  /** A fleet of worker processes on the scenario's database (stopped by `finish`). */
  fleet(options?: Partial<Omit<FleetOptions, 'pool' | 'dbName' | 'faults'>>): Fleet;
  /**
   * Waits for every job to finish (jobs still unfinished when none finished for 20 s, 60 s in
   * the full suite, are stuck), stops every fleet gracefully, then judges storage and
   * invocations; with `checkLeftovers`, server registrations left behind count as partial
   * writes.
   */
  finish(options: { analysis: AnalysisOptions; checkLeftovers?: boolean }): Promise<void>;
  note(message: string): void;
}

/**
 * Runs one scenario on a database of its own and turns whatever happens into a row: the
 * fleets' reports (errors, unhandled rejections, crashes), the runner's unhandled
 * rejections, and the scenario's own failure, if any. Every worker is gone afterwards.
 */
export async function runScenario(
  run: RunContext,
  name: string,
  body: (kit: ScenarioKit) => Promise<void>,
  options: { producerUri?: string; keep?: boolean } = {},
): Promise<ScenarioResult> {
  const began = Date.now();
  const unhandledBefore = run.runnerUnhandled();
  const result = emptyResult(name);
  const findings = new Findings();
  const faults = new FaultLog();
  const fleets: Fleet[] = [];
  run.log(`${name}: starting`);
  const db = await ScenarioDb.open(run, name, options.producerUri);
  const kit: ScenarioKit = {
    run,
    rng: run.rng.fork(name),
    result,
    findings,
    faults,
    db,
    fleet: (overrides = {}) => {
      const fleet = new Fleet({
        pool: run.pool,
        dbName: db.dbName,
        uri: run.uri,
        server: STEADY_SERVER,
        faults,
        ...overrides,
      });
      fleets.push(fleet);
      return fleet;
    },
    finish: async ({ analysis, checkLeftovers }) => {
      const since = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)} s`;
      let t = Date.now();
      const idleMs = run.quick ? 20_000 : 60_000;
      const drained = await db.waitUntilFinished({ idleMs, capMs: run.quick ? 90_000 : 600_000 });
      if (!drained) kit.note(`not drained: no job finished for ${idleMs / 1000} s`);
      // Batches end after their jobs, while the workers still run: their recovery sweep ends
      // a batch whose last count was lost with a killed worker.
      if (!(await db.waitUntilBatchesEnded(idleMs))) {
        kit.note(`batches not ended ${idleMs / 1000} s after the drain`);
      }
      run.log(`${name}: faults over ${since(began)} after the start, drained in ${since(t)}`);
      t = Date.now();
      await Promise.all(fleets.map((fleet) => fleet.stopAll()));
      run.log(`${name}: workers stopped in ${since(t)}`);
      // A stalled runner (it may host the stand-in) delays every worker's commands.
      for (const stall of run.stalls.after(began)) {
        faults.add({ ...stall, kind: 'stalled', pid: null, what: 'the runner did not run' });
      }
      for (const stall of run.latency.after(began)) {
        faults.add({ ...stall, kind: 'stalled', pid: null, what: 'the database answered late' });
      }
      const stalls = faults.all().filter((w) => w.kind === 'stalled');
      if (stalls.length > 0) {
        const total = stalls.reduce((sum, w) => sum + (w.to - w.from), 0);
        kit.note(
          `machine: ${stalls.length} stalls or slow answers (${(total / 1000).toFixed(1)} s in all, ` +
            `longest ${Math.max(...stalls.map((w) => w.to - w.from))} ms)`,
        );
      }
      await analyseJobs(result, db, faults, findings, analysis);
      await analyseBatches(result, db, findings);
      if (db.batches.size > 0) kit.note(`${db.batches.size} of the waves were batches`);
      const workers = new Map(fleets.flatMap((fleet) => fleet.members).map((m) => [m.pid, m.id]));
      result.faultLog = faults.all().map((w) => ({
        kind: w.kind,
        worker: w.pid === null ? null : (workers.get(w.pid) ?? String(w.pid)),
        from: w.from - began,
        to: w.to === Infinity ? null : w.to - began,
        what: w.what,
      }));
      if (checkLeftovers) {
        for (const fleet of fleets)
          result.partialWrites += await leftoverServers(db, fleet, findings);
      }
    },
    note: (message) => result.notes.push(message),
  };
  try {
    await body(kit);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    findings.add(
      'scenario failed',
      error instanceof Error ? (error.stack ?? error.message) : result.error,
    );
  } finally {
    for (const fleet of fleets) {
      await fleet.killAll();
      const { reports } = fleet;
      result.untypedErrors += reports.untypedErrors;
      result.unhandled += reports.unhandled;
      // A worker that does not stop after SIGTERM is stuck as surely as a job.
      result.stuck += reports.hungStops;
      for (const finding of reports.findings.list()) findings.add('worker', finding);
    }
    const typed = new Map<string, { count: number; example: string }>();
    for (const fleet of fleets) {
      for (const [kind, { count, example }] of fleet.reports.typedByKind) {
        const entry = typed.get(kind) ?? { count: 0, example };
        entry.count += count;
        typed.set(kind, entry);
      }
    }
    if (typed.size > 0) {
      const top = [...typed].sort((a, b) => b[1].count - a[1].count);
      kit.note(
        `typed error events: ${top
          .slice(0, 4)
          .map(([kind, { count, example }]) => `${count}× ${kind} "${example.slice(0, 80)}"`)
          .join(', ')}${top.length > 4 ? ', …' : ''}`,
      );
    }
    const crashes = fleets.reduce((sum, f) => sum + f.reports.unexpectedExits, 0);
    if (crashes > 0) {
      result.unhandled += crashes;
      kit.note(`${crashes} workers exited on their own`);
    }
    result.untypedErrors += db.refused.untyped;
    if (db.refused.typed > 0) kit.note(`${db.refused.typed} enqueues refused with a typed error`);
    await db.close(options.keep ?? run.keep);
    result.unhandled += run.runnerUnhandled() - unhandledBefore;
    result.findings = findings.list();
    result.durationMs = Date.now() - began;
    run.log(`${name}: done in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }
  return result;
}

/** `count` work jobs of `minMs`..`maxMs`, a share of them honouring their signal. */
export function workJobs(
  rng: Rng,
  count: number,
  {
    minMs,
    maxMs,
    honourShare = 0.5,
    first = 0,
  }: {
    minMs: number;
    maxMs: number;
    honourShare?: number;
    first?: number;
  },
): WorkJob[] {
  return Array.from({ length: count }, (_, i) =>
    Object.assign(new WorkJob(), {
      n: first + i,
      ms: rng.int(minMs, maxMs),
      honour: rng.chance(honourShare),
    }),
  );
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
