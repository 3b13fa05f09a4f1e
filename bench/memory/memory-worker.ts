/**
 * The worker process of `npm run bench:memory`: one Docket server, draining what the parent
 * asks for, then reporting its heap after a full garbage collection (and writing a heap
 * snapshot when asked).
 */
import 'reflect-metadata';
import { writeHeapSnapshot } from 'node:v8';
import { MongoClient } from 'mongodb';
import { container } from 'tsyringe';
import { createLogger, transports } from 'winston';
import { Docket } from '../../src';
import { heapAfterCollectionMb } from '../lib/server-heap';
import { MemoryHandler, WORKLOAD, memoryJob } from './memory-jobs';
import type { MemoryReply, MemoryRequest } from './memory-protocol';

/** Jobs per `enqueueMany` call (or per round of concurrent `schedule` calls). */
const ENQUEUE_BATCH = 1_000;
/** How far ahead `scheduled` jobs are due (ms). */
const SCHEDULED_DELAY_MS = 20;

function send(reply: MemoryReply): void {
  process.send?.(reply);
}

async function main(): Promise<void> {
  const [uri, dbName] = process.argv.slice(2);
  const client = await new MongoClient(uri).connect();
  const docket = await Docket.create({
    mongo: { client, dbName },
    container: container.createChildContainer(),
    handlers: [MemoryHandler],
    logger: createLogger({ level: 'error', transports: [new transports.Console()] }),
  });
  let succeeded = 0;
  let target = 0;
  let reached: (() => void) | undefined;
  docket.on('job.succeeded', () => {
    if (++succeeded >= target) reached?.();
  });
  docket.on('error', ({ error, context }) =>
    process.stderr.write(`memory worker: ${context}: ${error.message}\n`),
  );
  await docket.startServer({ concurrency: 50 });

  const drain = async (request: Extract<MemoryRequest, { op: 'drain' }>): Promise<void> => {
    target = succeeded + request.jobs;
    const drained = new Promise<void>((resolve) => (reached = resolve));
    for (let from = 0; request.enqueue && from < request.jobs; from += ENQUEUE_BATCH) {
      const jobs = [];
      for (let seq = from; seq < Math.min(request.jobs, from + ENQUEUE_BATCH); seq++)
        jobs.push(memoryJob(seq));
      if (WORKLOAD === 'scheduled') {
        await Promise.all(
          jobs.map((job) => docket.scheduler.schedule(job, { delayMs: SCHEDULED_DELAY_MS })),
        );
      } else {
        await docket.scheduler.enqueueMany(jobs);
      }
    }
    send({ kind: 'enqueued' });
    await drained;
    // The last outcomes' writes and events settle before the heap is measured.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const heapAfterGcMb = heapAfterCollectionMb();
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    if (request.snapshot !== undefined) writeHeapSnapshot(request.snapshot);
    send({ kind: 'drained', succeeded, heapAfterGcMb, rssMb });
  };

  process.on('message', (request: MemoryRequest) => {
    if (request.op === 'drain') {
      drain(request).catch((error: unknown) => {
        process.stderr.write(`memory worker: ${String(error)}\n`);
        process.exit(1);
      });
    } else {
      void docket
        .close()
        .then(() => client.close())
        .finally(() => process.exit(0));
    }
  });
  send({ kind: 'ready' });
}

void main();
