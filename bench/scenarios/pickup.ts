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
import type { CommandBreakdown, MetricRow, OnceCheck, ScenarioResult } from '../lib/results';
import { RowCollector, perJob } from '../lib/scenario-helpers';
import {
  THROUGHPUT_SETTINGS,
  crossProcessNotify,
  withAgendaNotify,
  type SystemSettings,
} from '../lib/settings';
import { distribution } from '../lib/stats';
import { otherTopology } from '../lib/topology';
import type { WorkerHandle } from '../lib/worker-pool';
import type { SystemName } from '../workers/protocol';
import { measureSparsePickup } from './pickup-sparse';
import { scenarioResult } from './scenario-result';

type Mode = 'in-process' | 'cross-process';

/**
 * Scenario 3: enqueue→start latency under open-loop arrivals (a fixed send schedule that
 * never waits for earlier sends), in-process (the worker enqueues its own jobs) and
 * cross-process (a separate producer process); then a single job after a long idle time;
 * then sparse cross-process arrivals, enqueued for now or scheduled ahead, on each topology
 * (see pickup-sparse.ts).
 */
export async function runPickup(ctx: BenchContext): Promise<ScenarioResult> {
  const began = Date.now();
  const s = ctx.scale;
  const rows = new RowCollector();
  const checks: OnceCheck[] = [];
  const commands: CommandBreakdown[] = [];
  const settingsFor = (mode: Mode): SystemSettings =>
    withAgendaNotify(
      THROUGHPUT_SETTINGS,
      mode === 'in-process' ? 'in-memory' : crossProcessNotify(ctx.server.topology),
    );

  for (let rep = 0; rep < ctx.reps; rep++) {
    for (const rate of s.pickupRates) {
      for (const mode of ['in-process', 'cross-process'] as const) {
        const group = `${rate} jobs/s, ${mode}`;
        const count = Math.round(rate * s.pickupSeconds);
        const breakdown: Record<SystemName, Record<string, number>> = { docket: {}, agenda: {} };
        for (const system of systemsInOrder(rep)) {
          const dbName = dbNameFor('pickup', system, rep);
          const [worker, other] = ctx.pool.take(system, 2);
          const producer = mode === 'in-process' ? worker : other;
          const involved = mode === 'in-process' ? [worker] : [worker, producer];
          try {
            const init = { uri: ctx.uri, dbName, ...settingsFor(mode) };
            await Promise.all(involved.map((w) => w.init(init)));
            await worker.start();
            await sleep(200);
            await Promise.all(involved.map((w) => w.reset()));
            const sent = await producer.produce({ rate, count, seqStart: 0 });
            const done = await waitForCompleted([worker], count, s.pickupGraceMs);
            const collected = await Promise.all(involved.map((w) => w.collect()));
            await Promise.all(involved.map((w) => w.close()));
            const starts = collected[0].starts;
            const latency = distribution(starts.map(([, at, startedAt]) => startedAt - at));
            const counts = sumCounts(collected.map((c) => c.commands));
            checks.push(
              checkExactlyOnce(starts, 0, count, { system, group, rep, unfinishedInDb: null }),
            );
            rows.add(system, group, 'p50 latency', 'ms', 'lower', latency.p50);
            rows.add(system, group, 'p95 latency', 'ms', 'lower', latency.p95);
            rows.add(system, group, 'p99 latency', 'ms', 'lower', latency.p99);
            rows.add(system, group, 'max latency', 'ms', 'lower', latency.max);
            rows.add(system, group, 'commands per job', 'cmd/job', 'lower', counts.total / count);
            breakdown[system] = perJob(counts, count);
            ctx.log(
              `pickup ${group} ${system} rep ${rep + 1}: p50 ${latency.p50.toFixed(1)} ms, ` +
                `p99 ${latency.p99.toFixed(1)} ms, send lag p99 ${sent.lagP99Ms.toFixed(1)} ms` +
                (done ? '' : ` (only ${starts.length}/${count} started in time)`),
            );
          } finally {
            await dropDb(ctx, dbName);
          }
        }
        if (rep === ctx.reps - 1) commands.push({ group, ...breakdown });
      }
    }
  }

  await singleJobAfterIdle(ctx, rows, checks, settingsFor);
  const sparseReps = await measureSparsePickup(ctx, rows, checks, commands);

  const idleSeconds = s.idleBeforeSingleMs / 1000;
  const topology = ctx.server.topology;
  const topologies = ctx.servers.map((server) => server.topology);
  const range = ({ min, max }: { min: number; max: number }) => `${min}–${max} ms`;
  const built = rows.build();
  return scenarioResult(ctx, {
    scenario: 'pickup',
    title: 'Pickup latency: enqueue → handler start',
    method:
      `Open-loop arrivals at ${s.pickupRates.join(', ')} jobs/s for ${s.pickupSeconds} s each: job *i* is ` +
      `sent at *start + i / rate* whether or not earlier sends finished. Latency is the handler's ` +
      `\`Date.now()\`-grade clock (performance.timeOrigin + performance.now(), shared by processes on ` +
      `one machine) minus the enqueue call's time carried in the payload. In-process: the worker ` +
      `process enqueues its own jobs. Cross-process: a separate producer process enqueues. Then one ` +
      `job after ${idleSeconds} s idle, both ways (all four idle setups wait at the same time, each in ` +
      `its own database). These cases run on the bench's server (${topology}). ` +
      `**Sparse, cross-process** (on ${topologies.join(' and ')}, ${sparseReps} repetition(s)): ` +
      'one idle worker process, and a ' +
      `producer process that sends ${s.sparseJobs} jobs one at a time, each awaited, a gap drawn ` +
      `uniformly from ${range(s.sparseGapMs)} before each (so that arrivals never line up with a poll ` +
      `period), the worker left idle for ${s.sparseSettleMs / 1000} s after its start first; latency ` +
      `as above. The pickup ceiling runs the same case with a Docket producer and, in the worker ` +
      `process, a raw-driver listener in place of a server: it hears of each job as Docket does (the ` +
      `jobs' change stream on a replica set, the tail of Docket's notices on a standalone) and claims ` +
      `it at once with one \`findOneAndUpdate\` by id; Docket's share is the ceiling's p50 over its ` +
      `own. **Scheduled ahead, cross-process**: the same, each job scheduled (Docket ` +
      `\`schedule(job, { delayMs })\`, Agenda \`schedule(date, ...)\`) a delay drawn uniformly from ` +
      `${range(s.scheduledDelayMs)} ahead; lateness is handler start − due time (the enqueue call's ` +
      `time plus the delay: Docket reads its whole-millisecond clock during the call, so a lateness ` +
      `is exact to about 1 ms). Commands per job count the worker's and the producer's clients, ` +
      `idle reads between jobs included.`,
    began,
    topologies,
    settings: {
      docket: THROUGHPUT_SETTINGS.docket,
      agenda: {
        ...THROUGHPUT_SETTINGS.agenda,
        notify:
          'in-process: in-memory channel; cross-process: change-stream on a replica set, none ' +
          '(polling every `processEvery`) on a standalone',
      },
    },
    notes: [
      `The single job after ${idleSeconds} s idle is measured once per run (one sample), not per repetition.`,
      ...backlogNote(built, Math.max(...s.pickupRates)),
      'Docket needs no setting for push pickup: on a replica set each server follows one change ' +
        'stream of the jobs collection, which also announces scheduled jobs and retries with their ' +
        'due time (the server arms a timer for it); on a standalone each enqueue or schedule also ' +
        'writes a notice into the capped collection `<prefix>notices`, which servers tail. Agenda ' +
        'uses its change-stream notification channel cross-process on a replica set; on a ' +
        'standalone it has none and polls every `processEvery` (100 ms here).',
      topologies.length > 1
        ? `The sparse and scheduled cases ran on both topologies in this run: the bench's server ` +
          `(${topology}) and a second stand-in in ${otherTopology(topology)} mode, started in the ` +
          `bench's process like the first.`
        : `The sparse and scheduled cases ran on the bench's server only (${topology}): with ` +
          `\`MONGODB_URI\` or a \`mongod\` the bench has no server of the other topology, so ` +
          `the ${otherTopology(topology)} rows and targets are missing.`,
      "Agenda uses its `InMemoryNotificationChannel` in-process (opt-in); Docket's in-process wake-up is built in.",
    ],
    rows: built,
    checks,
    commands,
    charts: [
      {
        id: 'pickup-p50',
        title: 'Pickup p50 latency (ms, lower is better)',
        metric: 'p50 latency',
        logScale: true,
      },
      {
        id: 'pickup-p99',
        title: 'Pickup p99 latency (ms, lower is better)',
        metric: 'p99 latency',
        logScale: true,
      },
      {
        id: 'pickup-scheduled-p99',
        title: 'Scheduled jobs: p99 lateness after the due time (ms, lower is better)',
        metric: 'p99 lateness',
      },
    ],
  });
}

