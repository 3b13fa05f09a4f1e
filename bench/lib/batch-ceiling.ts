import type { Collection } from 'mongodb';
import type { JobRecord } from '../../src/storage/job-record';
import { MongoBatchWrites } from '../../src/storage/mongo/mongo-batch-writes';
import { resolveRetention } from '../../src/storage/retention';
import type { CeilingDrainArgs, CeilingDrainReply } from '../workers/protocol';
import { nowMs } from '../workers/protocol';
import { cpuMsSince } from './cpu-time';

/**
 * The batched-claim ceiling of a drain: the jobs Docket stored (its documents and indexes,
 * put there by `enqueueMany`) drained by a loop that sends exactly the commands Docket's
 * storage layer sends for them (its own claim and outcome writes, called directly) and does
 * nothing else: no handler, no validation, no events, no lease renewal, no change stream,
 * one command at a time. Each turn claims up to `batch` jobs (the candidates' `find`, the
 * claim's `updateMany`) and records their successes (one `bulkWrite`).
 *
 * What it reaches is what the server gives those commands when nothing stands between them;
 * a drain's fraction of it is what Docket's own work around the commands costs. A server
 * that overlaps claims with outcomes can go past it.
 */
export async function drainAtCeiling(
  jobs: Collection<JobRecord>,
  args: CeilingDrainArgs,
): Promise<CeilingDrainReply> {
  const cpuAtStart = process.cpuUsage();
  const writes = new MongoBatchWrites(jobs, resolveRetention(undefined));
  const serverId = 'ceiling';
  let drained = 0;
  let firstAt = 0;
  for (;;) {
    const request = {
      queues: ['default'],
      jobTypes: args.jobTypes,
      serverId,
      leaseMs: 30_000,
      now: new Date(),
    };
    const { jobs: claimed } = await writes.claimBatch(request, args.batch);
    if (claimed.length === 0) break;
    if (firstAt === 0) firstAt = nowMs();
    const now = new Date();
    await writes.finishMany(
      claimed.map((job) => ({
        lease: { jobId: job._id, fence: job.fence },
        outcome: { state: 'succeeded', durationMs: 0 },
        serverId,
        now,
      })),
    );
    drained += claimed.length;
  }
  return {
    drained,
    elapsedMs: drained === 0 ? 0 : nowMs() - firstAt,
    cpuMs: cpuMsSince(cpuAtStart),
  };
}
