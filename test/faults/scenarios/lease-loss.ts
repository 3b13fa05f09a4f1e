import type { ScenarioResult } from '../report/scenario-result';
import type { RunContext } from '../support/scenario-db';
import { SHORT_LEASE_SERVER, runScenario, sleep, workJobs } from './kit';
import { untilRunning } from './sigkill-soak';

const CONCURRENCY = 4;

/**
 * Lease loss: a worker is frozen (SIGSTOP) for longer than its leases last, then thawed
 * (SIGCONT). Its jobs are taken over by the others; once it runs again it must stop what it
 * no longer owns at once (handlers that honour their signal), never overwrite an outcome
 * (fencing), and never run more jobs than its concurrency while handlers that ignore their
 * signal still run.
 */
export function leaseLoss(run: RunContext): Promise<ScenarioResult> {
  const scale = run.quick ? { jobs: 24, pauses: 2 } : { jobs: 120, pauses: 8 };
  return runScenario(run, 'lease loss (SIGSTOP)', async (kit) => {
    const server = { ...SHORT_LEASE_SERVER, concurrency: CONCURRENCY };
    const fleet = kit.fleet({ server });
    await Promise.all([1, 2, 3].map(() => fleet.start('stop-')));
    const perWave = Math.ceil(scale.jobs / scale.pauses);
    let enqueued = 0;
    for (let pause = 0; pause < scale.pauses; pause++) {
      const count = Math.min(perWave, scale.jobs - enqueued);
      // Many outlast the pause: their handlers run on after SIGCONT, aborted or not.
      const jobs = workJobs(kit.rng, count, { minMs: 2_000, maxMs: 8_000, first: enqueued });
      enqueued += count;
      await kit.db.enqueue(jobs, 'succeeded');
      await sleep(kit.rng.int(500, 1_000));
      await untilRunning(fleet, 3);
      const ms = 2 * server.leaseMs + kit.rng.int(0, 1_000);
      await fleet.pause(kit.rng.pick(fleet.running()), ms);
    }
    kit.note(
      `${scale.pauses} SIGSTOPs of ${2 * server.leaseMs}-${2 * server.leaseMs + 1_000} ms ` +
        `(leaseMs ${server.leaseMs}), half the handlers ignoring their signal`,
    );
    await kit.finish({
      analysis: { serverConcurrency: CONCURRENCY },
    });
  });
}
