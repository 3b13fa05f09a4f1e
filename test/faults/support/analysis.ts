import type { JobRecord } from '../../../src';
import type { Findings, RerunReason, ScenarioResult } from '../report/scenario-result';
import type { Effect, Invocation } from '../workers/fault-jobs';
import type { FaultLog } from './fault-log';
import type { Fleet } from './fleet';
import { maxConcurrentPerGroup, subtract, type Span } from './limits';
import { FINISHED, type ScenarioDb } from './scenario-db';

/** How a scenario's jobs and invocations are judged. */
export interface AnalysisOptions {
  /**
   * How long after an invocation ended a fault still explains a rerun: its outcome was being
   * written (and retried) meanwhile.
   * @defaultValue 1500
   */
  readonly slackMs?: number;
  /**
   * How long before an invocation started a fault still explains a rerun: its claim was in
   * flight meanwhile, and a claim answered late leaves its worker little of the lease.
   * @defaultValue 2000
   */
  readonly leadMs?: number;
  /**
   * Overlaps of one job's invocations (handlers that honour their signal) up to this long are
   * tolerated: the time to notice a lost lease and for the handler to return.
   * @defaultValue 500
   */
  readonly overlapToleranceMs?: number;
  /** The workers' `concurrency`, checked per process; unchecked when absent. */
  readonly serverConcurrency?: number;
  /**
   * The collection (in the scenario's database) where the jobs' handlers count the effects
   * they commit in their transactions: `{ _id: jobId, count }`. Given, a job that succeeded
   * must have exactly one: none is a lost effect, more a doubled one (`doubledEffects`), and
   * a job that did not succeed must have none (a partial write). Its effect, not its
   * invocation record, then proves that a succeeded job ran: a worker killed after its commit
   * never records the end of its run.
   */
  readonly effects?: string;
}

type JobDoc = Pick<
  JobRecord,
  '_id' | 'state' | 'type' | 'attempt' | 'leaseOwner' | 'finishedAt' | 'history' | 'error'
>;

/**
 * Judges a scenario from storage and the recorded invocations: lost, stuck and wrongly
 * failed jobs, reruns and what explains them, inconsistent job documents, per-process
 * concurrency, and overlapping runs of one job. Fills `result`; returns the invocations.
 */
