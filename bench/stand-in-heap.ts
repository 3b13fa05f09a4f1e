/**
 * `npm run bench:heap`: the stand-in's heap holding a drained backlog, measured alone. The
 * stand-in runs in this process and nothing else does; one Docket worker process (the
 * bench's) stores the backlog with `enqueueMany` and drains it, as the drain scenario's
 * one-process case does. Prints the heap after a full collection before the drain (the empty
 * server) and after it (the finished jobs stored), what the process holds outside the heap
 * (the change log's BSON among it), the drain's rate and the stand-in's CPU time per job: a
 * focused reading of the drain scenario's `stand-in heap with the jobs` row, in a minute or
 * two instead of the scenario's many.
 *
 * Options: `--jobs N` (50000), `--standalone` (a replica set otherwise), `--snapshot FILE`
 * (a heap snapshot after the drain).
 */
import { writeHeapSnapshot } from 'node:v8';
import { MongoClient } from 'mongodb';
import { startStandIn } from '@docket/mongo-stand-in';
import { waitForCompleted } from './lib/bench-context';
import { heapAfterCollectionMb } from './lib/server-heap';
import { THROUGHPUT_SETTINGS } from './lib/settings';
import { WorkerHandle } from './lib/worker-pool';

interface HeapArgs {
  readonly jobs: number;
  readonly replicaSet: boolean;
  readonly snapshot: string | undefined;
}

function parseHeapArgs(argv: readonly string[]): HeapArgs {
  let jobs = 50_000;
  let replicaSet = true;
  let snapshot: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--jobs') {
      jobs = Number(argv[++i]);
      if (!Number.isSafeInteger(jobs) || jobs < 1) {
        throw new Error(`--jobs must be a positive integer, got ${argv[i]}`);
      }
    } else if (arg === '--standalone') replicaSet = false;
    else if (arg === '--snapshot') snapshot = argv[++i];
    else
      throw new Error(`unknown argument ${arg} (allowed: --jobs N, --standalone, --snapshot FILE)`);
  }
  return { jobs, replicaSet, snapshot };
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const args = parseHeapArgs(process.argv.slice(2));
  const server = await startStandIn(args.replicaSet ? { replicaSet: 'heap' } : {});
  const worker = await WorkerHandle.spawn('docket', 'docket-heap');
  const admin = await new MongoClient(server.uri).connect();
  try {
    const dbName = 'bench_heap';
    const empty = heapAfterCollectionMb();
    await worker.init({ uri: server.uri, dbName, ...THROUGHPUT_SETTINGS });
    const cpuBefore = process.cpuUsage();
    await worker.preload({ count: args.jobs, seqStart: 0, dueInMs: 0 });
    await worker.reset();
    await worker.start();
    if (!(await waitForCompleted([worker], args.jobs, 600_000))) {
      throw new Error(`the drain of ${args.jobs} jobs timed out`);
    }
    const { starts } = await worker.collect();
    const { lastCompletedAt } = await worker.progress();
    const firstStart = Math.min(...starts.map(([, , startedAt]) => startedAt));
    await worker.close();
    // The stand-in's own CPU time (this process holds little else): on a shared machine, a
    // steadier reading of its cost per job than the drain's wall-clock rate.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPerJobUs = (cpu.user + cpu.system) / args.jobs;
    const rate = args.jobs / ((lastCompletedAt - firstStart) / 1000);
    const unfinished = await admin
      .db(dbName)
      .collection('docket.jobs')
      .countDocuments({ state: { $ne: 'succeeded' } });
    const full = heapAfterCollectionMb();
    const memory = process.memoryUsage();
    const topology = args.replicaSet ? 'replica set' : 'standalone';
    process.stdout.write(
      `${topology}, ${args.jobs} jobs: heap ${empty.toFixed(1)} MiB empty, ` +
        `${full.toFixed(1)} MiB with the drained jobs (${unfinished} unfinished); ` +
        `outside the heap ${mib(memory.external)} (array buffers ${mib(memory.arrayBuffers)}), ` +
        `RSS ${mib(memory.rss)}; drain ${rate.toFixed(0)} jobs/s, ` +
        `stand-in CPU ${cpuPerJobUs.toFixed(0)} µs per job (store and drain)\n`,
    );
    if (args.snapshot) process.stdout.write(`snapshot: ${writeHeapSnapshot(args.snapshot)}\n`);
  } finally {
    await admin.close();
    await worker.dispose();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
