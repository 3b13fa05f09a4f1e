import type { ScenarioResult } from '../report/scenario-result';
import { maxConcurrent } from '../support/limits';
import type { RunContext } from '../support/scenario-db';
import { GlobalLimitJob, OVERRUN } from '../workers/fault-jobs';
import { STEADY_SERVER, runScenario, workJobs } from './kit';

const SKEW_MS = 60_000;

/**
 * Clock skew: of three workers, one runs a minute ahead and one a minute behind (the clock
 * Docket is given; the machine's is right). Leases, recovery and global slots are decided by
 * MongoDB's clock, so nothing may be taken from a healthy worker: no job runs twice, none
 * fails, and the global limit holds. No fault is injected, so no rerun is explained.
 */
export function clockSkew(run: RunContext): Promise<ScenarioResult> {
  const scale = run.quick ? { jobs: 90, global: 9 } : { jobs: 600, global: 40 };
  return runScenario(run, 'clock skew ±1 min', async (kit) => {
    const fleet = kit.fleet({ worker: { handlers: ['work', 'global-limit'] } });
    await Promise.all(
      [SKEW_MS, 0, -SKEW_MS].map((clockSkewMs) =>
        fleet.start(clockSkewMs > 0 ? 'ahead-' : clockSkewMs < 0 ? 'behind-' : 'exact-', {
          worker: { clockSkewMs },
        }),
      ),
    );
    // Long enough that leases are renewed while they run.
    await kit.db.enqueue(workJobs(kit.rng, scale.jobs, { minMs: 300, maxMs: 1_500 }), 'succeeded');
    const globals = Array.from({ length: scale.global }, (_, n) =>
      Object.assign(new GlobalLimitJob(), { n, ms: 300 }),
    );
    // Their own timeout and attempts (not the handler's 200 ms and none): here they must
    // simply succeed, and a lease a stalled machine costs them is retried.
    await kit.db.enqueue(globals, 'succeeded', { timeoutMs: 10_000, maxAttempts: 5 });
    kit.note(`workers at +${SKEW_MS / 1000} s, 0 and -${SKEW_MS / 1000} s; no fault injected`);
    await kit.finish({
      analysis: { serverConcurrency: STEADY_SERVER.concurrency },
    });
    const spans = (
      await kit.db.invocations().find({ jobType: 'faults.overrun.global-limit' }).toArray()
    ).map((inv): [number, number] => [inv.startedAt, inv.endedAt ?? Date.now()]);
    kit.result.limits.push({
      limit: 'global limit',
      max: maxConcurrent(spans),
      allowed: OVERRUN.globalLimit,
    });
  });
}
