import {
  countUnfinished,
  dbNameFor,
  dropDb,
  lastCompletedAt,
  systemsInOrder,
  waitForCompleted,
  type BenchContext,
} from '../lib/bench-context';
import { sumCounts } from '../lib/command-counter';
import { drainCeiling, type CeilingRun } from '../lib/ceiling-drain-run';
import { standInCpuUsPerJob } from '../lib/cpu-time';
import { addCeilingRows, withCeiling } from '../lib/ceiling-rows';
import { checkExactlyOnce } from '../lib/once-check';
import type { CommandBreakdown, OnceCheck, ScenarioResult } from '../lib/results';
import { RowCollector, perJob } from '../lib/scenario-helpers';
import { heapAfterCollectionMb } from '../lib/server-heap';
import { THROUGHPUT_SETTINGS } from '../lib/settings';
import type { SystemName } from '../workers/protocol';
import { scenarioResult } from './scenario-result';

/** One drain case: a backlog, the worker processes that drain it, and its repetitions. */
interface DrainCase {
  readonly jobs: number;
  readonly processes: number;
  readonly reps: number;
}

/** What one system's drain of one case measured. */
interface DrainRun {
  readonly rate: number;
  readonly commandsPerJob: number;
  /** The largest RSS of the case's workers after the drain (MiB). */
  readonly workerRssMb: number;
  /**
   * The largest heap of the case's workers after the drain and a full garbage collection,
   * the system still running (MiB): what it retains, where RSS also counts what V8 keeps
   * of the heap the drain grew.
   */
  readonly workerHeapMb: number;
  /** The stand-in's heap holding the drained jobs (MiB; null on another server). */
  readonly serverHeapMb: number | null;
  /** The workers' CPU time per job, from their start to the collection of the case (µs). */
  readonly workerCpuUs: number;
  /**
   * The CPU time of the bench's process per job while the workers drained (µs): on the
   * stand-in, which runs here, the server's cost of the system's commands; null otherwise.
   */
  readonly serverCpuUs: number | null;
}

/**
 * Scenario 1: a pre-loaded queue of no-op jobs drained by one process at each backlog size,
 * and by several processes. Throughput runs from the first handler start to the last stored
 * completion; commands are those of the workers' own clients from `start` to the last
 * completion. Each one-process case also drains the same backlog with the batched-claim
 * ceiling (see batch-ceiling.ts), in the same repetition, so that Docket's share of it is a
 * ratio of two runs side by side.
 */
