/**
 * `npm run faults`: the fault-injection suite. Several worker processes share one MongoDB
 * while the suite kills, freezes and stops them, cuts and stalls their connections, fails
 * their commands on the server, skews their clocks, lets their handlers overrun, and throws
 * generated bad input at the public API and the dashboard; then it prints one table of what
 * went wrong (see docs/faults.md). Exit code 1 when any bad column is non-zero.
 */
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { MongoClient } from 'mongodb';
import { parseArgs, USAGE, type FaultsArgs } from './cli-args';
import { badCells, emptyResult, type ScenarioResult } from './report/scenario-result';
import { renderDetails, renderTable } from './report/table';
import { randomSeed, Rng } from './support/rng';
import { DatabaseLatencyMonitor } from './support/database-latency';
import { StallMonitor } from './support/stall-monitor';
import type { RunContext } from './support/scenario-db';
import { startMongoHost } from './support/mongo-host';
import { buildWorker } from '../helpers/worker-build';
import { WorkerPool } from './support/worker-pool';
import { badInputs } from './scenarios/bad-inputs';
import { clockSkew } from './scenarios/clock-skew';
import { exactlyOnce } from './scenarios/exactly-once';
import { failPoints } from './scenarios/fail-points';
import { leaseLoss } from './scenarios/lease-loss';
import { networkFaults } from './scenarios/network-faults';
import { overrunLimits } from './scenarios/overrun-limits';
import { sigkillSoak } from './scenarios/sigkill-soak';
import { sigtermSoak } from './scenarios/sigterm-soak';
import { stepDown } from './scenarios/step-down';

/** Every scenario, by the key `--only` takes, in the order of the table. */
const SCENARIOS: ReadonlyArray<[string, (run: RunContext) => Promise<ScenarioResult>]> = [
  ['sigkill', sigkillSoak],
  ['sigterm', sigtermSoak],
  ['sigstop', leaseLoss],
  ['exactly-once', exactlyOnce],
  ['network', networkFaults],
  ['fail-points', failPoints],
  ['step-down', stepDown],
  ['clock-skew', clockSkew],
  ['overrun', overrunLimits],
  ['bad-input', badInputs],
];

/**
 * How `--quick` runs them: these lanes side by side (most of a scenario's time is waiting
 * for leases, pauses and drains), then the last lane alone: the step-down (server-wide: it
 * would hit every other scenario's workers) and bad input (it keeps the runner busy). The
 * full suite runs one scenario at a time.
 */
const QUICK_LANES: readonly (readonly string[])[] = [
  ['sigkill', 'clock-skew', 'overrun'],
  ['sigterm', 'network', 'exactly-once'],
  ['sigstop', 'fail-points'],
  ['step-down', 'bad-input'],
];

/** About how many worker processes each scenario takes (quick, full): what the pool prepares. */
const WORKERS: Readonly<Record<string, readonly [number, number]>> = {
  sigkill: [6, 27],
  sigterm: [5, 15],
  sigstop: [3, 3],
  'exactly-once': [4, 9],
  network: [3, 3],
  'fail-points': [4, 7],
  'step-down': [4, 4],
  'clock-skew': [3, 3],
  overrun: [2, 2],
  'bad-input': [0, 0],
};

const log = (message: string) => process.stderr.write(`faults: ${message}\n`);

async function main(args: FaultsArgs): Promise<number> {
  const unknown = args.only.filter((key) => !SCENARIOS.some(([name]) => name === key));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}`);
  const seed = args.seed ?? randomSeed();
  const selected = (key: string) => args.only.length === 0 || args.only.includes(key);
  let runnerUnhandled = 0;
  process.on('unhandledRejection', (reason) => {
    runnerUnhandled++;
    log(`unhandled rejection in the runner: ${String(reason)}`);
  });
  const began = Date.now();
  const stalls = new StallMonitor().start();
  // Transpiling keeps the runner busy for seconds: before anything depends on it.
  const build = await buildWorker('test/faults/workers/fault-worker.ts');
  const mongo = await startMongoHost();
  const client = await new MongoClient(mongo.uri).connect();
  // Its own connection: the pings must not queue behind the runner's work.
  const pinger = await new MongoClient(mongo.uri).connect();
  const latency = new DatabaseLatencyMonitor(pinger).start();
  const budget = SCENARIOS.filter(([key]) => selected(key)).reduce(
    (sum, [key]) => sum + WORKERS[key][args.quick ? 0 : 1],
    0,
  );
  const pool = await WorkerPool.create(build, mongo.uri, client, {
    // Quick lanes start three fleets at once.
    size: args.quick ? 9 : 3,
    budget,
    dbName: `faults_pool_${seed}`,
  });
  process.stdout.write(
    `faults: seed ${seed}${args.quick ? ', quick' : ''}; MongoDB: ${mongo.kind} (${mongo.reason}); ` +
      `rerun with: npm run faults --${args.quick ? ' --quick' : ''} --seed ${seed}\n`,
  );
  const run: RunContext = {
    uri: mongo.uri,
    kind: mongo.kind,
    transactionLifetimeLimitS: mongo.transactionLifetimeLimitS,
    quick: args.quick,
    keep: args.keep,
    seed,
    rng: new Rng(seed),
    pool,
    client,
    stalls,
    latency,
    log,
    runnerUnhandled: () => runnerUnhandled,
  };
  const results = new Map<string, ScenarioResult>();
  const runOne = async (key: string) => {
    const scenario = SCENARIOS.find(([name]) => name === key)![1];
    try {
      results.set(key, await scenario(run));
    } catch (error) {
      const failed = emptyResult(key);
      failed.error = error instanceof Error ? error.message : String(error);
      results.set(key, failed);
    }
  };
  const lanes = args.quick
    ? QUICK_LANES.map((lane) => lane.filter(selected))
    : SCENARIOS.filter(([key]) => selected(key)).map(([key]) => [key]);
  try {
    // Lanes side by side in quick mode: all but the last (step-down, bad input) together.
    const together = args.quick ? lanes.slice(0, -1) : [];
    const after = args.quick ? lanes.slice(-1) : lanes;
    await Promise.all(
      together.map(async (lane) => {
        for (const key of lane) await runOne(key);
      }),
    );
    for (const lane of after) for (const key of lane) await runOne(key);
  } finally {
    await latency.stop();
    await pinger.close().catch(() => undefined);
    await pool.close().catch(() => undefined);
    await client.close().catch(() => undefined);
    await mongo.stop().catch(() => undefined);
    await build.dispose().catch(() => undefined);
  }
  const ordered = SCENARIOS.flatMap(([key]) => results.get(key) ?? []);
  const bad = ordered.filter((result) => badCells(result).length > 0);
  process.stdout.write(`\n${renderTable(ordered)}\n\n${renderDetails(ordered)}\n`);
  process.stdout.write(
    `\nfaults: ${ordered.length} scenarios in ${((Date.now() - began) / 1000).toFixed(0)} s, ` +
      `seed ${seed}: ${bad.length === 0 ? 'no bad cells' : `bad cells in ${bad.map((r) => r.scenario).join(', ')}`}\n`,
  );
  if (args.json !== undefined) {
    await writeFile(
      args.json,
      `${JSON.stringify({ seed, quick: args.quick, mongo: mongo.kind, results: ordered }, null, 2)}\n`,
    );
  }
  return bad.length === 0 ? 0 : 1;
}

let args: FaultsArgs;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `faults: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`,
  );
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${USAGE}\nScenarios: ${SCENARIOS.map(([key]) => key).join(', ')}\n`);
  process.exit(0);
}
main(args).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `faults: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
