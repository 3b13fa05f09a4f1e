import type { ScenarioResult } from '../report/scenario-result';
import type { Fleet } from '../support/fleet';
import { waitFor } from '../../helpers/wait-for';
import type { RunContext } from '../support/scenario-db';
import { STEADY_SERVER, runScenario, sleep, workJobs, type ScenarioKit } from './kit';

/**
 * SIGKILL soak: three workers drain a stream of jobs while one of them is killed with
 * SIGKILL every second or so (and replaced by a new process). Every job must finish exactly
 * as its handler says; a job runs again only when a kill cut its run short. Every other wave
 * of jobs is a batch, which must end `succeeded` with each of its jobs counted once.
 */
export function sigkillSoak(run: RunContext): Promise<ScenarioResult> {
  const scale = run.quick ? { jobs: 200, kills: 3 } : { jobs: 3_000, kills: 24 };
  return runScenario(run, 'SIGKILL soak', async (kit) => {
    const fleet = kit.fleet();
    await Promise.all([1, 2, 3].map(() => fleet.start('kill-')));
    const restarts: Array<Promise<unknown>> = [];
    const waves = new Waves(kit, scale.jobs, scale.kills + 1, undefined, true);
    await waves.next();
    for (let kill = 0; kill < scale.kills; kill++) {
      await sleep(kit.rng.int(400, 1_200));
      await untilRunning(fleet, 2);
      await fleet.kill(kit.rng.pick(fleet.running()));
      restarts.push(fleet.start('kill-'));
      await waves.next();
    }
    await waves.rest();
    await Promise.all(restarts);
    kit.note(`${scale.kills} SIGKILLs among 3 workers (${fleet.members.length} processes in all)`);
    await kit.finish({
      analysis: { serverConcurrency: STEADY_SERVER.concurrency },
    });
  });
}

/** Enqueues `total` work jobs in `count` waves, so that work keeps arriving during faults. */
export class Waves {
  private enqueued = 0;
  private waves = 0;
  private readonly size: number;

  constructor(
    private readonly kit: ScenarioKit,
    private readonly total: number,
    count: number,
    private readonly ms = { minMs: 20, maxMs: 300 },
    private readonly asBatches = false,
  ) {
    this.size = Math.ceil(total / count);
  }

  async next(): Promise<void> {
    const count = Math.min(this.size, this.total - this.enqueued);
    if (count <= 0) return;
    const jobs = workJobs(this.kit.rng, count, { ...this.ms, first: this.enqueued });
    this.enqueued += count;
    // Every other wave may be a batch: its counts and its end must survive the faults too.
    if (this.asBatches && this.waves++ % 2 === 1) await this.kit.db.enqueueBatch(jobs);
    else await this.kit.db.enqueue(jobs, 'succeeded');
  }

  async rest(): Promise<void> {
    while (this.enqueued < this.total) await this.next();
  }
}

/** Waits until at least `count` workers run (replacements start in the background). */
export async function untilRunning(
  fleet: Fleet,
  count: number,
  timeoutMs = 120_000,
): Promise<void> {
  await waitFor(() => fleet.running().length >= count, {
    timeoutMs,
    intervalMs: 50,
    what: `${count} workers to run`,
  });
}
