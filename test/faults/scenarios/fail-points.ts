import type { Document } from 'mongodb';
import type { ScenarioResult } from '../report/scenario-result';
import type { Fleet, FleetMember } from '../support/fleet';
import type { RunContext } from '../support/scenario-db';
import { SHORT_LEASE_SERVER, runScenario, sleep, workJobs, type ScenarioKit } from './kit';

/** Error codes a fail point answers with: transient ones the driver retries, and others. */
const ERROR_CODES = [91, 189, 11600, 2, 50] as const;

type Configure = (mode: unknown, data?: Document) => Promise<Document>;

/** One injection: which commands, on which collection, doing what, for how long. */
interface Injection {
  readonly name: string;
  readonly commands: readonly string[];
  readonly collection: 'jobs' | 'servers';
  readonly data: Document;
  readonly forMs: number;
  /** How long after it is turned off it still acts (commands blocked meanwhile). */
  readonly tailMs: number;
}

/**
 * Server-side faults through the stand-in's `failCommand` fail point (mongod's test fail
 * point), aimed at one worker (by its `appName`) or at all, on the scenario's collections:
 * errors on claims (`findAndModify`, `find`) and on writes (`update`: batch claims, lease
 * renewals, outcome writes), connections closed mid-command, commands held for longer than
 * a lease (`blockConnection`), and a worker restarted while its server's announcement fails
 * (a failed start must leave nothing behind).
 */
export function failPoints(run: RunContext): Promise<ScenarioResult> {
  const scale = run.quick ? { jobs: 120, rounds: 1 } : { jobs: 800, rounds: 4 };
  return runScenario(run, 'fail points (server)', async (kit) => {
    const fleet = kit.fleet({ server: SHORT_LEASE_SERVER, worker: { retryStart: true } });
    const members = await Promise.all([1, 2, 3].map(() => fleet.start('fp-')));
    const ns = (collection: string) => `${kit.db.dbName}.docket.${collection}`;
    const configure: Configure = (mode, data = {}) =>
      run.client.db('admin').command({ configureFailPoint: 'failCommand', mode, data });
    const perWave = Math.ceil(scale.jobs / (scale.rounds * 5 + 1));
    let enqueued = 0;
    const wave = async () => {
      const count = Math.min(perWave, scale.jobs - enqueued);
      const jobs = workJobs(kit.rng, count, { minMs: 50, maxMs: 600, first: enqueued });
      // Some outlast an injection: a worker that cannot renew must stop them by its deadline.
      for (const job of jobs) if (kit.rng.chance(0.2)) job.ms = kit.rng.int(3_000, 6_000);
      enqueued += count;
      await kit.db.enqueue(jobs, 'succeeded');
    };
    let injected = 0;
    const inject = async (injection: Injection, target: FleetMember | null) => {
      await wave();
      await sleep(kit.rng.int(300, 800));
      const close = kit.faults.open(
        'cut off',
        target?.pid ?? null,
        `${injection.name} on ${target?.id ?? 'all'}`,
      );
      await configure('alwaysOn', {
        ...injection.data,
        failCommands: injection.commands,
        namespace: ns(injection.collection),
        ...(target ? { appName: target.id } : {}),
      });
      await sleep(injection.forMs);
      await configure('off');
      await sleep(injection.tailMs);
      close();
      injected++;
    };
    try {
      for (let round = 0; round < scale.rounds; round++) {
        const pick = () => (kit.rng.chance(0.4) ? null : kit.rng.pick(members));
        const code = () => kit.rng.pick(ERROR_CODES);
        await inject(
          {
            name: 'claims fail',
            commands: ['findAndModify', 'find'],
            collection: 'jobs',
            data: { errorCode: code() },
            forMs: kit.rng.int(800, 1_500),
            tailMs: 0,
          },
          pick(),
        );
        await inject(
          {
            name: 'writes fail',
            commands: ['update'],
            collection: 'jobs',
            data: { errorCode: code() },
            // Longer than a lease, at times: renewals fail until it has expired.
            forMs: kit.rng.int(1_500, 3_000),
            tailMs: 0,
          },
          pick(),
        );
        await inject(
          {
            name: 'connections closed',
            commands: ['update', 'findAndModify'],
            collection: 'jobs',
            data: { closeConnection: true },
            forMs: kit.rng.int(300, 800),
            tailMs: 500,
          },
          pick(),
        );
        const blockTimeMS = kit.rng.int(1_000, 2_500);
        await inject(
          {
            name: `writes held ${blockTimeMS} ms`,
            commands: ['update'],
            collection: 'jobs',
            data: { blockConnection: true, blockTimeMS },
            // Every renewal sent meanwhile is held: the lease runs out while they wait.
            forMs: kit.rng.int(2_500, 3_500),
            tailMs: blockTimeMS,
          },
          kit.rng.pick(members),
        );
        await restartWithFailingStart(
          kit,
          fleet,
          members,
          configure,
          ns,
          round % 2 === 0 ? 'announcement' : 'recovery',
        );
      }
    } finally {
      await configure('off');
    }
    while (enqueued < scale.jobs) await wave();
    kit.note(
      `${injected} fail point injections, ${scale.rounds} restarts under failing ` +
        `announcements (${fleet.reports.startFailures} failed starts retried)`,
    );
    await kit.finish({
      analysis: { serverConcurrency: SHORT_LEASE_SERVER.concurrency },
      checkLeftovers: true,
    });
  });
}

/**
 * Replaces a worker (graceful stop, new process) while the first start of the new one fails:
 * its announcement (`update` on servers) or its first recovery sweep (`update` on jobs). The
 * worker tries again on the same Docket with a new server id; the failed server must leave
 * no registration behind (a partial write otherwise).
 */
async function restartWithFailingStart(
  kit: ScenarioKit,
  fleet: Fleet,
  members: FleetMember[],
  configure: Configure,
  ns: (collection: string) => string,
  step: 'announcement' | 'recovery',
): Promise<void> {
  const index = kit.rng.int(0, members.length - 1);
  await fleet.stop(members[index]);
  const id = fleet.nextId('fp-');
  await configure(
    { times: 1 },
    {
      failCommands: ['update'],
      namespace: ns(step === 'announcement' ? 'servers' : 'jobs'),
      appName: id,
      errorCode: 2,
    },
  );
  members[index] = await fleet.start('fp-');
  await configure('off');
  // A server whose start failed but whose heartbeat still runs announces itself again.
  await sleep(3 * SHORT_LEASE_SERVER.heartbeatIntervalMs);
  if ((await kit.db.servers().countDocuments({ _id: id })) > 0) {
    kit.result.partialWrites++;
    kit.findings.add('a failed start left its server registered', `${id} (its ${step} failed)`);
  }
}
