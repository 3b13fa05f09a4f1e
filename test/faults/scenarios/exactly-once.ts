import type { JobServerOptions } from '../../../src';
import { waitFor } from '../../helpers/wait-for';
import type { ScenarioResult } from '../report/scenario-result';
import type { Fleet } from '../support/fleet';
import type { Rng } from '../support/rng';
import type { RunContext } from '../support/scenario-db';
import {
  EFFECTS,
  EffectJob,
  TRIES,
  type Invocation,
  type PausedTry,
  type TransactionTry,
} from '../workers/fault-jobs';
import { STEADY_SERVER, runScenario, type ScenarioKit } from './kit';
import { untilRunning } from './sigkill-soak';

/**
 * Leases of 3 s renewed every second, as in a busy deployment scaled down: a try's lease is
 * on hold while it runs (a renewal would conflict with its commit), which leaves it 700 ms.
 */
const SERVER = {
  ...STEADY_SERVER,
  concurrency: 4,
  leaseMs: 3_000,
  heartbeatIntervalMs: 1_000,
  recoveryIntervalMs: 1_000,
} as const satisfies JobServerOptions;

/** The pause of each try between its write and its commit, where the faults land (ms). */
const PAUSE_MS = { min: 20, max: 120 };

/**
 * How long a worker is frozen: past its lease and a recovery sweep, so that its job is taken
 * over before it wakes, and well within the server's transaction lifetime, so that its
 * transaction is still open then.
 */
const FREEZE_MS = {
  min: SERVER.leaseMs + SERVER.recoveryIntervalMs + 1_000,
  max: SERVER.leaseMs + SERVER.recoveryIntervalMs + 2_000,
};

/** A fault lands on a try that has at least this long left of its pause (ms). */
const AIM_MARGIN_MS = 30;

type FaultKind = 'kill' | 'freeze' | 'takeover';

/** A try in its pause, as the worker running it reported it. */
interface Target extends PausedTry {
  readonly pid: number;
}

/** A fault, and the try it was aimed at. */
interface Aimed {
  readonly kind: FaultKind;
  readonly target: Target;
}

/**
 * Exactly-once effects: three workers drain jobs whose handler increments a counter keyed by
 * its job inside `ctx.transaction` (the job's success commits with it, fenced by the lease),
 * then pauses before the commit. Meanwhile workers are killed with SIGKILL (and replaced),
 * frozen with SIGSTOP past their leases, and leases are taken over in the database (the fence
 * moved on and the lease expired, as after a server's claim of an expired lease), each aimed
 * at a try in its pause. Handlers run again, as they must; every job must succeed and every
 * counter be exactly 1: a try that lost its lease or its worker never commits, whatever
 * `withTransaction` retries, and a frozen worker's open transaction does not commit when it
 * wakes. Needs a replica set (transactions).
 */
