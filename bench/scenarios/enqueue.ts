import { dbNameFor, dropDb, type BenchContext, type BenchServer } from '../lib/bench-context';
import type { CommandBreakdown, MetricRow, ScenarioResult } from '../lib/results';
import { addCeilingRows, withCeiling } from '../lib/ceiling-rows';
import { RowCollector, perJob } from '../lib/scenario-helpers';
import { distribution, median } from '../lib/stats';
import { THROUGHPUT_SETTINGS } from '../lib/settings';
import { serversInOrder, type Topology } from '../lib/topology';
import type { EnqueueArgs, SystemName } from '../workers/protocol';
import { scenarioResult } from './scenario-result';

/**
 * Scenario 2: how fast one producer process stores jobs: one caller awaiting each call, N
 * concurrent callers, and bulk calls (Docket's `enqueueMany`; Agenda has none). No server
 * runs meanwhile, so the figures are the enqueue path alone. Every case runs on every
 * server of the run (both topologies on the stand-in): on a standalone, Docket also writes a
 * new-work notice per call, and the two topologies side by side say what that costs.
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
    for (const { group: shape, args } of cases) {
      for (const server of serversInOrder(ctx.servers, rep)) {
        const group = `${shape}, ${server.topology}`;
        const breakdown: Record<SystemName, Record<string, number>> = { docket: {}, agenda: {} };
        let ceiling: number | undefined;
        let docketRate: number | undefined;
        for (const system of withCeiling(rep)) {
          if (system === 'ceiling') {
            ceiling = await enqueueCeiling(ctx, server, args, rep, group);
            continue;
          }
          if (system === 'agenda' && args.mode === 'bulk') continue;
          const dbName = dbNameFor('enqueue', system, rep);
          const [producer] = ctx.pool.take(system, 1);
          try {
            await producer.init({ uri: server.uri, dbName, ...THROUGHPUT_SETTINGS });
            await producer.reset();
            const reply = await producer.enqueue(args);
            const { commands: counts } = await producer.collect();
            await producer.close();
            const latency = distribution(reply.latencies);
            const rate = reply.jobs / (reply.elapsedMs / 1000);
            if (system === 'docket') docketRate = rate;
            rows.add(system, group, 'throughput', 'jobs/s', 'higher', rate);
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
            await dropDb(ctx, dbName, server);
          }
        }
        addCeilingRows(rows, group, 'storage-call ceiling', ceiling, docketRate);
        if (rep === ctx.reps - 1) commands.push({ group, ...breakdown });
      }
    }
  }
  const built = rows.build();
  return scenarioResult(ctx, {
    scenario: 'enqueue',
    title: 'Enqueue: storing jobs from one producer process',
    method:
      `One producer process, no server running. Sequential: ${s.enqueueSequential.toLocaleString('en-US')} calls, ` +
      `each awaited before the next. Concurrent: ${s.enqueueConcurrent.toLocaleString('en-US')} calls from ` +
      `${s.enqueueProducers} concurrent callers in that process (on 2 cores, ${s.enqueueProducers} processes ` +
      `would measure the scheduler, not the library). Bulk: ${s.enqueueBulk.toLocaleString('en-US')} jobs in ` +
      `\`enqueueMany\` calls of ${s.bulkBatch} (Agenda 6 has no bulk enqueue, so its cell is empty). ` +
      `Latency is per call (per batch for bulk); throughput is jobs / elapsed time. Every case ` +
      `runs on ${ctx.servers.map((server) => server.topology).join(' and on ')}, the order of ` +
      'topologies and systems reversing from one repetition to the next. The storage-call ceiling ' +
      "makes the same calls, each storing the same documents through Docket's storage layer (the " +
      'jobs, and on a standalone their notices) and doing nothing else: no validation, ' +
      'serialisation, checks or events; the share of the ceiling is what that work costs.',
    began,
    topologies: ctx.servers.map((server) => server.topology),
    settings: THROUGHPUT_SETTINGS,
    notes: [
      'Agenda 6 has no bulk enqueue: `now()`/`schedule()` store one job per call.',
      // One job per call: the cases where a notice is one more round trip per job.
      ...(ctx.servers.length > 1
        ? noticeCostNotes(built, ...cases.slice(0, 2).map(({ group }) => group))
        : [
            `Only the bench's server (${ctx.server.topology}) was measured: with \`MONGODB_URI\` ` +
              'or a `mongod` the bench has no server of the other topology, so what the ' +
              "standalone's new-work notices cost enqueue is not told here.",
          ]),
    ],
    rows: built,
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

/**
 * What the new-work notices cost enqueue on a standalone (Docket writes one after each job it
 * stores there, none on a replica set), from the cases measured on both topologies. Agenda,
 * whose enqueue is the same on both, is the control: the stand-in's two modes differ in
 * speed by themselves (cluster time, retryable writes and the change log in replica-set
 * mode). Ratios are paired per repetition (the two topologies ran back to back), which is
 * steadier on a shared machine than a ratio of medians.
 */
