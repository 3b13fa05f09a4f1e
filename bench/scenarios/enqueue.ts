import { dbNameFor, dropDb, systemsInOrder, type BenchContext } from '../lib/bench-context';
import type { CommandBreakdown, ScenarioResult } from '../lib/results';
import { RowCollector, perJob } from '../lib/scenario-helpers';
import { distribution } from '../lib/stats';
import { THROUGHPUT_SETTINGS } from '../lib/settings';
import type { EnqueueArgs, SystemName } from '../workers/protocol';
import { scenarioResult } from './scenario-result';

/**
 * Scenario 2: how fast one producer process stores jobs: one caller awaiting each call, N
 * concurrent callers, and bulk calls (Docket's `enqueueMany`; Agenda has none). No server
 * runs meanwhile, so the figures are the enqueue path alone.
 */
export async function runEnqueue(ctx: BenchContext): Promise<ScenarioResult> {
  const began = Date.now();
  const s = ctx.scale;
  const cases: Array<{ group: string; args: EnqueueArgs }> = [
    {
      group: 'sequential, 1 producer',
      args: {
        mode: 'sequential',
        count: s.enqueueSequential,
        concurrency: 1,
        batchSize: 1,
        seqStart: 0,
      },
    },
    {
      group: `concurrent, ${s.enqueueProducers} producers`,
      args: {
        mode: 'concurrent',
        count: s.enqueueConcurrent,
        concurrency: s.enqueueProducers,
        batchSize: 1,
        seqStart: 0,
      },
    },
    {
      group: `bulk, ${s.bulkBatch} per call`,
      args: {
        mode: 'bulk',
        count: s.enqueueBulk,
        concurrency: 1,
        batchSize: s.bulkBatch,
        seqStart: 0,
      },
    },
  ];
  const rows = new RowCollector();
  const commands: CommandBreakdown[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) {
    for (const { group, args } of cases) {
      const breakdown: Record<SystemName, Record<string, number>> = { docket: {}, agenda: {} };
      for (const system of systemsInOrder(rep)) {
        if (system === 'agenda' && args.mode === 'bulk') continue;
        const dbName = dbNameFor('enqueue', system, rep);
        const [producer] = ctx.pool.take(system, 1);
        try {
          await producer.init({ uri: ctx.uri, dbName, ...THROUGHPUT_SETTINGS });
          await producer.reset();
          const reply = await producer.enqueue(args);
          const { commands: counts } = await producer.collect();
          await producer.close();
          const latency = distribution(reply.latencies);
          rows.add(
            system,
            group,
            'throughput',
            'jobs/s',
            'higher',
            reply.jobs / (reply.elapsedMs / 1000),
          );
          rows.add(system, group, 'p50 call latency', 'ms', 'lower', latency.p50);
          rows.add(system, group, 'p99 call latency', 'ms', 'lower', latency.p99);
          rows.add(
            system,
            group,
            'commands per job',
            'cmd/job',
            'lower',
            counts.total / reply.jobs,
          );
          breakdown[system] = perJob(counts, reply.jobs);
          ctx.log(
            `enqueue ${group} ${system} rep ${rep + 1}: ` +
              `${(reply.jobs / (reply.elapsedMs / 1000)).toFixed(0)} jobs/s, p99 ${latency.p99.toFixed(1)} ms`,
          );
        } finally {
          await dropDb(ctx, dbName);
        }
      }
      if (rep === ctx.reps - 1) commands.push({ group, ...breakdown });
    }
  }
  return scenarioResult(ctx, {
    scenario: 'enqueue',
    title: 'Enqueue: storing jobs from one producer process',
    method:
      `One producer process, no server running. Sequential: ${s.enqueueSequential.toLocaleString('en-US')} calls, ` +
      `each awaited before the next. Concurrent: ${s.enqueueConcurrent.toLocaleString('en-US')} calls from ` +
      `${s.enqueueProducers} concurrent callers in that process (on 2 cores, ${s.enqueueProducers} processes ` +
      `would measure the scheduler, not the library). Bulk: ${s.enqueueBulk.toLocaleString('en-US')} jobs in ` +
      `\`enqueueMany\` calls of ${s.bulkBatch} (Agenda 6 has no bulk enqueue, so its cell is empty). ` +
      `Latency is per call (per batch for bulk); throughput is jobs / elapsed time.`,
    began,
    settings: THROUGHPUT_SETTINGS,
    notes: ['Agenda 6 has no bulk enqueue: `now()`/`schedule()` store one job per call.'],
    rows: rows.build(),
    checks: [],
    commands,
    charts: [
      {
        id: 'enqueue-throughput',
        title: 'Enqueue throughput (jobs/s, higher is better)',
        metric: 'throughput',
        logScale: true,
      },
      {
        id: 'enqueue-latency',
        title: 'Enqueue p99 call latency (ms, lower is better)',
        metric: 'p99 call latency',
        logScale: true,
      },
    ],
  });
}
