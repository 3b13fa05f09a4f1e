import type { ScenarioResult } from '../report/scenario-result';
import type { FleetMember } from '../support/fleet';
import type { RunContext } from '../support/scenario-db';
import { TcpFaultProxy } from '../support/tcp-fault-proxy';
import { SHORT_LEASE_SERVER, runScenario, sleep, workJobs } from './kit';

type NetworkFault = 'reset' | 'stall' | 'refuse';
const KINDS: readonly NetworkFault[] = ['stall', 'reset', 'refuse'];

/**
 * Network faults: each worker (and the producer) reaches MongoDB through a TCP proxy of its
 * own, which resets every connection, stalls all traffic for seconds (longer than a lease),
 * or refuses connections, for one worker or for all. A partitioned worker must stop the
 * handlers it can no longer prove it owns by its own deadline; nothing acknowledged is lost;
 * failed enqueues fail with typed errors.
 */
export async function networkFaults(run: RunContext): Promise<ScenarioResult> {
  const scale = run.quick ? { jobs: 120, faults: 3 } : { jobs: 1_000, faults: 15 };
  const target = new URL(run.uri.replace(/^mongodb:/, 'http:'));
  const proxies: TcpFaultProxy[] = [];
  const start = async () => {
    const proxy = await TcpFaultProxy.start({ host: target.hostname, port: Number(target.port) });
    proxies.push(proxy);
    return proxy;
  };
  try {
    const producerProxy = await start();
    const workerProxies = [await start(), await start(), await start()];
    return await runScenario(
      run,
      'network faults (proxy)',
      async (kit) => {
        const fleet = kit.fleet({ server: SHORT_LEASE_SERVER });
        const members: FleetMember[] = await Promise.all(
          workerProxies.map((proxy) => fleet.start('net-', { uri: proxy.uri })),
        );
        const perWave = Math.ceil(scale.jobs / (scale.faults + 1));
        let enqueued = 0;
        const enqueues: Array<Promise<void>> = [];
        const wave = () => {
          const count = Math.min(perWave, scale.jobs - enqueued);
          const jobs = workJobs(kit.rng, count, { minMs: 50, maxMs: 800, first: enqueued });
          // Some outlast a stall: a partitioned worker must stop them by its own deadline.
          for (const job of jobs) if (kit.rng.chance(0.2)) job.ms = kit.rng.int(3_000, 6_000);
          enqueued += count;
          enqueues.push(kit.db.enqueueEach(jobs, 'succeeded', kit.findings));
        };
        wave();
        const counts: Record<NetworkFault, number> = { reset: 0, stall: 0, refuse: 0 };
        for (let i = 0; i < scale.faults; i++) {
          await sleep(kit.rng.int(800, 2_000));
          const kind = i < KINDS.length ? KINDS[i] : kit.rng.pick(KINDS);
          // The first faults hit one worker (a partition); later ones may hit every process.
          const all = i >= KINDS.length && kit.rng.chance(0.3);
          const index = kit.rng.int(0, members.length - 1);
          const hit = all ? [producerProxy, ...workerProxies] : [workerProxies[index]];
          const pid = all ? null : members[index].pid;
          const who = all ? 'all' : members[index].id;
          counts[kind]++;
          switch (kind) {
            case 'reset': {
              const close = kit.faults.open('cut off', pid, `reset ${who}`);
              const reset = hit.reduce((sum, proxy) => sum + proxy.reset(), 0);
              await sleep(1_000);
              close();
              run.log(`network: reset ${reset} connections of ${who}`);
              break;
            }
            case 'stall': {
              const ms = kit.rng.int(2_000, run.quick ? 3_500 : 5_000);
              const close = kit.faults.open('cut off', pid, `stall ${who} ${ms} ms`);
              await Promise.all(hit.map((proxy) => proxy.stall(ms)));
              close();
              break;
            }
            case 'refuse': {
              const ms = kit.rng.int(1_000, 3_000);
              const close = kit.faults.open('cut off', pid, `refuse ${who} ${ms} ms`);
              await Promise.all(hit.map((proxy) => proxy.refuse(ms)));
              close();
              break;
            }
          }
          wave();
        }
        while (enqueued < scale.jobs) wave();
        await Promise.all(enqueues);
        kit.note(
          `${counts.reset} resets, ${counts.stall} stalls of 2-${run.quick ? 3.5 : 5} s, ` +
            `${counts.refuse} refusals of 1-3 s (leaseMs ${SHORT_LEASE_SERVER.leaseMs})`,
        );
        await kit.finish({
          analysis: { serverConcurrency: SHORT_LEASE_SERVER.concurrency },
        });
      },
      { producerUri: producerProxy.uri },
    );
  } finally {
    await Promise.all(proxies.map((proxy) => proxy.close().catch(() => undefined)));
  }
}