function noticeCostNotes(rows: readonly MetricRow[], ...shapes: readonly string[]): string[] {
  const notes: string[] = [];
  for (const shape of shapes) {
    const values = (topology: Topology, metric: string, system: SystemName) =>
      rows.find((row) => row.group === `${shape}, ${topology}` && row.metric === metric)?.[system]
        ?.values ?? [];
    const paired = (
      metric: string,
      system: SystemName,
      pair: (sa: number, rs: number) => number,
    ) => {
      const sa = values('standalone', metric, system);
      const rs = values('replica set', metric, system);
      return sa.slice(0, rs.length).map((value, rep) => pair(value, rs[rep]));
    };
    const ratio = (sa: number, rs: number) => sa / rs;
    const docketRate = paired('throughput', 'docket', ratio);
    const agendaRate = paired('throughput', 'agenda', ratio);
    const net = docketRate.map((value, rep) => value / agendaRate[rep]);
    const docketCall = paired('p50 call latency', 'docket', (sa, rs) => sa - rs);
    const agendaCall = paired('p50 call latency', 'agenda', (sa, rs) => sa - rs);
    const commands = (topology: Topology) => values(topology, 'commands per job', 'docket')[0];
    const figures = [
      ...net,
      ...docketCall,
      ...agendaCall,
      commands('standalone'),
      commands('replica set'),
    ];
    if (net.length === 0 || !figures.every((value) => Number.isFinite(value))) continue;
    const percent = (list: readonly number[]) => spread(list, (v) => `${(100 * v).toFixed(0)}%`);
    const ms = (list: readonly number[]) =>
      spread(list, (v) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)} ms`);
    notes.push(
      `Notices on a standalone, ${shape}: Docket sends ${commands('standalone').toFixed(2)} ` +
        `commands per job there (the job's \`insert\`, then the notice's) against ` +
        `${commands('replica set').toFixed(2)} on the replica set, and stores jobs at ` +
        `${percent(docketRate)} of its replica-set rate; Agenda, whose enqueue is the same on ` +
        `both, at ${percent(agendaRate)} of its own: the stand-in's two modes differ that much by ` +
        `themselves. Net of that, Docket enqueues at ${percent(net)} of the rate it would have ` +
        `without the notice. Median call latency, standalone against replica set: ` +
        `${ms(docketCall)} for Docket, ${ms(agendaCall)} for Agenda (per repetition, paired; ` +
        'median, then min–max).',
    );
  }
  return notes;
}

/** `median (min–max)` of per-repetition values, or the value alone for one repetition. */
function spread(values: readonly number[], format: (value: number) => string): string {
  if (values.length === 1) return format(values[0]);
  return `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
}

/** The storage-call ceiling of one enqueue case on one server (see enqueue-ceiling.ts). */
async function enqueueCeiling(
  ctx: BenchContext,
  server: BenchServer,
  args: EnqueueArgs,
  rep: number,
  group: string,
): Promise<number> {
  const dbName = dbNameFor('enqueue-ceiling', 'docket', rep);
  const [producer] = ctx.pool.take('docket', 1);
  try {
    await producer.init({ uri: server.uri, dbName, ...THROUGHPUT_SETTINGS });
    const reply = await producer.ceilingEnqueue(args);
    await producer.close();
    const rate = reply.jobs / (reply.elapsedMs / 1000);
    ctx.log(`enqueue ${group} ceiling rep ${rep + 1}: ${rate.toFixed(0)} jobs/s`);
    return rate;
  } finally {
    await dropDb(ctx, dbName, server);
  }
}