export function exactlyOnce(run: RunContext): Promise<ScenarioResult> {
  const scale = run.quick
    ? { jobs: 80, backlog: 40, kills: 1, freezes: 0, takeovers: 3 }
    : { jobs: 1_000, backlog: 100, kills: 6, freezes: 3, takeovers: 30 };
  return runScenario(run, 'exactly-once effects', async (kit) => {
    const hello = await run.client.db('admin').command({ hello: 1 });
    if (typeof hello.setName !== 'string') {
      throw new Error('needs a replica set (transactions); the server is a standalone');
    }
    const fleet = kit.fleet({ server: SERVER, worker: { handlers: ['exactly-once'] } });
    await Promise.all([1, 2, 3].map(() => fleet.start('once-')));
    const plan = shuffled(kit.rng, [
      ...Array<FaultKind>(scale.kills).fill('kill'),
      ...Array<FaultKind>(scale.freezes).fill('freeze'),
      ...Array<FaultKind>(scale.takeovers).fill('takeover'),
    ]);
    // Fed as it drains, a backlog ahead: the jobs collection grows as in the other rows, and
    // transactions are under way whenever a fault is aimed.
    let enqueued = 0;
    const topUp = async (succeeded: number) => {
      const count = Math.min(scale.jobs, succeeded + scale.backlog) - enqueued;
      if (count <= 0) return;
      const jobs = Array.from({ length: count }, (_, i) =>
        Object.assign(new EffectJob(), {
          n: enqueued + i,
          pauseMs: kit.rng.int(PAUSE_MS.min, PAUSE_MS.max),
        }),
      );
      enqueued += count;
      await kit.db.enqueue(jobs, 'succeeded');
    };
    const feed = async () => topUp(await kit.db.jobs().countDocuments({ state: 'succeeded' }));
    await topUp(0);
    const aimed: Aimed[] = [];
    const restarts: Array<Promise<unknown>> = [];
    for (const [i, kind] of plan.entries()) {
      // Evenly through the drain, with a backlog still ahead: at the very end the last few
      // jobs could finish before a try of theirs is seen in its pause.
      const share = Math.round(((scale.jobs - scale.backlog) * (i + 1)) / (plan.length + 1));
      await waitFor(
        async () => {
          const succeeded = await kit.db.jobs().countDocuments({ state: 'succeeded' });
          await topUp(succeeded);
          return succeeded >= share;
        },
        { timeoutMs: 300_000, intervalMs: 100, what: `${share} jobs to succeed` },
      );
      await untilRunning(fleet, 3);
      if (kind === 'takeover') {
        aimed.push({ kind, target: await takeOver(kit, fleet, feed) });
        continue;
      }
      const target = await inFlight(kit, fleet, feed);
      aimed.push({ kind, target });
      const member = fleet.members.find((m) => m.pid === target.pid)!;
      if (kind === 'kill') {
        await fleet.kill(member);
        restarts.push(fleet.start('once-'));
      } else {
        await fleet.pause(member, FREEZE_MS.min + kit.rng.int(0, FREEZE_MS.max - FREEZE_MS.min));
      }
    }
    await topUp(scale.jobs);
    await Promise.all(restarts);
    const limit = run.transactionLifetimeLimitS;
    kit.note(
      `${scale.jobs} jobs among 3 workers (concurrency ${SERVER.concurrency}, leaseMs ${SERVER.leaseMs}), ` +
        `pauses of ${PAUSE_MS.min}-${PAUSE_MS.max} ms between each try's write and its commit; ` +
        `the server aborts a transaction after ${limit === null ? 'an unknown time' : `${limit} s`}`,
    );
    await kit.finish({ analysis: { serverConcurrency: SERVER.concurrency, effects: EFFECTS } });
    await judgeTries(kit, aimed);
  });
}

/**
 * A try of a running worker in its pause (its effect written, not committed), as the worker
 * reported it on stdout a moment ago, picked at random among those with
 * {@link AIM_MARGIN_MS} left. Meanwhile `feed` keeps work coming (a replacement worker may
 * take seconds to run on a loaded machine, and the others drain the backlog).
 */
function inFlight(kit: ScenarioKit, fleet: Fleet, feed: () => Promise<void>): Promise<Target> {
  let fed = Date.now();
  return waitFor(
    async () => {
      if (Date.now() - fed > 500) {
        await feed();
        fed = Date.now();
      }
      const now = Date.now();
      const open = fleet
        .running()
        .flatMap((m) => [...m.pausing.values()].map((paused) => ({ ...paused, pid: m.pid })))
        .filter((paused) => paused.until > now + AIM_MARGIN_MS);
      return open.length === 0 ? null : kit.rng.pick(open);
    },
    { timeoutMs: 60_000, intervalMs: 5, what: 'a transaction in its pause' },
  );
}

/**
 * Takes over the lease of a try in its pause, as a server's claim of an expired lease does
 * (the fence moves on), and expires it, so that recovery re-enqueues the job; aims again
 * when the job committed first. Returns the try.
 */
async function takeOver(
  kit: ScenarioKit,
  fleet: Fleet,
  feed: () => Promise<void>,
): Promise<Target> {
  for (;;) {
    const target = await inFlight(kit, fleet, feed);
    const from = Date.now();
    // The attempt names the claim (only a graceful stop's release reuses one: none here).
    const { matchedCount } = await kit.db
      .jobs()
      .updateOne(
        { _id: target.jobId, state: 'processing', attempt: target.attempt },
        { $inc: { fence: 1 }, $set: { leaseExpiresAt: new Date(0) } },
      );
    if (matchedCount === 0) continue;
    kit.faults.add({
      kind: 'taken over',
      pid: target.pid,
      jobId: target.jobId,
      from,
      to: Date.now(),
      what: `lease of ${target.jobId} (attempt ${target.attempt}) taken over`,
    });
    return target;
  }
}

/**
 * From the log of tries and the jobs' histories: which tries committed (the last try of the
 * run that recorded its job's success), how many never did and why, and whether each fault
 * landed on a try that never committed. In the full suite, faults that missed the
 * transactions fail the row: it would have tested nothing.
 */
