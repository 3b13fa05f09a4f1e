import { dbNameFor, dropDb, sleep, systemsInOrder, type BenchContext } from '../lib/bench-context';
import { sumCounts } from '../lib/command-counter';
import type { CommandBreakdown, OnceCheck, ScenarioResult } from '../lib/results';
import { RowCollector, perJob } from '../lib/scenario-helpers';
import { THROUGHPUT_SETTINGS } from '../lib/settings';
import { distribution } from '../lib/stats';
import { nowMs, type SystemName, type TickRecord } from '../workers/protocol';
import { scenarioResult } from './scenario-result';

/** Occurrences this close to the end of the window are not expected yet. */
const END_SLACK_MS = 2_000;

/**
 * Scenario 6: every-second recurring jobs run by several processes: each occurrence must run
 * exactly once, on time.
 */
export async function runRecurring(ctx: BenchContext): Promise<ScenarioResult> {
  const began = Date.now();
  const {
    recurringJobs: count,
    recurringProcesses: processes,
    recurringWindowMs,
    recurringWarmUpMs,
  } = ctx.scale;
  const ids = Array.from({ length: count }, (_, i) => `tick-${i}`);
  const rows = new RowCollector();
  const checks: OnceCheck[] = [];
  const commands: CommandBreakdown[] = [];
  const group = `${count} every-second jobs, ${processes} processes`;
  // One repetition: each takes the whole window, and occurrences are many samples already.
  const rep = 0;
  const breakdown: Record<SystemName, Record<string, number>> = { docket: {}, agenda: {} };
  for (const system of systemsInOrder(rep)) {
    const dbName = dbNameFor('recurring', system, rep);
    const workers = ctx.pool.take(system, processes);
    try {
      await Promise.all(
        workers.map((worker) =>
          worker.init({ uri: ctx.uri, dbName, ...THROUGHPUT_SETTINGS, recurringIds: ids }),
        ),
      );
      await Promise.all(workers.map((worker) => worker.start()));
      await workers[0].recurring(ids);
      await sleep(recurringWarmUpMs);
      await Promise.all(workers.map((worker) => worker.reset()));
      const windowStart = nowMs();
      await sleep(recurringWindowMs);
      const windowEnd = nowMs();
      const collected = await Promise.all(workers.map((worker) => worker.collect()));
      await Promise.all(workers.map((worker) => worker.close()));
      const ticks = collected.flatMap((c) => c.ticks);
      const outcome = analyse(ticks, ids, windowStart, windowEnd);
      const counts = sumCounts(collected.map((c) => c.commands));
      const seconds = (windowEnd - windowStart) / 1000;
      rows.add(system, group, 'drift p50', 'ms', 'lower', outcome.drift.p50);
      rows.add(system, group, 'drift p99', 'ms', 'lower', outcome.drift.p99);
      rows.add(system, group, 'drift max', 'ms', 'lower', outcome.drift.max);
      rows.add(system, group, 'duplicates', 'runs', 'lower', outcome.duplicates);
      rows.add(system, group, 'misses', 'occurrences', 'lower', outcome.misses);
      rows.add(
        system,
        group,
        'commands per occurrence',
        'cmd',
        'lower',
        counts.total / Math.max(1, outcome.expected),
      );
      rows.add(
        system,
        group,
        'commands per second per process',
        'cmd/s',
        'lower',
        counts.total / processes / seconds,
      );
      breakdown[system] = perJob(counts, Math.max(1, outcome.expected));
      checks.push({
        system,
        group,
        rep,
        expected: outcome.expected,
        ran: outcome.expected - outcome.misses,
        duplicates: outcome.duplicates,
        missing: outcome.misses,
        unfinishedInDb: null,
        ok: outcome.duplicates === 0 && outcome.misses === 0,
      });
      ctx.log(
        `recurring ${system}: drift p50 ${outcome.drift.p50.toFixed(0)} ms p99 ${outcome.drift.p99.toFixed(0)} ms, ` +
          `${outcome.duplicates} duplicates, ${outcome.misses} misses of ${outcome.expected}`,
      );
    } finally {
      await dropDb(ctx, dbName);
    }
  }
  commands.push({ group: `${group} (per occurrence)`, ...breakdown });
  return scenarioResult(ctx, {
    scenario: 'recurring',
    title: 'Recurring: every-second jobs across processes',
    method:
      `${count} recurring jobs with the cron expression \`* * * * * *\` (every second), registered once ` +
      `(Docket: \`addOrUpdateRecurring\`; Agenda: \`every()\`, one job name per recurring job, defined in ` +
      `every process) and run by ${processes} worker processes for ${recurringWindowMs / 1000} s after a ` +
      `${recurringWarmUpMs / 1000} s warm-up. Every whole second of the window (but the last ${END_SLACK_MS / 1000} s) ` +
      `is an expected occurrence of every job. Drift is handler start − occurrence instant. Docket's ` +
      `occurrence is exact (its job id is \`<recurringId>@<instant>\`); Agenda keeps no occurrence on the ` +
      `job, so its run is attributed to the second it started in (drift is then 0..999 ms, and a run ` +
      `later than a second shows as a miss plus a duplicate).`,
    began,
    settings: THROUGHPUT_SETTINGS,
    notes: ['One repetition per system: each window already holds (jobs × seconds) occurrences.'],
    rows: rows.build(),
    checks,
    commands,
    charts: [
      {
        id: 'recurring-drift',
        title: 'Recurring start drift p99 (ms, lower is better)',
        metric: 'drift p99',
      },
    ],
  });
}

interface RecurringOutcome {
  readonly expected: number;
  readonly duplicates: number;
  readonly misses: number;
  readonly drift: ReturnType<typeof distribution>;
}

function analyse(
  ticks: readonly TickRecord[],
  ids: readonly string[],
  windowStart: number,
  windowEnd: number,
): RecurringOutcome {
  const first = Math.ceil(windowStart / 1000) * 1000;
  const last = windowEnd - END_SLACK_MS;
  const runs = new Map<string, number[]>();
  for (const [rid, occurrence, startedAt] of ticks) {
    const at = occurrence ?? Math.floor(startedAt / 1000) * 1000;
    if (at < first || at > last) continue;
    const key = `${rid}@${at}`;
    const list = runs.get(key);
    if (list) list.push(startedAt - at);
    else runs.set(key, [startedAt - at]);
  }
  let expected = 0;
  let duplicates = 0;
  let misses = 0;
  const drifts: number[] = [];
  for (let at = first; at <= last; at += 1000) {
    for (const rid of ids) {
      expected++;
      const list = runs.get(`${rid}@${at}`);
      if (!list) {
        misses++;
        continue;
      }
      duplicates += list.length - 1;
      drifts.push(...list);
    }
  }
  return { expected, duplicates, misses, drift: distribution(drifts) };
}
