import type { IJob } from '../../../src';
import type { ScenarioResult } from '../report/scenario-result';
import { maxConcurrent, maxConcurrentPerGroup, type Span } from '../support/limits';
import { waitFor } from '../../helpers/wait-for';
import type { RunContext } from '../support/scenario-db';
import {
  GlobalLimitJob,
  OVERRUN,
  ServerLimitJob,
  TypeLimitJob,
  type Invocation,
} from '../workers/fault-jobs';
import { STEADY_SERVER, runScenario, type ScenarioKit } from './kit';

/**
 * Overrunning handlers under limits: handlers that ignore their signal run six times their
 * timeout. Their attempts fail at the timeout, but the invocations still run, and a limit
 * bounds running invocations: the per-server limit of a type (`concurrency`), the limit
 * across servers (`globalConcurrency`) and the server's `concurrency`, each in a phase of its
 * own, on two workers. Records the most invocations that ran at once under each.
 */
export function overrunLimits(run: RunContext): Promise<ScenarioResult> {
  const scale = run.quick ? { jobs: 6, ms: 1_200 } : { jobs: 24, ms: 1_500 };
  return runScenario(run, 'overrunning handlers', async (kit) => {
    const fleet = kit.fleet({
      server: { ...STEADY_SERVER, concurrency: OVERRUN.serverLimit },
      worker: { handlers: ['type-limit', 'global-limit', 'server-limit'] },
    });
    await Promise.all([1, 2].map(() => fleet.start('over-')));
    const phases: Array<[string, new () => IJob & { n: number; ms: number }]> = [
      ['faults.overrun.type-limit', TypeLimitJob],
      ['faults.overrun.global-limit', GlobalLimitJob],
      ['faults.overrun.server-limit', ServerLimitJob],
    ];
    for (const [, JobClass] of phases) {
      const jobs = Array.from({ length: scale.jobs }, (_, n) =>
        Object.assign(new JobClass(), { n, ms: scale.ms }),
      );
      await kit.db.enqueue(jobs, 'failed');
      await untilQuiet(kit, run.quick ? 30_000 : 90_000);
    }
    kit.note(
      `${scale.jobs} jobs per limit, handlers running ${scale.ms} ms past a ${OVERRUN.timeoutMs} ms ` +
        'timeout and ignoring their signal (retries 0: each attempt fails)',
    );
    await kit.finish({
      analysis: { serverConcurrency: OVERRUN.serverLimit },
    });
    const invocations = await kit.db.invocations().find().toArray();
    const span = (inv: Invocation): Span => [inv.startedAt, inv.endedAt ?? Date.now()];
    const ofType = (type: string) => invocations.filter((inv) => inv.jobType === type);
    kit.result.limits.push(
      {
        limit: 'type limit',
        max: maxConcurrentPerGroup(
          ofType(phases[0][0]),
          (inv) => String(inv.pid),
          (inv) => [span(inv)],
        ),
        allowed: OVERRUN.typeLimit,
      },
      {
        limit: 'global limit',
        max: maxConcurrent(ofType(phases[1][0]).map(span)),
        allowed: OVERRUN.globalLimit,
      },
    );
  });
}

/** Waits until every job finished and every invocation ended (the handlers overrun). */
async function untilQuiet(kit: ScenarioKit, timeoutMs: number): Promise<void> {
  const quiet = async () =>
    (await kit.db.invocations().countDocuments({ endedAt: null })) === 0 &&
    (await kit.db.unfinished()) === 0;
  await waitFor(quiet, { timeoutMs, intervalMs: 200, what: 'a phase to end' }).catch(
    (error: unknown) => {
      if (!(error instanceof Error && error.message.startsWith('timed out'))) throw error;
      kit.note(`a phase did not end within ${timeoutMs} ms`);
    },
  );
}