export async function runDrain(ctx: BenchContext): Promise<ScenarioResult> {
  const began = Date.now();
  const { drainSizes, drainJobs, drainProcesses, memoryJobs, shortDrain } = ctx.scale;
  const repsOf = (jobs: number, processes: number) =>
    processes === 1 && jobs <= shortDrain.jobs && ctx.repsOverride === null
      ? Math.max(ctx.reps, shortDrain.reps)
      : ctx.reps;
  const cases: DrainCase[] = [
    ...drainSizes.map((jobs) => ({ jobs, processes: 1, reps: repsOf(jobs, 1) })),
    ...drainProcesses.map((processes) => ({
      jobs: drainJobs,
      processes,
      reps: repsOf(drainJobs, processes),
    })),
  ];
  const rows = new RowCollector();
  const checks: OnceCheck[] = [];
  const commands: CommandBreakdown[] = [];
  // Unmeasured: every system (with all the processes a case uses) drains a small backlog
  // once, so that the first measured case does not also measure the JIT warming up in fresh
  // worker processes and in the server.
  const warmUp = Math.min(1_000, drainSizes[0]);
  const most = Math.max(1, ...drainProcesses);
  for (const system of systemsInOrder(0)) {
    await drainWith(ctx, system, warmUp, most, -1, 'warm-up');
  }
  await drainCeiling(ctx, 'drain', { due: warmUp }, -1);
  const mostReps = Math.max(...cases.map((c) => c.reps));
  for (let rep = 0; rep < mostReps; rep++) {
    for (const { jobs, processes, reps } of cases) {
      if (rep >= reps) continue;
      const group = `${jobs.toLocaleString('en-US')} jobs, ${processes} process${processes === 1 ? '' : 'es'}`;
      const breakdown: Record<SystemName, Record<string, number>> = { docket: {}, agenda: {} };
      const runs: Partial<Record<SystemName, DrainRun>> = {};
      let ceiling: CeilingRun | undefined;
      // The batched-claim ceiling is measured for the one-process cases.
      const order = processes === 1 ? withCeiling(rep) : systemsInOrder(rep);
      for (const system of order) {
        if (system === 'ceiling') {
          ceiling = await drainCeiling(ctx, 'drain', { due: jobs }, rep);
          continue;
        }
        const drained = await drainWith(ctx, system, jobs, processes, rep, group);
        runs[system] = drained.run;
        checks.push(drained.check);
        breakdown[system] = drained.breakdown;
      }
      for (const system of ['docket', 'agenda'] as const) {
        const run = runs[system];
        if (!run) continue;
        rows.add(system, group, 'throughput', 'jobs/s', 'higher', run.rate);
        rows.add(system, group, 'commands per job', 'cmd/job', 'lower', run.commandsPerJob);
        addCpuRows(rows, system, group, run);
        addMemoryRows(rows, system, group, run);
      }
      addCeilingRows(rows, group, 'batched-claim ceiling', ceiling?.rate, runs.docket?.rate);
      if (ceiling) addCpuRows(rows, 'docket', group, ceiling, 'the ceiling: ');
      if (rep === reps - 1) commands.push({ group, ...breakdown });
    }
  }
  // Memory at a backlog larger than any above, Docket alone and once (Agenda would add two
  // minutes per run; a heap after collection varies by about 1 MiB between repetitions).
  if (memoryJobs > Math.max(...drainSizes)) {
    const group = `${memoryJobs.toLocaleString('en-US')} jobs, 1 process`;
    const timeoutMs = (ctx.scale.drainTimeoutMs * memoryJobs) / Math.max(...drainSizes);
    const { run, check } = await drainWith(
      ctx,
      'docket',
      memoryJobs,
      1,
      mostReps,
      group,
      timeoutMs,
    );
    checks.push(check);
    addMemoryRows(rows, 'docket', group, run);
  }
  return scenarioResult(ctx, {
    scenario: 'drain',
    title: 'Drain: a pre-loaded queue of no-op jobs',
    method:
      `No-op jobs are stored first (Docket: \`enqueueMany\`; Agenda, which has no bulk call: ` +
      `clones of what its \`schedule()\` stores, in one \`insertMany\` per 1,000): ` +
      `${drainSizes.map((n) => n.toLocaleString('en-US')).join(', ')} jobs for one worker ` +
      `process, ${drainJobs.toLocaleString('en-US')} for ${drainProcesses.join(' and ')}. ` +
      (mostReps > ctx.reps
        ? `One-process drains of at most ${shortDrain.jobs.toLocaleString('en-US')} jobs, ` +
          `which last well under a second, run ${mostReps} times, the others ${ctx.reps}. `
        : '') +
      `Throughput is jobs / (last stored completion − first handler start). Commands per job: ` +
      `every command of the workers' own clients from their start to the last completion, ` +
      `divided by the jobs (the pre-load's inserts are not counted). The batched-claim ` +
      `ceiling drains the same backlog, stored by Docket, with a loop that sends exactly the ` +
      `commands Docket's storage layer sends for it (a \`find\` of candidates and an ` +
      `\`updateMany\` per claim of 50, one \`bulkWrite\` of the outcomes) and nothing else, ` +
      `one command at a time; the share of the ceiling is Docket's rate over the ceiling's in ` +
      `the same repetition. It tells what Docket's own work around its commands costs; a ` +
      `server that overlaps claims with outcome writes can go past it. CPU per job: the ` +
      `workers' CPU time from their start to the collection of the case, and, on the ` +
      `stand-in (which runs in the bench's process), that process's CPU time from the ` +
      `workers' start to the last completion: the server's cost of the system's commands ` +
      `(the harness's progress reads included); the ceiling's, the same for its loop. ` +
      `Memory: the largest ` +
      `RSS of a case's workers after the drain (a worker process serves every case of its ` +
      `system in turn: its RSS keeps the high-water mark of the heap of the cases before), ` +
      `their largest heap after a full garbage collection with the system still running and ` +
      `the harness's own per-job records dropped (what the system retains), and, on the ` +
      `stand-in (which runs in the bench's process), its heap after a full garbage collection ` +
      `with the drained jobs still stored (the baseline of an empty server included, and its ` +
      `change log, which keeps the latest 100,000 changes of whichever system made them). ` +
      `Docket alone also drains ${memoryJobs.toLocaleString('en-US')} jobs once, for its ` +
      `memory only.`,
    began,
    settings: THROUGHPUT_SETTINGS,
    notes: [],
    rows: rows.build(),
    checks,
    commands,
    charts: [
      {
        id: 'drain-throughput',
        title: 'Drain throughput (jobs/s, higher is better)',
        metric: 'throughput',
      },
      {
        id: 'drain-share',
        title: "Docket's share of the batched-claim ceiling (%, higher is better)",
        metric: 'share of the ceiling',
      },
      {
        id: 'drain-commands',
        title: 'Database commands per job while draining (lower is better)',
        metric: 'commands per job',
      },
    ],
  });
}

