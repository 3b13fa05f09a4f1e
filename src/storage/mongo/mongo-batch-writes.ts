import { randomBytes } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Document, Filter, UpdateFilter } from 'mongodb';
import {
  CLAIMABLE_STATES,
  SNOOZE_HISTORY_LIMIT,
  type JobRecord,
  type JobSnooze,
} from '../job-record';
import type { ClaimedJobs, ClaimRequest, FinishEntry, FinishResult } from '../job-store';
import type { ResolvedRetention } from '../retention';
import { candidateWindow, pickCandidates } from './candidate-pick';
import { historyAppend, historyPush } from './history';
import { heldBy, serverTimePlus } from './lease-time';
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
   * jobs ({@link findCandidates}), then claim them ({@link claimCandidates}).
   */
  async claimBatch(request: ClaimRequest, limit: number): Promise<ClaimedJobs> {
    return this.claimCandidates(request, await this.findCandidates(request, limit));
  }

  /**
   * Reads up to `limit` due jobs to claim, in claim order (queues in order, then priority and
   * due time), chosen from a wider window so that servers claiming at the same moment do not
   * fight over the same documents (see `pickCandidates`: spread at random, or by lane). One
   * round trip per queue read (one when the first queue has enough).
   */
  async findCandidates(request: ClaimRequest, limit: number): Promise<JobRecord[]> {
    const due = dueFilter(request);
    const picked: JobRecord[] = [];
    for (const queue of request.queues) {
      const wanted = limit - picked.length;
      if (wanted <= 0) break;
      const window = candidateWindow(wanted, request.lane);
      // One batch whatever the window (a first batch holds 101 documents unless told).
      const candidates = await guard('read claim candidates', () =>
        this.jobs
          .find({ ...due, queue }, { projection: { history: 0 }, promoteLongs: false })
          .sort({ priority: -1, dueAt: 1 })
          .limit(window)
          .batchSize(window)
          .toArray(),
      );
      picked.push(...pickCandidates(withinKeyLimits(candidates), wanted, request.lane));
    }
    return picked;
  }

  /**
   * Moves the candidates still unchanged (same fencing token and attempt, still due) to
   * `processing` with one conditional `updateMany` stamped with a fresh lease token: each
   * document is claimed by exactly one server. When every candidate was taken, the claimed
   * jobs are the candidates as updated; when a concurrent claim took some, a second round
   * trip reads back the jobs carrying this token.
   */
  async claimCandidates(
    request: ClaimRequest,
    candidates: readonly JobRecord[],
  ): Promise<ClaimedJobs> {
    if (candidates.length === 0) return { jobs: [], contended: false };
    const { now, serverId } = request;
    const leaseToken = randomBytes(12).toString('hex');
    const result = await guard('claim jobs', () =>
      this.jobs.updateMany(
        {
          ...dueFilter(request),
          $or: candidates.map((job) => ({ _id: job._id, fence: job.fence, attempt: job.attempt })),
        },
        claimUpdate(request, leaseToken),
      ),
    );
    if (result.modifiedCount === candidates.length) {
      const jobs = candidates.map((job) => ({
        ...job,
        state: 'processing' as const,
        leaseOwner: serverId,
        // Stamped by the database from its own clock, and not read back.
        leaseExpiresAt: null,
        leaseToken,
        startedAt: now,
        attempt: job.attempt + 1,
        fence: job.fence + 1,
      }));
      return { jobs, contended: false };
    }
    if (result.modifiedCount === 0) return { jobs: [], contended: true };
    const ids = candidates.map((job) => job._id);
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
    claimed.sort((a, b) => order.get(a._id)! - order.get(b._id)!);
    return { jobs: claimed, contended: true };
  }

  /**
   * Records many outcomes with one `bulkWrite` of fenced updates. A final outcome's write is
   * also conditioned on its job having no continuations: when every write matched, each job's
   * answer is known without reading it back. Otherwise (a job has continuations, a lease was
   * lost, or an earlier try took effect) the final outcomes are written again without that
   * condition, and one read tells which writes took effect and which jobs have continuations.
   *
   * Which writes took effect is not read off the job's state, which may change as soon as the
   * write is done (a retry due now is claimed again at once): when every write matched, all
   * took effect; otherwise a write took effect if the job carries its lease's fence as
   * `recordedFence`. That also makes trying the same entries again after a failure safe:
   * writes that took effect the first time match nothing, and are recognised by their fence.
   * (Only a retry that was claimed again and recorded its next outcome before the read, in
   * a batch where some write matched nothing, is reported lost although it was written: its
   * worker then emits no `job.retried` event.)
   */
  async finishMany(entries: readonly FinishEntry[]): Promise<Array<FinishResult | null>> {
    if (entries.length === 0) return [];
    const final = (entry: FinishEntry) => entry.outcome.state !== 'scheduled';
    const withoutContinuations = { hasContinuations: { $ne: true } };
    const first = await this.record(entries, (entry) => (final(entry) ? withoutContinuations : {}));
    if (first === entries.length) return entries.map(() => ({ hasContinuations: false }));
    // The writes that took effect no longer match `heldBy`: only the others are written here.
    const finals = entries.filter(final);
    const second = finals.length === 0 ? 0 : await this.record(finals, () => ({}));
    const allMatched = first + second === entries.length;
    const after = await guard('read recorded outcomes', () =>
      this.jobs
        .find(
          { _id: { $in: entries.map((entry) => entry.lease.jobId) } },
          { projection: { _id: 1, recordedFence: 1, hasContinuations: 1 } },
        )
        .toArray(),
    );
    const byId = new Map(after.map((doc) => [doc._id, doc]));
    return entries.map((entry) => {
      const doc = byId.get(entry.lease.jobId);
      if (!allMatched && doc?.recordedFence !== entry.lease.fence) return null;
      return { hasContinuations: final(entry) && doc?.hasContinuations === true };
    });
  }

  /** Writes the entries' outcomes in one `bulkWrite`, each fenced; returns how many matched. */
  private async record(
    entries: readonly FinishEntry[],
    condition: (entry: FinishEntry) => Filter<JobRecord>,
  ): Promise<number> {
    const operations: AnyBulkWriteOperation<JobRecord>[] = entries.map((entry) => ({
      updateOne: {
        filter: { ...heldBy(entry.lease), ...condition(entry) },
        update: outcomeUpdate(entry, this.retention),
      },
    }));
    const written = await guard('record outcomes', () =>
      this.jobs.bulkWrite(operations, { ordered: false }),
    );
    return written.matchedCount;
  }
}

