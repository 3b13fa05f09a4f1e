import { dbNameFor, dropDb, type BenchContext } from './bench-context';
import { standInCpuUsPerJob } from './cpu-time';
import { CONCURRENCY, THROUGHPUT_SETTINGS } from './settings';

/** The jobs a ceiling drain stores first: the due ones it drains, and future ones beside. */
export interface CeilingBacklog {
  readonly due: number;
  /** Jobs due `futureInMs` ahead, stored first, which the drain must leave alone. */
  readonly future?: number;
  readonly futureInMs?: number;
}

/** What a ceiling drain measured. */
export interface CeilingRun {
  /** Jobs drained per second. */
  readonly rate: number;
  /** The loop's CPU time per job, in its worker process (µs). */
  readonly workerCpuUs: number;
  /**
   * The CPU time of this process per job while the loop ran (µs): on the stand-in, which
   * runs here, the server's cost of the ceiling's commands; null on another server.
   */
  readonly serverCpuUs: number | null;
}

/**
 * Drains the due jobs of a backlog stored by Docket with the batched-claim ceiling's loop
 * (see batch-ceiling.ts) in a Docket worker process of the pool. `name` names the database
 * and the log line.
 */
export async function drainCeiling(
  ctx: BenchContext,
  name: string,
  backlog: CeilingBacklog,
  rep: number,
): Promise<CeilingRun> {
  const { due, future = 0, futureInMs = 0 } = backlog;
  const dbName = dbNameFor(`${name}-ceiling`, 'docket', rep);
  const [worker] = ctx.pool.take('docket', 1);
  try {
    await worker.init({ uri: ctx.uri, dbName, ...THROUGHPUT_SETTINGS });
    // Future jobs get sequence numbers after the due ones, as the scenarios store them.
    if (future > 0) await worker.preload({ count: future, seqStart: due, dueInMs: futureInMs });
    await worker.preload({ count: due, seqStart: 0, dueInMs: 0 });
    const cpuAtStart = process.cpuUsage();
    const { drained, elapsedMs, cpuMs } = await worker.ceilingDrain({
      jobTypes: ['bench.noop'],
      batch: CONCURRENCY,
    });
    const serverCpuUs = standInCpuUsPerJob(ctx, cpuAtStart, drained);
    await worker.close();
    if (drained !== due) throw new Error(`the ceiling drained ${drained} of ${due} jobs`);
    const rate = drained / (elapsedMs / 1000);
    ctx.log(`${name} ${due} jobs ceiling rep ${rep + 1}: ${rate.toFixed(0)} jobs/s`);
    return {
      rate,
      workerCpuUs: (1000 * cpuMs) / drained,
      serverCpuUs,
    };
  } finally {
    await dropDb(ctx, dbName);
  }
}
