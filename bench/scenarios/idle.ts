import {
  dbNameFor,
  dropDb,
  sleep,
  type BenchContext,
  type BenchServer,
} from '../lib/bench-context';
import { addCeilingRows } from '../lib/ceiling-rows';
import { sumCounts } from '../lib/command-counter';
import type { CommandBreakdown, ScenarioResult } from '../lib/results';
import { RowCollector } from '../lib/scenario-helpers';
import { crossProcessSettings } from '../lib/settings';
import { round } from '../lib/stats';
import { idleGroup, serversInOrder } from '../lib/topology';
import type { SystemName } from '../workers/protocol';
import { scenarioResult } from './scenario-result';

/** Settling time after start before counting (start-up reads and index builds excluded). */
const SETTLE_MS = 2_000;

/**
 * Scenario 4: what idle workers cost the database: commands per second of N started worker
 * processes with nothing to do, counted on their own clients over a fixed window, on every
 * server of the run (both topologies on the stand-in, one after the other, the order
 * reversing from one repetition to the next). Both systems idle at the same time, each in
 * its own database (idle load does not interact).
 */
export async function runIdle(ctx: BenchContext): Promise<ScenarioResult> {
  const began = Date.now();
  const { idleProcesses: processes, idleWindowMs } = ctx.scale;
  const rows = new RowCollector();
  const commands: CommandBreakdown[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) {
    for (const server of serversInOrder(ctx.servers, rep)) {
      const breakdown = await idleOn(ctx, server, rep, rows);
      await listeningCeilingOn(ctx, server, rep, rows);
      if (rep === ctx.reps - 1) {
        commands.push({
          group: `${idleGroup(processes, server.topology)} (cmd/s per process)`,
          ...breakdown,
        });
      }
    }
  }
  const topologies = ctx.servers.map((server) => server.topology);
  return scenarioResult(ctx, {
    scenario: 'idle',
    title: 'Idle cost: commands per second of idle worker processes',
    method:
      `${processes} worker processes per system start with an empty queue, on ` +
      `${topologies.join(' and then on ')}; after ${SETTLE_MS / 1000} s (start-up excluded) their ` +
      `clients' commands are counted for ${idleWindowMs / 1000} s. Each system is configured as in ` +
      "the pickup scenario's cross-process cases: Docket as everywhere (push pickup through the change " +
      'stream on a replica set, the notices tail on a standalone), Agenda with its change-stream ' +
      'notification channel on a replica set and without one on a standalone. ' +
      'The listening ceiling: as many Docket worker processes running only a raw-driver ' +
      "listener for new work (the change stream or the notices' tail, each wait as long as " +
      "Docket's), counted the same way after the systems stopped; Docket's share is its " +
      "figure over Docket's, the rest being its heartbeats, sweeps and ticks. " +
      `The driver's own server monitoring (\`hello\` heartbeats on separate connections, every 10 s by ` +
      `default, the same for both) is not a command event and is not counted.`,
    began,
    topologies,
    settings: {
      docket: crossProcessSettings('replica set').docket,
      agenda: {
        ...crossProcessSettings('replica set').agenda,
        notify: 'change-stream on a replica set, none on a standalone',
      },
    },
    notes:
      topologies.length > 1
        ? []
        : [
            `Only the bench's server (${topologies[0]}) was measured: with \`MONGODB_URI\` or a ` +
              '`mongod` the bench has no server of the other topology.',
          ],
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

/**
 * The listening ceiling of one repetition: as many Docket worker processes, each running only
 * the pickup ceiling's listener (see pickup-ceiling.ts: the change stream or the notices'
 * tail, with Docket's wait per command), counted over the same window. Docket's share of it
 * is what its heartbeats, sweeps and ticks add to hearing of new work at once.
 */
async function listeningCeilingOn(
  ctx: BenchContext,
  server: BenchServer,
  rep: number,
  rows: RowCollector,
): Promise<void> {
  const { idleProcesses: processes, idleWindowMs } = ctx.scale;
  const group = idleGroup(processes, server.topology);
  const dbName = dbNameFor('idle-ceiling', 'docket', rep);
  const workers = ctx.pool.take('docket', processes);
  try {
    const init = { uri: server.uri, dbName, ...crossProcessSettings(server.topology) };
    await Promise.all(workers.map((worker) => worker.init(init)));
    await Promise.all(workers.map((worker) => worker.ceilingPickup()));
    await sleep(SETTLE_MS);
    await Promise.all(workers.map((worker) => worker.reset()));
    const windowStart = performance.now();
    await sleep(idleWindowMs);
    const counts = sumCounts(
      (await Promise.all(workers.map((worker) => worker.collect()))).map((c) => c.commands),
    );
    const perProcess = counts.total / processes / ((performance.now() - windowStart) / 1000);
    ctx.log(
      `idle ${group} listening ceiling rep ${rep + 1}: ${perProcess.toFixed(2)} cmd/s per process`,
    );
    const docket = rows.last('docket', group, 'commands per second per process');
    addCeilingRows(rows, group, 'listening ceiling', perProcess, docket, {
      unit: 'cmd/s',
      better: 'lower',
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await dropDb(ctx, dbName, server);
  }
}

/** One repetition on one server: both systems' processes idle at once; returns the breakdown. */
async function idleOn(
  ctx: BenchContext,
  server: BenchServer,
  rep: number,
  rows: RowCollector,
): Promise<Record<SystemName, Record<string, number>>> {
  const { idleProcesses: processes, idleWindowMs } = ctx.scale;
  const group = idleGroup(processes, server.topology);
  const breakdown: Record<SystemName, Record<string, number>> = { docket: {}, agenda: {} };
  const runs = (['docket', 'agenda'] as const).map((system) => ({
    system,
    dbName: dbNameFor('idle', system, rep),
    workers: ctx.pool.take(system, processes),
  }));
  try {
    for (const run of runs) {
      const init = {
        uri: server.uri,
        dbName: run.dbName,
        ...crossProcessSettings(server.topology),
      };
      await Promise.all(run.workers.map((worker) => worker.init(init)));
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
          (await Promise.all(run.workers.map((worker) => worker.collect()))).map((c) => c.commands),
        ),
      })),
    );
    const seconds = (performance.now() - windowStart) / 1000;
    for (const { run, counts } of collected) {
      const perProcess = counts.total / processes / seconds;
      rows.add(run.system, group, 'commands per second per process', 'cmd/s', 'lower', perProcess);
      breakdown[run.system] = Object.fromEntries(
        Object.entries(counts.byName)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, n]) => [name, round(n / processes / seconds)]),
      );
      ctx.log(
        `idle ${group} ${run.system} rep ${rep + 1}: ${perProcess.toFixed(2)} cmd/s per process ` +
          `(${Object.entries(breakdown[run.system])
            .map(([name, n]) => `${name} ${n}`)
            .join(', ')})`,
      );
    }
  } finally {
    for (const run of runs) {
      await Promise.all(run.workers.map((worker) => worker.close()));
      await dropDb(ctx, run.dbName, server);
    }
  }
  return breakdown;
}