/**
 * The claim as a pipeline update, so that the lease expiry is the database's time plus
 * `leaseMs` (see lease-time.ts). Values are `$literal`s: a server id starting with `$` stays
 * text. `leaseToken` marks the jobs of one batch claim.
 */
export function claimUpdate(request: ClaimRequest, leaseToken?: string): Document[] {
  const { now, serverId } = request;
  return [
    {
      $set: {
        state: 'processing',
        leaseOwner: { $literal: serverId },
        leaseExpiresAt: serverTimePlus(request.leaseMs),
        ...(leaseToken === undefined ? {} : { leaseToken: { $literal: leaseToken } }),
        startedAt: { $literal: now },
        attempt: { $add: ['$attempt', 1] },
        fence: { $add: ['$fence', 1] },
        history: historyAppend({ state: 'processing', at: now, serverId }),
      },
    },
  ];
}

/** The update that records one outcome (shared by single and batched completion). */
export function outcomeUpdate(
  entry: Omit<FinishEntry, 'serverId'> & { readonly serverId?: string },
  retention: ResolvedRetention,
): UpdateFilter<JobRecord> {
  const { outcome, now, serverId } = entry;
  const set: Partial<JobRecord> = {
    state: outcome.state,
    durationMs: outcome.durationMs,
    recordedFence: entry.lease.fence,
    leaseOwner: null,
    leaseExpiresAt: null,
  };
  if (outcome.state === 'scheduled' && outcome.snooze) {
    return snoozeUpdate(set, outcome.snooze, now, serverId);
  }
  const update: UpdateFilter<JobRecord> = { $set: set };
  if (outcome.state === 'scheduled') {
    set.dueAt = outcome.dueAt;
    set.error = outcome.error;
  } else {
    set.finishedAt = now;
    set.expireAt = new Date(now.getTime() + retention[`${outcome.state}Ms`]);
    if (outcome.state === 'failed') {
      set.error = outcome.error;
      if (outcome.exhausted === 'delete') {
        set.state = 'deleted';
        set.expireAt = new Date(now.getTime() + retention.deletedMs);
      } else if (outcome.exhausted === 'deadLetter') {
        // Kept until redriven or deleted: no expiry for the TTL monitor.
        set.deadLetteredAt = now;
        set.expireAt = null;
      }
    }
    const unset: Record<string, ''> = { activeUniqueKey: '' };
    // A requeued job's earlier result goes: a result is its last success's.
    if (outcome.state === 'succeeded') {
      if (outcome.result === undefined) unset.result = '';
      else set.result = outcome.result;
    }
    update.$unset = unset;
  }
  let reason = outcome.state === 'succeeded' ? undefined : outcome.reason;
  if (outcome.state === 'failed' && outcome.exhausted !== undefined) {
    const then = outcome.exhausted === 'delete' ? 'deleted' : 'moved to the dead-letter queue';
    reason = `${outcome.reason}; ${then}`;
  }
  update.$push = historyPush({ state: set.state ?? outcome.state, at: now, serverId, reason });
  return update;
}

/**
 * Completes `update` for a snoozed attempt: due at the snooze's end, the attempt given back
 * (the claim counted it; a snooze does not), the snooze counted and kept. The job's error
 * stays the last failed attempt's: a snooze is not a failure.
 */
function snoozeUpdate(
  set: Partial<JobRecord>,
  snooze: JobSnooze,
  now: Date,
  serverId: string | undefined,
): UpdateFilter<JobRecord> {
  const reason = `snoozed until ${snooze.until.toISOString()}${snooze.reason ? `: ${snooze.reason}` : ''}`;
  return {
    $set: { ...set, dueAt: snooze.until },
    $inc: { attempt: -1, snoozeCount: 1 },
    $push: {
      ...historyPush({ state: 'scheduled', at: now, serverId, reason }),
      snoozes: { $each: [snooze], $slice: -SNOOZE_HISTORY_LIMIT },
    },
  } as UpdateFilter<JobRecord>;
}

/** Claimable due jobs of the request's types, but for those of keys known to be at their limit. */
export function dueFilter(request: ClaimRequest): Filter<JobRecord> {
  const excluded = request.excludedKeys ?? [];
  return {
    state: { $in: [...CLAIMABLE_STATES] },
    dueAt: { $lte: request.now },
    type: { $in: [...request.jobTypes] },
    ...(excluded.length === 0 ? {} : { concurrencyKey: { $nin: [...excluded] } }),
  };
}

/**
 * The candidates without those of a concurrency key beyond its limit: a claim that took them
 * would only give them back.
 */
function withinKeyLimits(candidates: readonly JobRecord[]): JobRecord[] {
  const taken = new Map<string, number>();
  return candidates.filter((job) => {
    if (job.concurrencyKey === undefined) return true;
    const count = (taken.get(job.concurrencyKey) ?? 0) + 1;
    taken.set(job.concurrencyKey, count);
    return count <= (job.keyLimit ?? 1);
  });
}
