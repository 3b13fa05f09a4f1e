import {
  dbNameFor,
  dropDb,
  sleep,
  systemsInOrder,
  waitForCompleted,
  type BenchContext,
} from '../lib/bench-context';
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
        const breakdown: Record<SystemName, Record<string, number>> = { docket: {}, agenda: {} };
        for (const system of systemsInOrder(rep)) {
          const dbName = dbNameFor('sparse', system, rep);
          const [worker, producer] = ctx.pool.take(system, 2);
          try {
            const init = { uri: server.uri, dbName, ...crossProcessSettings(server.topology) };
            await Promise.all([worker.init(init), producer.init(init)]);
            await worker.start();
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
            const counts = sumCounts(collected.map((c) => c.commands));
            checks.push(
              checkExactlyOnce(starts, 0, count, { system, group, rep, unfinishedInDb: null }),
            );
            const what = kind === 'now' ? 'latency' : 'lateness';
            rows.add(system, group, `p50 ${what}`, 'ms', 'lower', delays.p50);
            rows.add(system, group, `p95 ${what}`, 'ms', 'lower', delays.p95);
            rows.add(system, group, `p99 ${what}`, 'ms', 'lower', delays.p99);
            rows.add(system, group, `max ${what}`, 'ms', 'lower', delays.max);
            rows.add(system, group, 'commands per job', 'cmd/job', 'lower', counts.total / count);
            breakdown[system] = perJob(counts, count);
            ctx.log(
              `pickup ${group} ${system} rep ${rep + 1}: p50 ${delays.p50.toFixed(1)} ms, ` +
                `p99 ${delays.p99.toFixed(1)} ms, max ${delays.max.toFixed(1)} ms` +
                (sent.failed > 0 ? ` (${sent.failed} sends failed)` : '') +
                (done ? '' : ` (only ${starts.length}/${count} started in time)`),
            );
          } finally {
            await dropDb(ctx, dbName, server);
          }
        }
        if (rep === reps - 1) commands.push({ group, ...breakdown });
      }
    }
  }
  return reps;
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
