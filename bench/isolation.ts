/**
 * `npm run bench:isolation`: what running a handler in a worker thread or a child process
 * costs against running it inline. For each mode, on one server (concurrency 4): the drain
 * rate of pre-loaded no-op jobs, and the pickup latency (enqueue → handler start) of jobs
 * enqueued one at a time on an idle server. The workers are started (a warm-up drain)
 * before anything is measured: their start is paid once per worker, not per job.
 *
 * The modes take turns over several repetitions (each starting with a different mode), and
 * each figure is the median of its mode's repetitions.
 *
 * Usage: `npm run bench:isolation -- [jobs] [pickups] [reps]` (default 500, 50 and 3).
 */
import 'reflect-metadata';
import { container as rootContainer } from 'tsyringe';
import { createLogger, transports } from 'winston';
import { Docket, JOB_SCHEDULER, type IJobScheduler, type IsolationMode } from '../src';
import { startEphemeralMongo } from '../src/testing';
import { NOOP_HANDLERS, NOOP_JOBS } from './isolation-jobs';

const CONCURRENCY = 4;
const MODES: readonly IsolationMode[] = ['inline', 'thread', 'process'];

interface ModeResult {
  readonly mode: IsolationMode;
  readonly jobsPerSecond: number;
  readonly pickupP50Ms: number;
  readonly pickupP95Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Resolves once `count` jobs succeeded (counted from now). */
function succeeded(docket: Docket, count: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let seen = 0;
    const off = docket.on('job.succeeded', () => {
      if (++seen < count) return;
      off();
      resolve();
    });
  });
}

async function drain(docket: Docket, scheduler: IJobScheduler, mode: IsolationMode, jobs: number) {
  const all = succeeded(docket, jobs);
  const started = performance.now();
  for (let i = 0; i < jobs; i += 100) {
    const batch = Array.from({ length: Math.min(100, jobs - i) }, () => new NOOP_JOBS[mode]());
    await scheduler.enqueueMany(batch);
  }
  await all;
  return performance.now() - started;
}

async function measure(
  docket: Docket,
  scheduler: IJobScheduler,
  mode: IsolationMode,
  jobs: number,
  pickups: number,
): Promise<ModeResult> {
  const drainMs = await drain(docket, scheduler, mode, jobs);
  const latencies: number[] = [];
  for (let i = 0; i < pickups; i++) {
    const enqueuedAt = Date.now();
    const id = await scheduler.enqueue(new NOOP_JOBS[mode]());
    const { result } = await scheduler.waitForJob(id, { timeoutMs: 60_000 });
    latencies.push((result as number) - enqueuedAt);
  }
  latencies.sort((a, b) => a - b);
  return {
    mode,
    jobsPerSecond: Math.round((jobs / drainMs) * 1000),
    pickupP50Ms: percentile(latencies, 50),
    pickupP95Ms: percentile(latencies, 95),
  };
}

async function main(): Promise<void> {
  const jobs = Number(process.argv[2] ?? 500);
  const pickups = Number(process.argv[3] ?? 50);
  const reps = Number(process.argv[4] ?? 3);
  const mongo = await startEphemeralMongo();
  const container = rootContainer.createChildContainer();
  const docket = await Docket.create({
    mongo: { uri: mongo.uri, dbName: 'bench_isolation' },
    container,
    handlers: NOOP_HANDLERS,
    logger: createLogger({ level: 'error', transports: [new transports.Console()] }),
  });
  const results: ModeResult[] = [];
  const warmUpMs = new Map<IsolationMode, number>();
  try {
    await docket.startServer({
      concurrency: CONCURRENCY,
      isolation: { bootstrap: require.resolve('./isolation-jobs') },
    });
    const scheduler = container.resolve<IJobScheduler>(JOB_SCHEDULER);
    // Starts each mode's workers (and warms the server up) before anything is measured.
    for (const mode of MODES) {
      warmUpMs.set(mode, Math.round(await drain(docket, scheduler, mode, CONCURRENCY * 5)));
    }
    for (let rep = 0; rep < reps; rep++) {
      for (let i = 0; i < MODES.length; i++) {
        const mode = MODES[(rep + i) % MODES.length]!;
        results.push(await measure(docket, scheduler, mode, jobs, pickups));
      }
    }
    await docket.database.dropDatabase();
  } finally {
    await docket.close();
    await mongo.stop();
  }
  const loader = __filename.endsWith('.ts') ? ', workers load TypeScript through ts-node' : '';
  console.log(
    `\nisolation overhead: ${jobs} no-op jobs drained, ${pickups} pickups, concurrency ${CONCURRENCY}, ${mongo.kind}, median of ${reps} repetitions${loader}\n`,
  );
  console.log('| isolation | drain (jobs/s) | pickup p50 (ms) | pickup p95 (ms) | warm-up (ms) |');
  console.log('| --------- | -------------: | --------------: | --------------: | -----------: |');
  for (const mode of MODES) {
    const runs = results.filter((r) => r.mode === mode);
    const median = (pick: (r: ModeResult) => number) =>
      percentile(
        runs.map(pick).sort((a, b) => a - b),
        50,
      );
    console.log(
      `| ${mode} | ${median((r) => r.jobsPerSecond)} | ${median((r) => r.pickupP50Ms)} | ${median((r) => r.pickupP95Ms)} | ${warmUpMs.get(mode)} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
