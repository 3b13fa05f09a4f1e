import type { ScenarioResult } from '../report/scenario-result';
import type { RunContext } from '../support/scenario-db';
import { STEADY_SERVER, runScenario, sleep, workJobs } from './kit';
import { untilRunning } from './sigkill-soak';

/**
 * SIGTERM soak: three workers drain jobs while one of them at a time is stopped gracefully
 * (SIGTERM) and replaced. A tenth of the jobs outlast the shutdown grace period: they are
 * aborted and released, and must run again elsewhere. Every stop must exit with code 0, and
 * leave no server registration behind.
 */
export function sigtermSoak(run: RunContext): Promise<ScenarioResult> {
  const scale = run.quick ? { jobs: 120, stops: 2 } : { jobs: 1_000, stops: 12 };
  return runScenario(run, 'SIGTERM soak', async (kit) => {
    const fleet = kit.fleet();
    await Promise.all([1, 2, 3].map(() => fleet.start('term-')));
    const perWave = Math.ceil(scale.jobs / (scale.stops + 1));
    let enqueued = 0;
    const wave = async () => {
      const count = Math.min(perWave, scale.jobs - enqueued);
      const jobs = workJobs(kit.rng, count, { minMs: 20, maxMs: 300, first: enqueued });
      // Longer than the shutdown grace period: a stop aborts them and releases their jobs.
      for (const job of jobs) if (kit.rng.chance(0.1)) job.ms = kit.rng.int(1_500, 3_000);
      enqueued += count;
      await kit.db.enqueue(jobs, 'succeeded');
    };
    await wave();
    const restarts: Array<Promise<unknown>> = [];
    for (let stop = 0; stop < scale.stops; stop++) {
      await sleep(kit.rng.int(500, 1_500));
      await untilRunning(fleet, 2);
      await fleet.stop(kit.rng.pick(fleet.running()));
      restarts.push(fleet.start('term-'));
      await wave();
    }
    while (enqueued < scale.jobs) await wave();
    await Promise.all(restarts);
    kit.note(
      `${scale.stops} graceful stops (shutdownGraceMs ${STEADY_SERVER.shutdownGraceMs}), ` +
        `${fleet.reports.failedStops} of them not exiting with 0`,
    );
    await kit.finish({
      analysis: { serverConcurrency: STEADY_SERVER.concurrency },
      checkLeftovers: true,
    });
  });
}
