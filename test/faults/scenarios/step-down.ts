import type { JobServerOptions } from '../../../src';
import { waitFor } from '../../helpers/wait-for';
import type { ScenarioResult } from '../report/scenario-result';
import type { FleetMember } from '../support/fleet';
import { maxConcurrent } from '../support/limits';
import type { RunContext } from '../support/scenario-db';
import { GlobalLimitJob, OVERRUN, WorkJob } from '../workers/fault-jobs';
import { STEADY_SERVER, runScenario, workJobs, type ScenarioKit } from './kit';

/** Work servers with the recurring ticker on (the other scenarios turn it off). */
const WORKER_SERVER = {
  ...STEADY_SERVER,
  recurring: true,
  recurringPollIntervalMs: 1_000,
} as const satisfies JobServerOptions;

/** The queue only the listener serves. */
const PING_QUEUE = 'faults.ping';

/**
 * The listener serves only pings and polls for them once in five minutes: a ping enqueued
 * after the step-down runs within {@link CARRY_ON_MS} only if its change stream wakes it.
 */
const LISTENER_SERVER = {
  ...STEADY_SERVER,
  queues: [PING_QUEUE],
  pollIntervalMs: 300_000,
  minPollIntervalMs: 300_000,
} as const satisfies JobServerOptions;

const RECURRING_ID = 'faults.step-down.every-second';
/** Ids of its jobs: `<recurring id>@<occurrence>`. */
const OCCURRENCE_IDS = /^faults\.step-down\.every-second@/;

/** How long each thing that must carry on after the step-down is given to show it does. */
const CARRY_ON_MS = 20_000;

/** No primary from `from` until `to` (when the runner saw one again). */
interface Window {
  readonly from: number;
  readonly to: number;
}

/**
 * Primary step-down: three workers drain a stream of jobs while the one-member replica set's
 * primary is stepped down (forced, for 1-2 s) once or a few times, as a failover does it;
 * retryable writes (on by default in the driver) carry Docket through it. Nothing may be
 * lost or stuck, a job may run again only when its outcome write was in flight while there
 * was no primary, and afterwards every worker claims again, heartbeats refresh every server's
 * registration, the recurring ticker enqueues the next occurrences (and missed none), global
 * slots are taken again (and the limit held), and the change stream wakes a server at once.
 * A step-down is server-wide: the quick suite runs this scenario alone.
 */
export function stepDown(run: RunContext): Promise<ScenarioResult> {
  const scale = run.quick
    ? { jobs: 150, global: 9, stepDowns: 1 }
    : { jobs: 3_000, global: 40, stepDowns: 3 };
  return runScenario(run, 'primary step-down', async (kit) => {
    const { producer } = kit.db;
    const tick = Object.assign(new WorkJob(), { n: 999_999, ms: 0, honour: false });
    await producer.scheduler.addOrUpdateRecurring(RECURRING_ID, tick, '* * * * * *');
    const fleet = kit.fleet({
      server: WORKER_SERVER,
      worker: { handlers: ['work', 'global-limit'] },
    });
    const workers = await Promise.all([1, 2, 3].map(() => fleet.start('sd-')));
    const listener = await fleet.start('listen-', { server: LISTENER_SERVER });

    // Most of the work first, a global-limited share under it; the rest after the last step-down.
    const before = Math.round(scale.jobs * 0.9);
    await kit.db.enqueue(workJobs(kit.rng, before, { minMs: 20, maxMs: 300 }), 'succeeded');
    await enqueueGlobal(kit, 0, Math.round(scale.global * 0.7));
    const windows: Window[] = [];
    for (let i = 1; i <= scale.stepDowns; i++) {
      const share = i / (scale.stepDowns + 1);
      await waitFor(async () => (await succeeded(kit)) >= before * share, {
        timeoutMs: 120_000,
        intervalMs: 50,
        what: `${Math.round(share * 100)}% of the work to succeed`,
      });
      // For a second or two: leases (6 s) outlast it, as they must outlast a failover.
      const seconds = run.quick ? 1 : kit.rng.int(1, 2);
      windows.push(await stepDownOnce(kit, seconds, before + 10 * (i - 1)));
    }
    const back = windows.at(-1)!.to;
    await kit.db.enqueue(
      workJobs(kit.rng, scale.jobs - before, { minMs: 20, maxMs: 300, first: before + 100 }),
      'succeeded',
    );
    await enqueueGlobal(kit, Math.round(scale.global * 0.7), scale.global);
    await carriesOn(kit, fleet.running(), listener, back);
    await producer.scheduler.removeRecurring(RECURRING_ID);
    await checkOccurrences(kit);
    kit.note(
      `${windows.length} step-down${windows.length === 1 ? '' : 's'} (${windows.map((w) => `${((w.to - w.from) / 1000).toFixed(1)} s`).join(', ')} without a primary) among 3 workers`,
    );
    await kit.finish({
      analysis: { serverConcurrency: WORKER_SERVER.concurrency },
      checkLeftovers: true,
    });
    await judgeAfterDrain(kit, workers, windows);
  });
}

/**
 * From the recorded invocations: how many runs ended while there was no primary, the global
 * limit, and whether every worker claimed and a global slot was taken after the last
 * step-down (stuck otherwise).
 */
