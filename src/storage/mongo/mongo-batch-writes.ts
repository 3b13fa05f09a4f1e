import { randomBytes } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Filter, UpdateFilter } from 'mongodb';
import { CLAIMABLE_STATES, type JobRecord } from '../job-record';
import type { ClaimRequest, FinishEntry, FinishResult } from '../job-store';
import type { ResolvedRetention } from '../retention';
import { historyPush } from './history';
import { guard } from './mongo-errors';

/**
 * Claims and completions in batches, for servers under load. Each job is still updated by
 * a write conditioned on its state (claims) or on its fencing token (outcomes), so batching
 * changes the number of round trips, not the guarantees.
 */
export class MongoBatchWrites {
  constructor(
    private readonly jobs: Collection<JobRecord>,
    private readonly retention: ResolvedRetention,
  ) {}

  /**
   * Claims up to `limit` due jobs in two round trips whatever their number: read candidate
   * jobs, then move those still unchanged (same fencing token and attempt) to `processing`
   * with one conditional `updateMany` stamped with a fresh lease token: each document is
   * claimed by exactly one server. When every candidate was taken, the claimed jobs are the
   * candidates as updated; when a concurrent claim took some, a third round trip reads back
   * the jobs carrying this token.
   */
  async claimBatch(request: ClaimRequest, limit: number): Promise<JobRecord[]> {
    const { now, serverId } = request;
    const due: Filter<JobRecord> = {
      state: { $in: [...CLAIMABLE_STATES] },
      dueAt: { $lte: now },
      type: { $in: [...request.jobTypes] },
    };
    const picked: JobRecord[] = [];
    for (const queue of request.queues) {
      if (picked.length >= limit) break;
      // Read twice as many as wanted and spread the pick within each priority, so servers
      // claiming at the same moment do not all fight over the same few documents.
      const candidates = await guard('read claim candidates', () =>
        this.jobs
          .find({ ...due, queue }, { projection: { history: 0 }, promoteLongs: false })
          .sort({ priority: -1, dueAt: 1 })
          .limit(2 * (limit - picked.length))
          .toArray(),
      );
      picked.push(...spreadWithinPriority(candidates).slice(0, limit - picked.length));
    }
    if (picked.length === 0) return [];
    const leaseToken = randomBytes(12).toString('hex');
    const leaseExpiresAt = new Date(now.getTime() + request.leaseMs);
    const update: UpdateFilter<JobRecord> = {
      $set: {
        state: 'processing',
        leaseOwner: serverId,
        leaseExpiresAt,
        leaseToken,
        startedAt: now,
      },
      $inc: { attempt: 1, fence: 1 },
      $push: historyPush({ state: 'processing', at: now, serverId }),
    };
    const result = await guard('claim jobs', () =>
      this.jobs.updateMany(
        {
          ...due,
          $or: picked.map((job) => ({ _id: job._id, fence: job.fence, attempt: job.attempt })),
        },
        update,
      ),
    );
    if (result.modifiedCount === picked.length) {
      return picked.map((job) => ({
        ...job,
        state: 'processing',
        leaseOwner: serverId,
        leaseExpiresAt,
        leaseToken,
        startedAt: now,
        attempt: job.attempt + 1,
        fence: job.fence + 1,
      }));
    }
    if (result.modifiedCount === 0) return [];
    const ids = picked.map((job) => job._id);
    const claimed = await guard('read claimed jobs', () =>
      this.jobs
        .find(
          { _id: { $in: ids }, leaseToken, state: 'processing' },
          { projection: { history: 0 }, promoteLongs: false },
        )
        .toArray(),
    );
    // Keep the claim order (priority, then due time) for the dispatcher.
    const order = new Map(ids.map((id, i) => [id, i]));
    return claimed.sort((a, b) => order.get(a._id)! - order.get(b._id)!);
  }

  /**
   * Records many outcomes in two round trips: one `bulkWrite` of fenced updates, then one
   * read that tells which writes took effect (and which parents have continuations).
   */
  async finishMany(entries: readonly FinishEntry[]): Promise<Array<FinishResult | null>> {
    if (entries.length === 0) return [];
    const operations: AnyBulkWriteOperation<JobRecord>[] = entries.map((entry) => ({
      updateOne: {
        filter: { _id: entry.lease.jobId, fence: entry.lease.fence, state: 'processing' },
        update: outcomeUpdate(entry, this.retention),
      },
    }));
    await guard('record outcomes', () => this.jobs.bulkWrite(operations, { ordered: false }));
    const after = await guard('read recorded outcomes', () =>
      this.jobs
        .find(
          { _id: { $in: entries.map((entry) => entry.lease.jobId) } },
          { projection: { _id: 1, fence: 1, state: 1, leaseOwner: 1, hasContinuations: 1 } },
        )
        .toArray(),
    );
    const byId = new Map(after.map((doc) => [doc._id, doc]));
    return entries.map(({ lease, outcome }) => {
      const doc = byId.get(lease.jobId);
      // Ours if the job is in the state we wrote with our fence and no lease: a lost lease
      // means another fence (taken over) or another state (recovered, deleted).
      const ours =
        doc !== undefined &&
        doc.fence === lease.fence &&
        doc.state === outcome.state &&
        doc.leaseOwner === null;
      if (!ours) return null;
      return { hasContinuations: outcome.state !== 'scheduled' && doc.hasContinuations === true };
    });
  }
}

/** The update that records one outcome (shared by single and batched completion). */
export function outcomeUpdate(
  entry: FinishEntry,
  retention: ResolvedRetention,
): UpdateFilter<JobRecord> {
  const { outcome, now, serverId } = entry;
  const set: Partial<JobRecord> = {
    state: outcome.state,
    durationMs: outcome.durationMs,
    leaseOwner: null,
    leaseExpiresAt: null,
  };
  const update: UpdateFilter<JobRecord> = { $set: set };
  if (outcome.state === 'scheduled') {
    set.dueAt = outcome.dueAt;
    set.error = outcome.error;
  } else {
    set.finishedAt = now;
    set.expireAt = new Date(now.getTime() + retention[`${outcome.state}Ms`]);
    if (outcome.state === 'failed') set.error = outcome.error;
    update.$unset = { activeUniqueKey: '' };
  }
  const reason = outcome.state === 'succeeded' ? undefined : outcome.reason;
  update.$push = historyPush({ state: outcome.state, at: now, serverId, reason });
  return update;
}

/** Shuffles candidates within runs of equal priority, keeping priority order. */
function spreadWithinPriority<T extends { priority: number }>(candidates: readonly T[]): T[] {
  const result: T[] = [];
  let start = 0;
  while (start < candidates.length) {
    let end = start;
    while (end < candidates.length && candidates[end].priority === candidates[start].priority)
      end++;
    const run = candidates.slice(start, end);
    for (let i = run.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [run[i], run[j]] = [run[j], run[i]];
    }
    result.push(...run);
    start = end;
  }
  return result;
}
