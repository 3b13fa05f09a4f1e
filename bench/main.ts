/**
 * `npm run bench`: every scenario for Docket and for Agenda 6 on one MongoDB server, in one
 * run, alternating the two, several repetitions; results in `bench/results/*.json` and the
 * report in `docs/benchmarks.md` (see `--help`).
 */
import { MongoClient } from 'mongodb';
import { startStandIn } from '@docket/mongo-stand-in';
import { startEphemeralMongo, type EphemeralMongo } from '../src/testing';
import { parseArgs, type BenchOptions, type ScenarioName } from './lib/args';
import { WorkerPool, type BenchContext, type BenchServer } from './lib/bench-context';
import { describeMachine } from './lib/machine';
import { writeReport } from './lib/report';
import {
  ceilingsByMode,
  readResults,
  writeJson,
  type ProbedCeiling,
  type RunSummary,
  type ScenarioResult,
  type ServerInfo,
} from './lib/results';
import { chooseScale } from './lib/scale';
import { SCENARIOS } from './lib/args';
import { otherTopology } from './lib/topology';
import type { ProbeReply } from './workers/protocol';
import { runBacklog } from './scenarios/backlog';
import { runDrain } from './scenarios/drain';
import { runEnqueue } from './scenarios/enqueue';
import { runIdle } from './scenarios/idle';
import { runPickup } from './scenarios/pickup';
import { runRecurring } from './scenarios/recurring';

const RUNNERS: Record<ScenarioName, (ctx: BenchContext) => Promise<ScenarioResult>> = {
  drain: runDrain,
  enqueue: runEnqueue,
  pickup: runPickup,
  idle: runIdle,
  backlog: runBacklog,
  recurring: runRecurring,
};

/** What a run produced. */
export interface BenchOutcome {
  readonly run: RunSummary | null;
  readonly results: readonly ScenarioResult[];
  readonly resultFiles: readonly string[];
  readonly reportPath: string | null;
}

