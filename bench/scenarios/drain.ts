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
import { checkExactlyOnce } from '../lib/once-check';
import type { CommandBreakdown, OnceCheck, ScenarioResult } from '../lib/results';
import { RowCollector, perJob } from '../lib/scenario-helpers';
import { THROUGHPUT_SETTINGS } from '../lib/settings';
import type { SystemName } from '../workers/protocol';
import { scenarioResult } from './scenario-result';

/**
 * Scenario 1: a pre-loaded queue of no-op jobs drained by 1 and by N worker processes.
 * Throughput runs from the first handler start to the last stored completion; commands are
 * those of the workers' own clients from `start` to the last completion.
 */
export async function runDrain(ctx: BenchContext): Promise<ScenarioResult> {
  const began = Date.now();
  const { drainJobs: jobs, drainProcesses, drainTimeoutMs } = ctx.scale;
  const rows = new RowCollector();
  const checks: OnceCheck[] = [];
  const commands: CommandBreakdown[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) {
    for (const processes of drainProcesses) {
      const group = `${processes} process${processes === 1 ? '' : 'es'}`;
      const breakdown: Record<SystemName, Record<string, number>> = { docket: {}, agenda: {} };
      for (const system of systemsInOrder(rep)) {
        const dbName = dbNameFor('drain', system, rep);
        const workers = ctx.pool.take(system, processes);
        try {
          await Promise.all(
            workers.map((worker) => worker.init({ uri: ctx.uri, dbName, ...THROUGHPUT_SETTINGS })),
          );
          await workers[0].preload({ count: jobs, seqStart: 0, dueInMs: 0 });
          await Promise.all(workers.map((worker) => worker.reset()));
          await Promise.all(workers.map((worker) => worker.start()));
          const done = await waitForCompleted(workers, jobs, drainTimeoutMs);
          const endedAt = await lastCompletedAt(workers);
          const collected = await Promise.all(workers.map((worker) => worker.collect()));
          const starts = collected.flatMap((c) => c.starts);
          const firstStart = Math.min(...starts.map(([, , startedAt]) => startedAt));
          const counts = sumCounts(collected.map((c) => c.commands));
          const completed = collected.reduce((sum, c) => sum + c.completed, 0);
          await Promise.all(workers.map((worker) => worker.close()));
          const unfinished = await countUnfinished(ctx, system, dbName);
          checks.push(
            checkExactlyOnce(starts, 0, jobs, { system, group, rep, unfinishedInDb: unfinished }),
          );
          const seconds = (endedAt - firstStart) / 1000;
          rows.add(system, group, 'throughput', 'jobs/s', 'higher', done ? completed / seconds : 0);
          rows.add(system, group, 'commands per job', 'cmd/job', 'lower', counts.total / jobs);
          breakdown[system] = perJob(counts, jobs);
          ctx.log(
            `drain ${group} ${system} rep ${rep + 1}: ${(completed / seconds).toFixed(0)} jobs/s, ` +
              `${(counts.total / jobs).toFixed(2)} cmd/job${done ? '' : ' (TIMED OUT)'}`,
          );
        } finally {
          await dropDb(ctx, dbName);
        }
      }
      if (rep === ctx.reps - 1) commands.push({ group, ...breakdown });
    }
  }
  return scenarioResult(ctx, {
    scenario: 'drain',
    title: 'Drain: a pre-loaded queue of no-op jobs',
    method:
      `${jobs.toLocaleString('en-US')} no-op jobs are stored first (Docket: \`enqueueMany\`; ` +
      `Agenda, which has no bulk call: clones of what its \`schedule()\` stores, in one ` +
      `\`insertMany\` per 1,000), then ${drainProcesses.join(' and ')} worker processes start. ` +
      `Throughput is jobs / (last stored completion − first handler start). Commands per job: ` +
      `every command of the workers' own clients from their start to the last completion, ` +
      `divided by the jobs (the pre-load's inserts are not counted).`,
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
        id: 'drain-commands',
        title: 'Database commands per job while draining (lower is better)',
        metric: 'commands per job',
      },
    ],
  });
}
