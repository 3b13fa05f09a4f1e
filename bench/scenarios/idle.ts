import { dbNameFor, dropDb, sleep, type BenchContext } from '../lib/bench-context';
import { sumCounts } from '../lib/command-counter';
import type { CommandBreakdown, ScenarioResult } from '../lib/results';
import { RowCollector } from '../lib/scenario-helpers';
import { THROUGHPUT_SETTINGS } from '../lib/settings';
import { round } from '../lib/stats';
import type { SystemName } from '../workers/protocol';
import { scenarioResult } from './scenario-result';

/** Settling time after start before counting (start-up reads and index builds excluded). */
const SETTLE_MS = 2_000;

/**
 * Scenario 4: what idle workers cost the database: commands per second of N started worker
 * processes with nothing to do, counted on their own clients over a fixed window. Both
 * systems idle at the same time, each in its own database (idle load does not interact).
 */
export async function runIdle(ctx: BenchContext): Promise<ScenarioResult> {
  const began = Date.now();
  const { idleProcesses: processes, idleWindowMs } = ctx.scale;
  const rows = new RowCollector();
  const commands: CommandBreakdown[] = [];
  const group = `${processes} idle processes`;
  for (let rep = 0; rep < ctx.reps; rep++) {
    const breakdown: Record<SystemName, Record<string, number>> = { docket: {}, agenda: {} };
    const runs = (['docket', 'agenda'] as const).map((system) => ({
      system,
      dbName: dbNameFor('idle', system, rep),
      workers: ctx.pool.take(system, processes),
    }));
    try {
      for (const run of runs) {
        await Promise.all(
          run.workers.map((worker) =>
            worker.init({ uri: ctx.uri, dbName: run.dbName, ...THROUGHPUT_SETTINGS }),
          ),
        );
        await Promise.all(run.workers.map((worker) => worker.start()));
      }
      await sleep(SETTLE_MS);
      await Promise.all(runs.flatMap((run) => run.workers.map((worker) => worker.reset())));
      const windowStart = performance.now();
      await sleep(idleWindowMs);
      const collected = await Promise.all(
        runs.map(async (run) => ({
          run,
          counts: sumCounts(
            (await Promise.all(run.workers.map((worker) => worker.collect()))).map(
              (c) => c.commands,
            ),
          ),
        })),
      );
      const seconds = (performance.now() - windowStart) / 1000;
      for (const { run, counts } of collected) {
        const perProcess = counts.total / processes / seconds;
        rows.add(
          run.system,
          group,
          'commands per second per process',
          'cmd/s',
          'lower',
          perProcess,
        );
        breakdown[run.system] = Object.fromEntries(
          Object.entries(counts.byName).map(([name, n]) => [name, round(n / processes / seconds)]),
        );
        ctx.log(`idle ${run.system} rep ${rep + 1}: ${perProcess.toFixed(2)} cmd/s per process`);
      }
    } finally {
      for (const run of runs) {
        await Promise.all(run.workers.map((worker) => worker.close()));
        await dropDb(ctx, run.dbName);
      }
    }
    if (rep === ctx.reps - 1)
      commands.push({ group: `${group} (cmd/s per process)`, ...breakdown });
  }
  return scenarioResult(ctx, {
    scenario: 'idle',
    title: 'Idle cost: commands per second of idle worker processes',
    method:
      `${processes} worker processes per system start with an empty queue; after ${SETTLE_MS / 1000} s ` +
      `(start-up excluded) their clients' commands are counted for ${idleWindowMs / 1000} s. ` +
      `The driver's own server monitoring (\`hello\` heartbeats on separate connections, every 10 s by ` +
      `default, the same for both) is not a command event and is not counted.`,
    began,
    settings: THROUGHPUT_SETTINGS,
    notes: [],
    rows: rows.build(),
    checks: [],
    commands,
    charts: [
      {
        id: 'idle-commands',
        title: 'Idle commands per second per process (lower is better)',
        metric: 'commands per second per process',
      },
    ],
  });
}
