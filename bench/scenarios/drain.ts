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
import { spawnWorkers, type WorkerHandle } from '../lib/worker-pool';
import { THROUGHPUT_SETTINGS } from '../lib/settings';
import type { StartRecord, SystemName } from '../workers/protocol';
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
  /** The workers' CPU time per job, from their start to the collection of the case (µs). */
  readonly workerCpuUs: number;
  /**
   * The CPU time of the bench's process per job while the workers drained (µs): on the
   * stand-in, which runs here, the server's cost of the system's commands; null otherwise.
   */
  readonly serverCpuUs: number | null;
}

/** What a fresh worker process of one system held after draining one backlog alone. */
interface MemoryRun {
  /** Its RSS at the end of the drain (MiB). */
  readonly workerRssMb: number;
  /** Its largest RSS during the drain, sampled every 200 ms (MiB). */
  readonly workerPeakRssMb: number;
  /**
   * Its heap after the drain and a full garbage collection, the system still running (MiB):
   * what it retains, where RSS also counts what V8 keeps of the heap the drain grew.
   */
  readonly workerHeapMb: number;
  /** The stand-in's heap holding the drained jobs (MiB; null on another server). */
  readonly serverHeapMb: number | null;
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
      }
      addCeilingRows(rows, group, 'batched-claim ceiling', ceiling?.rate, runs.docket?.rate);
      if (ceiling) addCpuRows(rows, 'docket', group, ceiling, 'the ceiling: ');
      if (rep === reps - 1) commands.push({ group, ...breakdown });
    }
  }
  // Memory, in a pass of its own: a full collection forced in a worker slowed its next
  // drain, and a worker that served the cases before keeps their high-water mark in its RSS.
  const memorySizes = [...new Set([...drainSizes, memoryJobs])].sort((a, b) => a - b);
  for (const jobs of memorySizes) {
    const group = `${jobs.toLocaleString('en-US')} jobs, 1 process`;
    // Agenda drains the largest backlog too slowly to add it to every run.
    const systems = jobs > Math.max(...drainSizes) ? (['docket'] as const) : systemsInOrder(0);
    for (const system of systems) {
      const { run, check } = await memoryWith(ctx, system, jobs, mostReps, group);
      checks.push(check);
      addMemoryRows(rows, system, group, run);
    }
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
      `Memory is measured in a pass of its own after the repetitions, once per backlog size ` +
      `(${memorySizes.map((n) => n.toLocaleString('en-US')).join(', ')} jobs; Agenda up to ` +
      `${Math.max(...drainSizes).toLocaleString('en-US')}): a worker of the pool stores the ` +
      `backlog, and a worker process started for the case drains it alone. Its RSS at the end ` +
      `and at its largest (sampled every 200 ms), its heap after a full garbage collection with ` +
      `the system still running (what the system retains), and, on the stand-in (which runs in ` +
      `the bench's process), the stand-in's heap after a full garbage collection with the ` +
      `drained jobs still stored (the baseline of an empty server included, and its change ` +
      `log, which keeps the latest 100,000 changes of whichever system made them). Workers ` +
      `run compiled JavaScript, as deployed; the harness keeps 24 bytes per job started in ` +
      `each, outside V8's heap.`,
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

/** The memory rows of one system's drain of one backlog. */
function addMemoryRows(rows: RowCollector, system: SystemName, group: string, run: MemoryRun) {
  rows.add(system, group, 'worker RSS at the end', 'MiB', 'lower', run.workerRssMb);
  rows.add(system, group, 'worker peak RSS', 'MiB', 'lower', run.workerPeakRssMb);
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
    const done = await waitForCompleted(workers, jobs, ctx.scale.drainTimeoutMs);
    const serverCpuUs = standInCpuUsPerJob(ctx, cpuAtStart, jobs);
    const endedAt = await lastCompletedAt(workers);
    const collected = await Promise.all(workers.map((worker) => worker.collect()));
    const starts = collected.flatMap((c) => c.starts);
    const firstStart = Math.min(...starts.map(([, , startedAt]) => startedAt));
    const counts = sumCounts(collected.map((c) => c.commands));
    const completed = collected.reduce((sum, c) => sum + c.completed, 0);
    const check = await closeAndCheck(ctx, workers, system, dbName, starts, jobs, group, rep);
    const rate = done ? completed / ((endedAt - firstStart) / 1000) : 0;
    ctx.log(
      `drain ${group} ${system} rep ${rep + 1}: ${rate.toFixed(0)} jobs/s, ` +
        `${(counts.total / jobs).toFixed(2)} cmd/job${done ? '' : ' (TIMED OUT)'}`,
    );
    return {
      run: {
        rate,
        commandsPerJob: counts.total / jobs,
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

/**
 * One system's drain of `jobs` by a worker process started for it, for its memory alone: a
 * worker of the pool stores the backlog, so that the one measured holds nothing but what
 * draining it left.
 */
async function memoryWith(
  ctx: BenchContext,
  system: SystemName,
  jobs: number,
  rep: number,
  group: string,
): Promise<{ run: MemoryRun; check: OnceCheck }> {
  const dbName = dbNameFor('drain-memory', system, rep);
  const [loader] = ctx.pool.take(system, 1);
  const [worker] = await spawnWorkers(system, 1, `${system}-memory`);
  const timeoutMs = Math.max(
    ctx.scale.drainTimeoutMs,
    (ctx.scale.drainTimeoutMs * jobs) / Math.max(...ctx.scale.drainSizes),
  );
  try {
    await loader.init({ uri: ctx.uri, dbName, ...THROUGHPUT_SETTINGS });
    await loader.preload({ count: jobs, seqStart: 0, dueInMs: 0 });
    await loader.close();
    await worker.init({ uri: ctx.uri, dbName, ...THROUGHPUT_SETTINGS });
    await worker.reset();
    await worker.start();
    const done = await waitForCompleted([worker], jobs, timeoutMs);
    const collected = await worker.collect();
    const memory = await worker.memory();
    const check = await closeAndCheck(
      ctx,
      [worker],
      system,
      dbName,
      collected.starts,
      jobs,
      `${group}, memory`,
      rep,
    );
    // The stand-in runs in this process: its heap now holds this drain's finished jobs.
    const serverHeapMb = ctx.server.kind === 'stand-in' ? heapAfterCollectionMb() : null;
    ctx.log(
      `drain memory ${group} ${system}: RSS ${collected.rssMb.toFixed(0)} MiB ` +
        `(peak ${collected.rssPeakMb.toFixed(0)}), heap after GC ` +
        `${memory.heapAfterGcMb.toFixed(1)} MiB${done ? '' : ' (TIMED OUT)'}`,
    );
    return {
      run: {
        workerRssMb: collected.rssMb,
        workerPeakRssMb: collected.rssPeakMb,
        workerHeapMb: memory.heapAfterGcMb,
        serverHeapMb,
      },
      check,
    };
  } finally {
    await worker.dispose();
    await dropDb(ctx, dbName);
  }
}

/** Closes a drain's workers, then checks that each of its jobs ran once and none is left. */
async function closeAndCheck(
  ctx: BenchContext,
  workers: readonly WorkerHandle[],
  system: SystemName,
  dbName: string,
  starts: readonly StartRecord[],
  jobs: number,
  group: string,
  rep: number,
): Promise<OnceCheck> {
  await Promise.all(workers.map((worker) => worker.close()));
  const unfinishedInDb = await countUnfinished(ctx, system, dbName);
  return checkExactlyOnce(starts, 0, jobs, { system, group, rep, unfinishedInDb });
}