/** Runs the bench (the entry point of `npm run bench` and of the CI smoke test). */
export async function runBench(
  options: BenchOptions,
  log: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
): Promise<BenchOutcome> {
  if (options.reportOnly) {
    const reportPath = await regenerateReport(options);
    return { run: null, results: [], resultFiles: [], reportPath };
  }
  const began = Date.now();
  const mongo = await startEphemeralMongo();
  let admin: MongoClient | undefined;
  let pool: WorkerPool | undefined;
  let second: { readonly uri: string; stop(): Promise<void> } | undefined;
  let secondAdmin: MongoClient | undefined;
  try {
    admin = await new MongoClient(mongo.uri).connect();
    const scale = chooseScale(options.quick, mongo.kind === 'stand-in');
    const repsOf = (name: ScenarioName): number => options.reps ?? scale.reps[name];
    log(`bench: ${scale.name} scale, server ${mongo.kind} (${mongo.reason})`);
    pool = await WorkerPool.create(scale.poolSize);
    log(
      `bench: ${scale.poolSize} worker processes per system ready after ${Date.now() - began} ms`,
    );
    const server = await describeServer(mongo, admin, pool, scale.drainJobs);
    log(`bench: ${server.kind} ${server.version} (${server.topology}), ${ceilingLine(server)}`);
    const servers: BenchServer[] = [{ uri: mongo.uri, topology: server.topology, admin }];
    if (mongo.kind === 'stand-in') {
      // The scenarios that compare topologies also run on a stand-in of the other mode, in
      // this process like the ceiling probe's: one run, one machine state, both topologies.
      const topology = otherTopology(server.topology);
      second = await startStandIn(topology === 'replica set' ? { replicaSet: 'bench' } : {});
      secondAdmin = await new MongoClient(second.uri).connect();
      servers.push({ uri: second.uri, topology, admin: secondAdmin });
      log(`bench: a second stand-in, ${topology}, for the scenarios that compare topologies`);
    } else {
      const which = mongo.kind === 'external' ? 'an external server' : `a ${mongo.kind}`;
      log(`bench: ${server.topology} only (beside ${which}, no server of the other topology)`);
    }
    const base: Omit<BenchContext, 'reps'> = {
      uri: mongo.uri,
      repsOverride: options.reps,
      server,
      servers,
      machine: describeMachine(),
      scale,
      pool,
      admin,
      log,
    };
    const results: ScenarioResult[] = [];
    const resultFiles: string[] = [];
    for (const name of options.scenarios) {
      const scenarioBegan = Date.now();
      log(`bench: scenario ${name}, ${repsOf(name)} repetition(s)`);
      const result = await RUNNERS[name]({ ...base, reps: repsOf(name) });
      results.push(result);
      resultFiles.push(await writeJson(options.resultsDir, name, result));
      log(`bench: scenario ${name} done in ${((Date.now() - scenarioBegan) / 1000).toFixed(1)} s`);
    }
    const run: RunSummary = {
      generatedAt: new Date().toISOString(),
      durationMs: Date.now() - began,
      scale: scale.name,
      quick: options.quick,
      reps: Object.fromEntries(options.scenarios.map((name) => [name, repsOf(name)])),
      scenarios: options.scenarios,
      machine: base.machine,
      server,
      topologies: servers.map((s) => s.topology),
    };
    resultFiles.push(await writeJson(options.resultsDir, 'run', run));
    const reportPath = await regenerateReport(options);
    log(`bench: done in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return { run, results, resultFiles, reportPath };
  } finally {
    await pool?.dispose();
    await admin?.close();
    await secondAdmin?.close();
    await second?.stop();
    await mongo.stop();
  }
}

async function regenerateReport(options: BenchOptions): Promise<string | null> {
  if (options.reportPath === null) return null;
  const { run, scenarios } = await readResults(options.resultsDir, SCENARIOS);
  await writeReport(options.reportPath, run, scenarios);
  return options.reportPath;
}

/** The server's kind, version, topology and raw ceiling. */
async function describeServer(
  mongo: EphemeralMongo,
  admin: MongoClient,
  pool: WorkerPool,
  docs: number,
): Promise<ServerInfo> {
  const hello = await admin.db('admin').command({ hello: 1 });
  const build = await admin.db('admin').command({ buildInfo: 1 });
  const concurrency = 8;
  const [prober] = pool.take('docket', 1);
  const dbName = `bench_probe_${process.pid}`;
  const topology = typeof hello.setName === 'string' ? 'replica set' : 'standalone';
  const described = {
    kind: mongo.kind,
    reason: mongo.reason,
    version: String(build.version ?? 'unknown'),
    topology,
  } as const;
  if (mongo.kind !== 'stand-in') {
    const { ceilings } = await prober.probe({
      uris: [mongo.uri],
      dbName,
      windowMs: 1_000,
      rounds: 3,
      concurrency,
      docs,
    });
    return { ...described, ceiling: { ...ceilings[0], docs, concurrency } };
  }
  // The stand-in's two modes, each a fresh stand-in of this process, measured side by side
  // in interleaved windows (see ceiling-probe.ts): probed one after the other, the figures
  // of one mode drift by 10-20% between probes on this machine, more than what is compared.
  const standaloneStandIn = await startStandIn({});
  const replicaSetStandIn = await startStandIn({ replicaSet: 'bench' });
  let reply: ProbeReply;
  try {
    reply = await prober.probe({
      uris: [standaloneStandIn.uri, replicaSetStandIn.uri],
      dbName,
      windowMs: 500,
      rounds: docs >= 1_000 ? 25 : 1,
      concurrency,
      docs,
    });
  } finally {
    await standaloneStandIn.stop();
    await replicaSetStandIn.stop();
  }
  const [standalone, replicaSet] = reply.ceilings;
  const [own, other] =
    topology === 'standalone' ? [standalone, { replicaSet }] : [replicaSet, { standalone }];
  return {
    ...described,
    ceiling: { ...own, docs, concurrency, ...other, replicaSetClaimRatio: reply.claimRatios[1] },
  };
}

/** `ceiling N claim-shaped / N point findOneAndUpdate/s`, and the stand-in's two modes. */
function ceilingLine(server: ServerInfo): string {
  const { claimPerSec, pointPerSec } = server.ceiling;
  const pair = (ceiling: ProbedCeiling) =>
    `${ceiling.claimPerSec.toFixed(0)} claim-shaped / ${ceiling.pointPerSec.toFixed(0)} point findOneAndUpdate/s`;
  const modes = ceilingsByMode(server);
  if (!modes) return `ceiling ${pair({ claimPerSec, pointPerSec })}`;
  const ratio = 100 * modes.claimRatio;
  return (
    `ceiling ${pair(modes.standalone)} in standalone mode, ${pair(modes.replicaSet)} in ` +
    `replica-set mode (${ratio.toFixed(0)}% of standalone, claim-shaped)`
  );
}

if (require.main === module) {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  runBench(options).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(
        `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