export async function analyseJobs(
  result: ScenarioResult,
  db: ScenarioDb,
  faults: FaultLog,
  findings: Findings,
  options: AnalysisOptions = {},
): Promise<Invocation[]> {
  const slackMs = options.slackMs ?? 1_500;
  const leadMs = options.leadMs ?? 2_000;
  const tolerance = options.overlapToleranceMs ?? 500;
  const now = Date.now();
  const docs = await db
    .jobs()
    .find(
      {},
      {
        projection: {
          _id: 1,
          state: 1,
          type: 1,
          attempt: 1,
          leaseOwner: 1,
          finishedAt: 1,
          history: 1,
          error: 1,
        },
      },
    )
    .toArray();
  const byId = new Map<string, JobDoc>(docs.map((doc) => [doc._id, doc]));
  const invocations = await db.invocations().find().toArray();
  const runs = new Map<string, Invocation[]>();
  for (const invocation of invocations) {
    const list = runs.get(invocation.jobId) ?? [];
    list.push(invocation);
    runs.set(invocation.jobId, list);
  }
  const span = (inv: Invocation): Span => [
    inv.startedAt,
    inv.endedAt ?? faults.endOf(inv.pid) ?? now,
  ];

  result.jobs += db.expected.size;
  const effects =
    options.effects === undefined
      ? undefined
      : new Map(
          (await db.db.collection<Effect>(options.effects).find().toArray()).map((e) => [
            e._id,
            e.count,
          ]),
        );
  if (effects !== undefined) result.doubledEffects ??= 0;
  for (const [id, expect] of db.expected) {
    const doc = byId.get(id);
    if (effects !== undefined) judgeEffect(result, findings, id, doc, effects.get(id) ?? 0);
    if (doc === undefined) {
      result.lost++;
      findings.add('lost (not in storage)', id);
    } else if (!FINISHED.includes(doc.state)) {
      result.stuck++;
      findings.add('stuck', `${id} ${doc.state}, attempt ${doc.attempt}, lease ${doc.leaseOwner}`);
    } else if (doc.state !== expect) {
      result.wronglyFailed++;
      const last = doc.history.at(-1);
      findings.add(
        `${doc.state} instead of ${expect}`,
        `${id} ${doc.type} attempt ${doc.attempt}: ${last?.reason ?? doc.error?.message ?? ''}`,
      );
    } else if (
      effects === undefined &&
      doc.state === 'succeeded' &&
      !(runs.get(id) ?? []).some((i) => i.outcome === 'ok')
    ) {
      result.lost++;
      findings.add('lost (succeeded without a completed run)', id);
    }
  }

  for (const [jobId, list] of runs) {
    if (list.length < 2) continue;
    // In claim order: a handler frozen between its claim and its start starts after the
    // attempt that took its job over. (A released job is claimed again with the same attempt.)
    list.sort((a, b) => a.attempt - b.attempt || a.startedAt - b.startedAt);
    const reasons = list.slice(0, -1).map((inv, i): RerunReason | null => {
      if (inv.error === 'JobTimeoutError' || inv.signal === 'JobTimeoutError') return 'timed out';
      const [from, to] = span(inv);
      const until = Math.max(from, list[i + 1].startedAt);
      return faults.explain(inv.pid, jobId, { from, to, until, leadMs, slackMs });
    });
    result.reruns.total++;
    if (reasons.includes(null)) {
      result.reruns.unexplained++;
      const base = list[0].startedAt;
      const first = list[reasons.indexOf(null)];
      const near = faults.nearest(first.pid, first.startedAt);
      findings.add(
        'ran more than once, unexplained',
        `${jobId}: ${list
          .map(
            (inv) =>
              `#${inv.attempt} on ${inv.worker} +${inv.startedAt - base}..${inv.endedAt === null ? '?' : `+${inv.endedAt - base}`} ms` +
              (inv.signal ? ` (${inv.signal})` : ''),
          )
          .join(', ')}${near ? `; nearest fault: ${near.what} at +${near.from - base} ms` : ''}`,
      );
    } else {
      const reason = reasons[0]!;
      result.reruns.byReason[reason] = (result.reruns.byReason[reason] ?? 0) + 1;
    }
  }

  for (const doc of docs) {
    const problem = inconsistency(doc);
    if (problem !== null) {
      result.partialWrites++;
      findings.add('inconsistent job document', `${doc._id}: ${problem}`);
    }
  }

  if (options.serverConcurrency !== undefined) {
    result.limits.push({
      limit: 'server concurrency',
      max: maxConcurrentPerGroup(
        invocations,
        (inv) => String(inv.pid),
        (inv) => [span(inv)],
      ),
      allowed: options.serverConcurrency,
    });
  }
  const honouring = invocations.filter((inv) => inv.honour);
  if (honouring.length > 0) {
    // A frozen or stalled process cannot stop anything: only what overlaps while it runs
    // counts, less the time a running process needs to notice and return.
    const segments = (inv: Invocation): Span[] =>
      subtract(
        span(inv),
        faults.pausesOf(inv.pid).map((w): Span => [w.from, w.to]),
      ).map(([from, to]): Span => [from, to - tolerance]);
    const max = maxConcurrentPerGroup(honouring, (inv) => inv.jobId, segments);
    result.limits.push({ limit: 'one job', max, allowed: 1 });
    if (max > 1) {
      for (const [jobId, list] of runs) {
        const honour = list.filter((inv) => inv.honour);
        if (maxConcurrentPerGroup(honour, () => jobId, segments) < 2) continue;
        const base = Math.min(...honour.map((inv) => inv.startedAt));
        findings.add(
          'one job ran on two workers at once (its handler honours its signal)',
          `${jobId}: ${honour
            .map((inv) => {
              const [from, to] = span(inv);
              return `#${inv.attempt} on ${inv.worker} +${from - base}..+${to - base} ms${inv.signal ? ` (${inv.signal})` : ''}`;
            })
            .join(', ')}`,
        );
      }
    }
  }
  return invocations;
}

/**
 * The batches a scenario created, all of whose jobs should succeed: each must have ended
 * `succeeded` with every job counted once. One not ended is stuck; one ended otherwise, or
 * with counts that do not add up, is wrongly failed; one missing is lost.
 */
export async function analyseBatches(
  result: ScenarioResult,
  db: ScenarioDb,
  findings: Findings,
): Promise<void> {
  if (db.batches.size === 0) return;
  const stored = new Map((await db.storedBatches()).map((batch) => [batch._id, batch]));
  for (const id of db.batches) {
    const batch = stored.get(id);
    if (batch === undefined) {
      result.lost++;
      findings.add('batch lost', id);
    } else if (batch.state === 'creating' || batch.state === 'started') {
      result.stuck++;
      findings.add(
        'batch not ended',
        `${id} ${batch.state}, ${batch.succeeded} of ${batch.total} counted`,
      );
    } else if (batch.state !== 'succeeded' || batch.succeeded !== batch.total) {
      result.wronglyFailed++;
      findings.add(
        'batch ended wrongly',
        `${id} ${batch.state}: ${batch.succeeded} succeeded, ${batch.failed} failed, ` +
          `${batch.deleted} deleted of ${batch.total}`,
      );
    }
  }
}

/**
 * A job's effect (see {@link AnalysisOptions.effects}): once if it succeeded, never otherwise.
 */
function judgeEffect(
  result: ScenarioResult,
  findings: Findings,
  id: string,
  doc: JobDoc | undefined,
  count: number,
): void {
  if (count > 1) {
    result.doubledEffects = (result.doubledEffects ?? 0) + 1;
    findings.add('effect committed more than once', `${id}: ${count} times`);
  }
  if (doc?.state === 'succeeded' && count === 0) {
    result.lost++;
    findings.add('lost (succeeded without its effect)', id);
  }
  if (doc?.state !== 'succeeded' && count > 0) {
    result.partialWrites++;
    findings.add('effect committed without its job', `${id} ${doc?.state ?? 'missing'}`);
  }
}

/** Why a job document is inconsistent, or null. */
function inconsistency(doc: JobDoc): string | null {
  const finished = FINISHED.includes(doc.state);
  if (finished && doc.leaseOwner !== null) return `${doc.state} but leased to ${doc.leaseOwner}`;
  if ((doc.state === 'succeeded' || doc.state === 'failed') && !doc.finishedAt) {
    return `${doc.state} without finishedAt`;
  }
  if (doc.state === 'processing' && !doc.leaseOwner) return 'processing without a lease';
  if ((doc.state === 'enqueued' || doc.state === 'scheduled') && doc.leaseOwner) {
    return `${doc.state} but leased to ${doc.leaseOwner}`;
  }
  if (doc.state === 'succeeded' || doc.state === 'failed') {
    // Fencing: the outcome is written by the server that made the last claim.
    const history = doc.history;
    const end = history.map((h) => h.state).lastIndexOf(doc.state);
    const claim = history
      .slice(0, end)
      .map((h) => h.state)
      .lastIndexOf('processing');
    const writer = history[end]?.serverId;
    const claimer = claim >= 0 ? history[claim].serverId : undefined;
    if (writer !== undefined && claimer !== undefined && writer !== claimer) {
      return `${doc.state} written by ${writer}, but the last claim was ${claimer}'s`;
    }
  }
  return null;
}

/**
 * Server registrations left behind once every worker stopped: a graceful stop removes its
 * own, and so must a start that failed. Killed workers' entries are expected to stay.
 */
export async function leftoverServers(
  db: ScenarioDb,
  fleet: Fleet,
  findings: Findings,
): Promise<number> {
  const killed = new Set(fleet.members.filter((m) => m.endedBy === 'SIGKILL').map((m) => m.id));
  const left = (await db.servers().find().toArray()).filter(
    (server) => !killed.has(server._id.split('~')[0]),
  );
  for (const server of left) findings.add('server registration left behind', server._id);
  return left.length;
}
