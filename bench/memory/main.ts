/**
 * `npm run bench:memory`: whether a Docket worker retains memory per job. One worker process
 * runs a Docket server and drains jobs up to each checkpoint in turn (1,000, 10,000, 50,000
 * and 100,000 jobs by default); after each, it reports its heap after a full garbage
 * collection (what it retains) and its RSS (which also counts what V8 keeps of the heap it
 * grew). With `--snapshots <dir>` it writes a heap snapshot at each checkpoint;
 * `bench/memory/heap-snapshot-diff.ts` tells which objects grew between two of them.
 *
 * usage: npm run bench:memory -- [--jobs 1000,10000,...] [--workload noop|log|retry|scheduled]
 *        [--producer self|other] [--topology replica-set|standalone] [--snapshots <dir>]
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { container } from 'tsyringe';
import { Docket } from '../../src';
import { startEphemeralMongo, type EphemeralMongoTopology } from '../../src/testing';
import { MemoryJob, memoryJob } from './memory-jobs';
import type { MemoryProducer, MemoryReply, MemoryRequest, MemoryWorkload } from './memory-protocol';

const DB_NAME = 'bench_memory';
const ENQUEUE_BATCH = 1_000;

/** Replies of the worker, in order, whether or not someone waits for them yet. */
class Replies {
  private readonly queued: MemoryReply[] = [];
  private readonly waiting: Array<(reply: MemoryReply) => void> = [];

  push(reply: MemoryReply): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(reply);
    else this.queued.push(reply);
  }

  async next<K extends MemoryReply['kind']>(kind: K): Promise<Extract<MemoryReply, { kind: K }>> {
    const reply =
      this.queued.shift() ?? (await new Promise<MemoryReply>((r) => this.waiting.push(r)));
    if (reply.kind !== kind) throw new Error(`the worker sent '${reply.kind}', not '${kind}'`);
    return reply as Extract<MemoryReply, { kind: K }>;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '1000,10000,50000,100000' },
      workload: { type: 'string', default: 'noop' },
      producer: { type: 'string', default: 'self' },
      topology: { type: 'string', default: 'replica-set' },
      snapshots: { type: 'string' },
    },
  });
  const checkpoints = values.jobs.split(',').map(Number);
  const workload = values.workload as MemoryWorkload;
  const producer = values.producer as MemoryProducer;
  if (checkpoints.some((n, i) => !Number.isInteger(n) || n <= (checkpoints[i - 1] ?? 0)))
    throw new Error(`--jobs must be increasing integers, got ${values.jobs}`);
  if (!['noop', 'log', 'retry', 'scheduled'].includes(workload))
    throw new Error(`--workload must be noop, log, retry or scheduled, got ${workload}`);
  if (!['self', 'other'].includes(producer))
    throw new Error(`--producer must be self or other, got ${producer}`);
  if (values.snapshots !== undefined) mkdirSync(values.snapshots, { recursive: true });

  const mongo = await startEphemeralMongo({
    topology: values.topology as EphemeralMongoTopology,
  });
  const admin = await new MongoClient(mongo.uri).connect();
  await admin.db(DB_NAME).dropDatabase();
  const enqueuer =
    producer === 'other'
      ? await Docket.create({
          mongo: { client: admin, dbName: DB_NAME },
          container: container.createChildContainer(),
          handlers: [],
        })
      : undefined;
  const worker = fork(join(__dirname, 'memory-worker.ts'), [mongo.uri, DB_NAME], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, MEMORY_WORKLOAD: workload },
  });
  const replies = new Replies();
  worker.on('message', (reply: MemoryReply) => replies.push(reply));
  worker.on('exit', (code) => {
    if (code !== 0) {
      process.stderr.write(`the memory worker exited with ${code}\n`);
      process.exit(1);
    }
  });
  try {
    await replies.next('ready');
    process.stdout.write(
      `workload ${workload}, enqueued by ${producer === 'self' ? 'the worker' : 'another process'}, ${mongo.kind} ${values.topology}\n` +
        'jobs\theap after GC (MiB)\tRSS (MiB)\tseconds\n',
    );
    let before = 0;
    for (const checkpoint of checkpoints) {
      const began = Date.now();
      const jobs = checkpoint - before;
      before = checkpoint;
      const snapshot =
        values.snapshots === undefined
          ? undefined
          : join(values.snapshots, `${workload}-${checkpoint}.heapsnapshot`);
      const request: MemoryRequest = { op: 'drain', jobs, enqueue: !enqueuer, snapshot };
      worker.send(request);
      await replies.next('enqueued');
      for (let from = 0; enqueuer && from < jobs; from += ENQUEUE_BATCH) {
        const batch: MemoryJob[] = [];
        for (let seq = from; seq < Math.min(jobs, from + ENQUEUE_BATCH); seq++)
          batch.push(memoryJob(seq));
        await enqueuer.scheduler.enqueueMany(batch);
      }
      const drained = await replies.next('drained');
      process.stdout.write(
        `${checkpoint}\t${drained.heapAfterGcMb.toFixed(2)}\t${drained.rssMb.toFixed(1)}\t` +
          `${((Date.now() - began) / 1000).toFixed(1)}${snapshot ? `\t${snapshot}` : ''}\n`,
      );
      // The server's work per claim grows with the jobs it stores: keep only unfinished ones.
      await admin.db(DB_NAME).collection('docket.jobs').deleteMany({ state: 'succeeded' });
    }
    worker.send({ op: 'close' } satisfies MemoryRequest);
    await new Promise((resolve) => worker.once('exit', resolve));
  } finally {
    await enqueuer?.close();
    await admin
      .db(DB_NAME)
      .dropDatabase()
      .catch(() => undefined);
    await admin.close();
    await mongo.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