async function judgeTries(kit: ScenarioKit, aimed: readonly Aimed[]): Promise<void> {
  const tries = await kit.db.db.collection<TransactionTry>(TRIES).find().toArray();
  const invocations = await kit.db.invocations().find().toArray();
  const committedRuns = await committedTries(kit, tries);
  const committed = new Set([...committedRuns.values()].map((t) => t._id));
  const never = tries.filter((t) => !committed.has(t._id));
  const why = whyNotCommitted(kit, invocations, committedRuns);
  const byReason = new Map<string, number>();
  for (const t of never) byReason.set(why(t), (byReason.get(why(t)) ?? 0) + 1);
  const cut = never.filter((t) => !why(t).startsWith('run again')).length;
  const runs = new Map<string, number>();
  for (const inv of invocations) runs.set(inv.jobId, (runs.get(inv.jobId) ?? 0) + 1);
  const kinds: Array<[FaultKind, string]> = [
    ['kill', 'SIGKILLs'],
    ['freeze', `SIGSTOPs of ${FREEZE_MS.min}-${FREEZE_MS.max} ms`],
    ['takeover', 'lease takeovers in the database'],
  ];
  const landed = kinds.map(([kind, what]) => {
    const ofKind = aimed.filter((a) => a.kind === kind);
    return {
      what,
      count: ofKind.length,
      hit: ofKind.filter((a) => !committed.has(a.target.id)).length,
    };
  });
  kit.note(
    landed
      .filter(({ count }) => count > 0)
      .map(({ what, count, hit }) => `${count} ${what} (${hit} on a try that never committed)`)
      .join(', '),
  );
  kit.note(
    `${[...runs.values()].filter((n) => n > 1).length} jobs ran more than once; ` +
      `${tries.length} tries of ${committed.size} committed transactions: ${never.length} never committed (` +
      [...byReason]
        .sort((a, b) => b[1] - a[1])
        .map(([reason, n]) => `${n} ${reason}`)
        .join(', ') +
      ')',
  );
  if (kit.run.quick) return;
  const missed = landed.filter(({ count, hit }) => count > 0 && hit === 0);
  if (cut === 0 || missed.length > 0) {
    throw new Error(
      `the faults missed the transactions: ${cut} tries in runs cut short` +
        (missed.length > 0 ? `; none of the ${missed.map(({ what }) => what).join(', ')} did` : ''),
    );
  }
}

/**
 * The tries that committed, by invocation: per job, the last try of the run its success
 * names (attempt and server).
 */
async function committedTries(
  kit: ScenarioKit,
  tries: readonly TransactionTry[],
): Promise<Map<string, TransactionTry>> {
  const winners = new Set<string>();
  for await (const job of kit.db.jobs().find({ state: 'succeeded' })) {
    const entry = job.history.findLast((h) => h.state === 'succeeded');
    winners.add(`${job._id}/${job.attempt}/${entry?.serverId}`);
  }
  const last = new Map<string, TransactionTry>();
  for (const t of tries) {
    if (!winners.has(`${t.jobId}/${t.attempt}/${t.worker}`)) continue;
    const before = last.get(t.invocation);
    if (before === undefined || t.n > before.n) last.set(t.invocation, t);
  }
  return last;
}

/**
 * Why a try never committed: its run was killed, or gave up (threw: its lease was lost), or
 * `withTransaction` ran it again, the run committing later, after a write conflict or an
 * aborted transaction: on the counter, while an earlier run of the same job could still hold
 * it in a transaction left open (its worker killed: until the server aborts it; frozen:
 * until it wakes and gives up), or otherwise (mostly on the job's document, which lease
 * renewals write too).
 */
function whyNotCommitted(
  kit: ScenarioKit,
  invocations: readonly Invocation[],
  committedRuns: ReadonlyMap<string, TransactionTry>,
): (t: TransactionTry) => string {
  const byId = new Map(invocations.map((inv) => [inv._id, inv]));
  const lifetimeMs = (kit.run.transactionLifetimeLimitS ?? 60) * 1_000;
  // Per job, when its runs that never committed could have held its counter.
  const held = new Map<string, Array<[number, number]>>();
  for (const inv of invocations) {
    if (committedRuns.has(inv._id)) continue;
    const end = inv.endedAt ?? (kit.faults.endOf(inv.pid) ?? Infinity) + lifetimeMs;
    held.set(inv.jobId, [...(held.get(inv.jobId) ?? []), [inv.startedAt, end]]);
  }
  return (t) => {
    const inv = byId.get(t.invocation);
    if (committedRuns.has(t.invocation)) {
      const behind = (held.get(t.jobId) ?? []).some(([from, to]) => from < t.at && t.at <= to);
      return behind
        ? 'run again while an earlier run of the job could hold its counter'
        : 'run again after other write conflicts';
    }
    if (inv === undefined || inv.outcome === null) return 'in runs killed';
    return inv.outcome === 'threw'
      ? `in runs that threw ${inv.error}`
      : 'in runs that returned without committing';
  };
}

/** The items in an order of the generator's. */
function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