/**
 * The CPU rows of a drain: what one job costs the workers and the server, which tells why a
 * ratio is what it is (`prefix` names the ceiling's rows).
 */
function addCpuRows(
  rows: RowCollector,
  system: SystemName,
  group: string,
  run: { readonly workerCpuUs: number; readonly serverCpuUs: number | null },
  prefix = '',
) {
  if (run.serverCpuUs !== null) {
    rows.add(system, group, `${prefix}stand-in CPU per job`, 'µs', 'lower', run.serverCpuUs);
  }
  rows.add(system, group, `${prefix}worker CPU per job`, 'µs', 'lower', run.workerCpuUs);
}

/** The memory rows of one system's drain of one case. */
function addMemoryRows(rows: RowCollector, system: SystemName, group: string, run: DrainRun) {
  rows.add(system, group, 'worker RSS at the end', 'MiB', 'lower', run.workerRssMb);
  rows.add(system, group, 'worker heap after GC', 'MiB', 'lower', run.workerHeapMb);
  if (run.serverHeapMb !== null) {
    rows.add(system, group, 'stand-in heap with the jobs', 'MiB', 'lower', run.serverHeapMb);
  }
}

/** One system's drain of `jobs` by `processes` worker processes, measured. */
async function drainWith(
  ctx: BenchContext,
  system: SystemName,
  jobs: number,
  processes: number,
  rep: number,
  group: string,
  timeoutMs = ctx.scale.drainTimeoutMs,
): Promise<{ run: DrainRun; check: OnceCheck; breakdown: Record<string, number> }> {
  const dbName = dbNameFor('drain', system, rep);
  const workers = ctx.pool.take(system, processes);
  try {
    await Promise.all(
      workers.map((worker) => worker.init({ uri: ctx.uri, dbName, ...THROUGHPUT_SETTINGS })),
    );
    await workers[0].preload({ count: jobs, seqStart: 0, dueInMs: 0 });
    await Promise.all(workers.map((worker) => worker.reset()));
    const cpuAtStart = process.cpuUsage();
    await Promise.all(workers.map((worker) => worker.start()));
    const done = await waitForCompleted(workers, jobs, timeoutMs);
    const serverCpuUs = standInCpuUsPerJob(ctx, cpuAtStart, jobs);
    const endedAt = await lastCompletedAt(workers);
    const collected = await Promise.all(workers.map((worker) => worker.collect()));
    const memory = await Promise.all(workers.map((worker) => worker.memory()));
    const starts = collected.flatMap((c) => c.starts);
    const firstStart = Math.min(...starts.map(([, , startedAt]) => startedAt));
    const counts = sumCounts(collected.map((c) => c.commands));
    const completed = collected.reduce((sum, c) => sum + c.completed, 0);
    await Promise.all(workers.map((worker) => worker.close()));
    const unfinished = await countUnfinished(ctx, system, dbName);
    // The stand-in runs in this process: its heap now holds this drain's finished jobs.
    const serverHeapMb = ctx.server.kind === 'stand-in' ? heapAfterCollectionMb() : null;
    const check = checkExactlyOnce(starts, 0, jobs, {
      system,
      group,
      rep,
      unfinishedInDb: unfinished,
    });
    const rate = done ? completed / ((endedAt - firstStart) / 1000) : 0;
    ctx.log(
      `drain ${group} ${system} rep ${rep + 1}: ${rate.toFixed(0)} jobs/s, ` +
        `${(counts.total / jobs).toFixed(2)} cmd/job${done ? '' : ' (TIMED OUT)'}`,
    );
    return {
      run: {
        rate,
        commandsPerJob: counts.total / jobs,
        workerRssMb: Math.max(...collected.map((c) => c.rssMb)),
        workerHeapMb: Math.max(...memory.map((m) => m.heapAfterGcMb)),
        serverHeapMb,
        workerCpuUs: (1000 * collected.reduce((sum, c) => sum + c.cpuMs, 0)) / jobs,
        serverCpuUs,
      },
      check,
      breakdown: perJob(counts, jobs),
    };
  } finally {
    await dropDb(ctx, dbName);
  }
}
