import {
  dbNameFor,
  dropDb,
  sleep,
  systemsInOrder,
  waitForCompleted,
  type BenchContext,
  type BenchServer,
} from '../lib/bench-context';
import { addCeilingRows, withCeiling } from '../lib/ceiling-rows';
import { sumCounts } from '../lib/command-counter';
import { checkExactlyOnce } from '../lib/once-check';
import type { CommandBreakdown, OnceCheck } from '../lib/results';
import { RowCollector, perJob } from '../lib/scenario-helpers';
import { crossProcessSettings } from '../lib/settings';
import { distribution } from '../lib/stats';
import { scheduledGroup, serversInOrder, sparseGroup } from '../lib/topology';
import type { StartRecord, SystemName } from '../workers/protocol';

/** The two sparse cases: jobs enqueued for now, and jobs scheduled a little ahead. */
const KINDS = ['now', 'scheduled'] as const;

/**
 * Sparse cross-process pickup on every server of the run (both topologies on the stand-in):
 * one idle worker process, and a producer process sending jobs one at a time with random
 * gaps, enqueued for now (latency: handler start − enqueue call) or scheduled a few hundred
 * ms ahead (lateness: handler start − due time). Repetitions, topologies and systems are
 * interleaved, their order reversing from one repetition to the next. Resolves with the
 * number of repetitions.
 */
export async function measureSparsePickup(
  ctx: BenchContext,
  rows: RowCollector,
  checks: OnceCheck[],
  commands: CommandBreakdown[],
): Promise<number> {
  const s = ctx.scale;
  const count = s.sparseJobs;
  const reps = ctx.repsOverride ?? s.sparseReps;
  for (let rep = 0; rep < reps; rep++) {
    for (const kind of KINDS) {
      for (const server of serversInOrder(ctx.servers, rep)) {
        const group =
          kind === 'now' ? sparseGroup(server.topology) : scheduledGroup(server.topology);
        const what = kind === 'now' ? 'latency' : 'lateness';
        const breakdown: Record<SystemName, Record<string, number>> = { docket: {}, agenda: {} };
        const p50s: Partial<Record<SystemName | 'ceiling', number>> = {};
        // Jobs enqueued for now also meet the pickup ceiling (see pickup-ceiling.ts).
        const order = kind === 'now' ? withCeiling(rep) : systemsInOrder(rep);
        for (const runner of order) {
          const run = await runSparseCase(ctx, server, kind, runner, rep);
          p50s[runner] = run.delays.p50;
          const label = `pickup ${group} ${runner} rep ${rep + 1}: p50 ${run.delays.p50.toFixed(1)} ms, p99 ${run.delays.p99.toFixed(1)} ms, max ${run.delays.max.toFixed(1)} ms`;
          ctx.log(label + run.note);
          if (runner === 'ceiling') continue;
          checks.push(
            checkExactlyOnce(run.starts, 0, count, {
              system: runner,
              group,
              rep,
              unfinishedInDb: null,
            }),
          );
          rows.add(runner, group, `p50 ${what}`, 'ms', 'lower', run.delays.p50);
          rows.add(runner, group, `p95 ${what}`, 'ms', 'lower', run.delays.p95);
          rows.add(runner, group, `p99 ${what}`, 'ms', 'lower', run.delays.p99);
          rows.add(runner, group, `max ${what}`, 'ms', 'lower', run.delays.max);
          rows.add(runner, group, 'commands per job', 'cmd/job', 'lower', run.counts.total / count);
          breakdown[runner] = perJob(run.counts, count);
        }
        addCeilingRows(rows, group, 'pickup ceiling p50 latency', p50s.ceiling, p50s.docket, {
          unit: 'ms',
          better: 'lower',
        });
        if (rep === reps - 1) commands.push({ group, ...breakdown });
      }
    }
  }
  return reps;
}

/**
 * One sparse case: an idle worker process (a system's server, or the pickup ceiling's loop
 * in a Docket worker) and a producer sending `sparseJobs` jobs one at a time through Docket
 * (or Agenda, for Agenda).
 */
async function runSparseCase(
  ctx: BenchContext,
  server: BenchServer,
  kind: (typeof KINDS)[number],
  runner: SystemName | 'ceiling',
  rep: number,
): Promise<{
  starts: readonly StartRecord[];
  delays: ReturnType<typeof distribution>;
  counts: ReturnType<typeof sumCounts>;
  note: string;
}> {
  const s = ctx.scale;
  const count = s.sparseJobs;
  const system: SystemName = runner === 'ceiling' ? 'docket' : runner;
  const dbName = dbNameFor(runner === 'ceiling' ? 'sparse-ceiling' : 'sparse', system, rep);
  const [worker, producer] = ctx.pool.take(system, 2);
  try {
    const init = { uri: server.uri, dbName, ...crossProcessSettings(server.topology) };
    await Promise.all([worker.init(init), producer.init(init)]);
    await (runner === 'ceiling' ? worker.ceilingPickup() : worker.start());
    await sleep(s.sparseSettleMs);
    await Promise.all([worker.reset(), producer.reset()]);
    const sent = await producer.sparse({
      count,
      seqStart: 0,
      gapMs: s.sparseGapMs,
      delayMs: kind === 'now' ? null : s.scheduledDelayMs,
    });
    const done = await waitForCompleted([worker], count, s.pickupGraceMs);
    const collected = await Promise.all([worker.collect(), producer.collect()]);
    await Promise.all([worker.close(), producer.close()]);
    const starts = collected[0].starts;
    const delays = distribution(
      kind === 'now' ? starts.map(latencyOf) : latenessOf(starts, sent.dueAts),
    );
    const note =
      (sent.failed > 0 ? ` (${sent.failed} sends failed)` : '') +
      (done ? '' : ` (only ${starts.length}/${count} started in time)`);
    return { starts, delays, counts: sumCounts(collected.map((c) => c.commands)), note };
  } finally {
    await dropDb(ctx, dbName, server);
  }
}

function latencyOf([, enqueuedAt, startedAt]: StartRecord): number {
  return startedAt - enqueuedAt;
}

/** Handler start − due time of each job started, by its sequence number. */
function latenessOf(
  starts: readonly StartRecord[],
  dueAts: ReadonlyArray<number | null>,
): number[] {
  const lateness: number[] = [];
  for (const [seq, , startedAt] of starts) {
    const due = dueAts[seq];
    if (typeof due === 'number') lateness.push(startedAt - due);
  }
  return lateness;
}
