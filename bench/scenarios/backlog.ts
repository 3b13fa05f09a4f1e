import {
  countUnfinished,
  dbNameFor,
  dropDb,
  lastCompletedAt,
  waitForCompleted,
  type BenchContext,
} from '../lib/bench-context';
import { drainCeiling } from '../lib/ceiling-drain-run';
import { addCeilingRows, withCeiling } from '../lib/ceiling-rows';
import { checkExactlyOnce } from '../lib/once-check';
import type { CommandBreakdown, OnceCheck, ScenarioResult } from '../lib/results';
import { RowCollector, perJob } from '../lib/scenario-helpers';
import { THROUGHPUT_SETTINGS } from '../lib/settings';
import { distribution } from '../lib/stats';
import { WorkerHandle } from '../lib/worker-pool';
import type { SystemName } from '../workers/protocol';
import { scenarioResult } from './scenario-result';

/** Future jobs are due this far ahead: far beyond the run. */
const FUTURE_MS = 24 * 3_600_000;

/**
 * Scenario 5: a large backlog of future jobs beside the due ones. One fresh worker process
 * (so its RSS is its own) drains the due jobs; the future ones must cost nothing.
 */
export async function runBacklog(ctx: BenchContext): Promise<ScenarioResult> {
  const began = Date.now();
  const { backlogFuture: future, backlogDue: due, drainTimeoutMs } = ctx.scale;
  const rows = new RowCollector();
  const checks: OnceCheck[] = [];
  const commands: CommandBreakdown[] = [];
  const group = `${future.toLocaleString('en-US')} future + ${due.toLocaleString('en-US')} due`;
  for (let rep = 0; rep < ctx.reps; rep++) {
    const breakdown: Record<SystemName, Record<string, number>> = { docket: {}, agenda: {} };
    let ceiling: number | undefined;
    let docketRate: number | undefined;
    for (const system of withCeiling(rep)) {
      if (system === 'ceiling') {
        ({ rate: ceiling } = await drainCeiling(
          ctx,
          'backlog',
          { due, future, futureInMs: FUTURE_MS },
          rep,
        ));
        continue;
      }
      const dbName = dbNameFor('backlog', system, rep);
      const worker = await WorkerHandle.spawn(system, `${system}-backlog`);
      try {
        await worker.init({ uri: ctx.uri, dbName, ...THROUGHPUT_SETTINGS });
        // Future jobs get sequence numbers after the due ones: none of them may run.
        await worker.preload({ count: future, seqStart: due, dueInMs: FUTURE_MS });
        await worker.preload({ count: due, seqStart: 0, dueInMs: 0 });
        await worker.reset();
        await worker.start();
        const done = await waitForCompleted([worker], due, drainTimeoutMs);
        const endedAt = await lastCompletedAt([worker]);
        const collected = await worker.collect();
        await worker.close();
        const firstStart = Math.min(...collected.starts.map(([, , startedAt]) => startedAt));
        const seconds = (endedAt - firstStart) / 1000;
        // Claim queries: findAndModify (one job), and the candidate find of a batch claim.
        const { durationsMs } = collected.commands;
        const claims = distribution([
          ...(durationsMs.findAndModify ?? []),
          ...(durationsMs.find ?? []),
        ]);
        const unfinished = await countUnfinished(ctx, system, dbName);
        checks.push(
          checkExactlyOnce(collected.starts, 0, due, {
            system,
            group,
            rep,
            // The future jobs are rightly unfinished.
            unfinishedInDb: unfinished - future,
          }),
        );
        const rate = done ? collected.completed / seconds : 0;
        if (system === 'docket') docketRate = rate;
        rows.add(system, group, 'drain rate', 'jobs/s', 'higher', rate);
        rows.add(system, group, 'claim query p50', 'ms', 'lower', claims.p50);
        rows.add(system, group, 'claim query p99', 'ms', 'lower', claims.p99);
        rows.add(
          system,
          group,
          'commands per job',
          'cmd/job',
          'lower',
          collected.commands.total / due,
        );
        rows.add(system, group, 'worker RSS at the end', 'MiB', 'lower', collected.rssMb);
        rows.add(system, group, 'worker peak RSS', 'MiB', 'lower', collected.rssPeakMb);
        breakdown[system] = perJob(collected.commands, due);
        ctx.log(
          `backlog ${system} rep ${rep + 1}: ${(collected.completed / seconds).toFixed(0)} jobs/s, ` +
            `claim p99 ${claims.p99.toFixed(1)} ms, RSS ${collected.rssMb.toFixed(0)} MiB`,
        );
      } finally {
        await worker.dispose();
        await dropDb(ctx, dbName);
      }
    }
    addCeilingRows(rows, group, 'batched-claim ceiling', ceiling, docketRate);
    if (rep === ctx.reps - 1) commands.push({ group, ...breakdown });
  }
  return scenarioResult(ctx, {
    scenario: 'backlog',
    title: 'Backlog: many future jobs beside the due ones',
    method:
      `${future.toLocaleString('en-US')} jobs due in 24 h and ${due.toLocaleString('en-US')} due now are ` +
      `stored first (as in the drain scenario), then one fresh worker process drains the due ones. ` +
      `Drain rate as in the drain scenario; claim latency is the round trip of each claim query the ` +
      `worker sent (command monitoring): \`findAndModify\`, and for Docket's batch claims the candidate ` +
      `\`find\`; RSS is the worker process's, sampled every 200 ms. The batched-claim ceiling ` +
      `drains the same backlog, stored by Docket, with the drain scenario's loop (Docket's own ` +
      `claim and outcome commands, one at a time, nothing else), in the same repetition.`,
    began,
    settings: THROUGHPUT_SETTINGS,
    notes: [],
    rows: rows.build(),
    checks,
    commands,
    charts: [
      {
        id: 'backlog-rate',
        title: 'Backlog drain rate (jobs/s, higher is better)',
        metric: 'drain rate',
      },
      {
        id: 'backlog-claim',
        title: 'Claim p99 with a backlog (ms, lower is better)',
        metric: 'claim query p99',
        logScale: true,
      },
    ],
  });
}