async function judgeAfterDrain(
  kit: ScenarioKit,
  workers: readonly FleetMember[],
  windows: readonly Window[],
): Promise<void> {
  const back = windows.at(-1)!.to;
  const invocations = await kit.db.invocations().find().toArray();
  const global = invocations.filter((inv) => inv.jobType === 'faults.overrun.global-limit');
  const written = invocations.filter(
    (inv) =>
      inv.endedAt !== null && windows.some((w) => inv.endedAt! >= w.from && inv.endedAt! <= w.to),
  ).length;
  kit.note(`${written} runs ended while there was no primary (their outcomes written after it)`);
  kit.result.limits.push({
    limit: 'global limit',
    max: maxConcurrent(
      global.map((inv): [number, number] => [inv.startedAt, inv.endedAt ?? Date.now()]),
    ),
    allowed: OVERRUN.globalLimit,
  });
  for (const worker of workers) {
    if (!invocations.some((inv) => inv.pid === worker.pid && inv.startedAt > back)) {
      kit.result.stuck++;
      kit.findings.add('did not carry on after the step-down', `${worker.id} claimed nothing`);
    }
  }
  if (!global.some((inv) => inv.startedAt > back)) {
    kit.result.stuck++;
    kit.findings.add('did not carry on after the step-down', 'no global slot was taken');
  }
}

/** Jobs under the global limit (of 3), long enough to hold their slots across a step-down. */
async function enqueueGlobal(kit: ScenarioKit, from: number, to: number): Promise<void> {
  const jobs = Array.from({ length: to - from }, (_, i) =>
    Object.assign(new GlobalLimitJob(), { n: from + i, ms: 300 }),
  );
  // Their own timeout and attempts (not the overrun handler's 200 ms and none): here they
  // must simply succeed.
  await kit.db.enqueue(jobs, 'succeeded', { timeoutMs: 10_000, maxAttempts: 5 });
}

function succeeded(kit: ScenarioKit): Promise<number> {
  return kit.db.jobs().countDocuments({ state: 'succeeded' });
}

/**
 * Steps the primary down for `seconds` (forced: a one-member set has no secondary to hand
 * over to; on a larger set, another member takes over), enqueues a few jobs meanwhile (they
 * are acknowledged once a primary takes them), and waits until there is a primary again.
 */
async function stepDownOnce(kit: ScenarioKit, seconds: number, first: number): Promise<Window> {
  const admin = kit.run.client.db('admin');
  const close = kit.faults.open('stepped down', null, `primary stepped down for ${seconds} s`);
  const from = Date.now();
  await admin.command({ replSetStepDown: seconds, secondaryCatchUpPeriodSecs: 0, force: true });
  const meanwhile = kit.db.enqueueEach(
    workJobs(kit.rng, 10, { minMs: 20, maxMs: 300, first: 100_000 + first }),
    'succeeded',
    kit.findings,
  );
  // Sent with the primary read preference: answered once there is a primary again.
  await waitFor(async () => (await admin.command({ hello: 1 })).isWritablePrimary === true, {
    timeoutMs: 60_000,
    intervalMs: 50,
    what: 'a primary again',
  });
  close();
  const to = Date.now();
  await meanwhile;
  return { from, to };
}

/**
 * What must carry on after the step-down, each within {@link CARRY_ON_MS}: a ping reaches its
 * server through the change stream, every server's heartbeat refreshes its registration, and
 * the recurring ticker runs an occurrence after it. Whatever does not counts as stuck.
 */
async function carriesOn(
  kit: ScenarioKit,
  members: readonly FleetMember[],
  listener: FleetMember,
  back: number,
): Promise<void> {
  const ping = Object.assign(new WorkJob(), { n: 0, ms: 0, honour: false });
  const [pingId] = await kit.db.enqueue([ping], 'succeeded', { queue: PING_QUEUE });
  const checks: Array<[string, () => Promise<boolean>]> = [
    [
      `the change stream did not wake ${listener.id} (it polls every ${LISTENER_SERVER.pollIntervalMs / 60_000} min)`,
      async () => (await kit.db.invocations().countDocuments({ jobId: pingId, outcome: 'ok' })) > 0,
    ],
    [
      'a server registration was not refreshed',
      async () =>
        (await kit.db.servers().countDocuments({
          _id: { $in: members.map((m) => m.id) },
          heartbeatAt: { $gt: new Date(back) },
        })) === members.length,
    ],
    [
      // Enqueued, not run: its job waits its turn behind the backlog (the drain runs it).
      'the recurring ticker enqueued no occurrence after it',
      async () =>
        (await kit.db.jobs().countDocuments({
          _id: OCCURRENCE_IDS,
          dueAt: { $gt: new Date(back) },
        })) > 0,
    ],
  ];
  await Promise.all(
    checks.map(async ([failure, holds]) => {
      const held = await waitFor(holds, { timeoutMs: CARRY_ON_MS, intervalMs: 100 }).catch(
        () => false,
      );
      if (held) return;
      kit.result.stuck++;
      kit.findings.add('did not carry on after the step-down', failure);
      // Counted here, not again as a stuck job by the analysis.
      if (failure.startsWith('the change stream')) kit.db.expected.delete(pingId);
    }),
  );
}

/**
 * Every second between the first and the last occurrence has its job (ids are derived from
 * the occurrence, so none has two): an occurrence without one counts as lost.
 */
async function checkOccurrences(kit: ScenarioKit): Promise<void> {
  const times = (
    await kit.db
      .jobs()
      .find({ _id: OCCURRENCE_IDS }, { projection: { _id: 1 } })
      .toArray()
  )
    .map((job) => Date.parse(job._id.slice(job._id.indexOf('@') + 1)))
    .sort((a, b) => a - b);
  for (let i = 1; i < times.length; i++) {
    for (let at = times[i - 1] + 1_000; at < times[i]; at += 1_000) {
      kit.result.lost++;
      kit.findings.add('a recurring occurrence got no job', new Date(at).toISOString());
    }
  }
  kit.note(`${times.length} recurring occurrences, one job each`);
}
