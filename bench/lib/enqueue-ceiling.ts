import { ObjectId, type Db } from 'mongodb';
import type { JobRecord } from '../../src/storage/job-record';
import { MongoJobStore } from '../../src/storage/mongo/mongo-job-store';
import { resolveRetention } from '../../src/storage/retention';
import type { EnqueueArgs, EnqueueReply } from '../workers/protocol';
import { nowMs } from '../workers/protocol';

/** How a producer stores one job, or a batch of them, for an enqueue case's loop. */
export interface EnqueueCalls {
  one(seq: number, enqueuedAt: number): Promise<void>;
  batch(seqs: readonly number[], enqueuedAt: number): Promise<void>;
}

/**
 * An enqueue case's calls: sequential (each awaited), `concurrency` concurrent callers, or
 * bulk calls of `batchSize`; the latency of each call and the elapsed time.
 */
export async function runEnqueueCalls(
  args: EnqueueArgs,
  calls: EnqueueCalls,
): Promise<EnqueueReply> {
  const latencies: number[] = [];
  const began = nowMs();
  if (args.mode === 'bulk') {
    for (let from = 0; from < args.count; from += args.batchSize) {
      const seqs: number[] = [];
      for (let i = from; i < Math.min(args.count, from + args.batchSize); i++) {
        seqs.push(args.seqStart + i);
      }
      const t0 = nowMs();
      await calls.batch(seqs, t0);
      latencies.push(nowMs() - t0);
    }
  } else {
    let next = 0;
    const callers = args.mode === 'sequential' ? 1 : args.concurrency;
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (next < args.count) {
          const seq = args.seqStart + next++;
          const t0 = nowMs();
          await calls.one(seq, t0);
          latencies.push(nowMs() - t0);
        }
      }),
    );
  }
  return { latencies, jobs: args.count, elapsedMs: nowMs() - began };
}

/**
 * The enqueue ceiling: the same calls, each storing the documents Docket stores for its jobs
 * through Docket's storage layer (`insert`, `insertMany`: the job documents, and on a
 * standalone the new-work notices), and nothing else: no payload validation or
 * serialisation, no uniqueness or option checks, no events. What it reaches is what the
 * server gives those commands; an enqueue's share of it is what Docket's own work costs.
 *
 * `template` is a job Docket stored for the same job type (read back once): each call clones
 * it with a fresh id, payload and dates.
 */
export async function enqueueAtCeiling(
  db: Db,
  template: JobRecord,
  args: EnqueueArgs,
): Promise<EnqueueReply> {
  const store = new MongoJobStore(db, 'docket.', resolveRetention(undefined));
  // Finds out the deployment (notices on a standalone); the indexes exist already.
  await store.ensureIndexes();
  const clone = (seq: number, enqueuedAt: number): JobRecord => {
    const now = new Date();
    return {
      ...template,
      _id: new ObjectId().toHexString(),
      payload: { seq, enqueuedAt },
      createdAt: now,
      dueAt: now,
      history: template.history.map((entry) => ({ ...entry, at: now })),
    };
  };
  return runEnqueueCalls(args, {
    one: async (seq, enqueuedAt) => void (await store.insert(clone(seq, enqueuedAt))),
    batch: (seqs, enqueuedAt) => store.insertMany(seqs.map((seq) => clone(seq, enqueuedAt))),
  });
}