/**
 * Says so when both systems fell behind the highest arrival rate in both modes (p50 over
 * 100 ms): their latencies there measure a backlog's queue on this server, not pickup.
 */
function backlogNote(rows: readonly MetricRow[], rate: number): string[] {
  const p50s = rows.filter(
    (row) => row.metric === 'p50 latency' && row.group.startsWith(`${rate} jobs/s, `),
  );
  const behind = (system: SystemName) =>
    p50s.length > 0 && p50s.every((row) => (row[system]?.median ?? 0) > 100);
  if (!behind('docket') || !behind('agenda')) return [];
  return [
    `At ${rate} jobs/s both systems fell behind the arrivals on this server, in-process and ` +
      'cross-process (p50 over 100 ms): a backlog built up during the sends, so those rows ' +
      "measure its queue (the server's and the machine's capacity), not how fast work is heard of.",
  ];
}

/** One job after a long idle time, in-process and cross-process, both systems at once. */
async function singleJobAfterIdle(
  ctx: BenchContext,
  rows: RowCollector,
  checks: OnceCheck[],
  settingsFor: (mode: Mode) => SystemSettings,
): Promise<void> {
  const idleSeconds = ctx.scale.idleBeforeSingleMs / 1000;
  const setups: Array<{
    system: SystemName;
    mode: Mode;
    worker: WorkerHandle;
    producer: WorkerHandle;
    dbName: string;
  }> = [];
  for (const system of ['docket', 'agenda'] as const) {
    const [inWorker, crossWorker, crossProducer] = ctx.pool.take(system, 3);
    setups.push(
      {
        system,
        mode: 'in-process',
        worker: inWorker,
        producer: inWorker,
        dbName: dbNameFor('idle1', system, 0),
      },
      {
        system,
        mode: 'cross-process',
        worker: crossWorker,
        producer: crossProducer,
        dbName: dbNameFor('idle1', system, 0),
      },
    );
  }
  try {
    for (const setup of setups) {
      const init = { uri: ctx.uri, dbName: setup.dbName, ...settingsFor(setup.mode) };
      await setup.worker.init(init);
      if (setup.producer !== setup.worker) await setup.producer.init(init);
      await setup.worker.start();
    }
    await sleep(ctx.scale.idleBeforeSingleMs);
    for (const setup of setups) {
      const group = `1 job after ${idleSeconds} s idle, ${setup.mode}`;
      await setup.producer.produce({ rate: 1, count: 1, seqStart: 0 });
      await waitForCompleted([setup.worker], 1, 15_000);
      const { starts } = await setup.worker.collect();
      const latency = distribution(starts.map(([, at, startedAt]) => startedAt - at));
      checks.push(
        checkExactlyOnce(starts, 0, 1, {
          system: setup.system,
          group,
          rep: 0,
          unfinishedInDb: null,
        }),
      );
      rows.add(setup.system, group, 'p50 latency', 'ms', 'lower', latency.p50);
      ctx.log(`pickup ${group} ${setup.system}: ${latency.p50.toFixed(1)} ms`);
    }
  } finally {
    for (const setup of setups) {
      await setup.worker.close();
      if (setup.producer !== setup.worker) await setup.producer.close();
      await dropDb(ctx, setup.dbName);
    }
  }
}
