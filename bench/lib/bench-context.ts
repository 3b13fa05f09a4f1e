import type { MongoClient } from 'mongodb';
import type { MachineInfo } from './machine';
import type { ServerInfo } from './results';
import type { Scale } from './scale';
import type { TopologyServer } from './topology';
import { WorkerHandle, spawnWorkers } from './worker-pool';
import type { SystemName } from '../workers/protocol';

/** The systems, in the order a repetition runs them (alternating between repetitions). */
export function systemsInOrder(rep: number): SystemName[] {
  return rep % 2 === 0 ? ['docket', 'agenda'] : ['agenda', 'docket'];
}

/** Worker processes kept for the whole run, `size` per system. */
export class WorkerPool {
  private constructor(private readonly workers: Record<SystemName, WorkerHandle[]>) {}

  static async create(size: number): Promise<WorkerPool> {
    const [docket, agenda] = await Promise.all([
      spawnWorkers('docket', size, 'docket'),
      spawnWorkers('agenda', size, 'agenda'),
    ]);
    return new WorkerPool({ docket, agenda });
  }

  /** The first `count` workers of a system. */
  take(system: SystemName, count: number): WorkerHandle[] {
    const workers = this.workers[system];
    if (count > workers.length) {
      throw new Error(`the pool has ${workers.length} ${system} workers, ${count} asked`);
    }
    return workers.slice(0, count);
  }

  async dispose(): Promise<void> {
    await Promise.all(
      [...this.workers.docket, ...this.workers.agenda].map((worker) => worker.dispose()),
    );
  }
}

/** A server scenarios run on, with the harness's own client to it (never counted). */
export interface BenchServer extends TopologyServer {
  readonly admin: MongoClient;
}

/** What every scenario gets from the harness. */
export interface BenchContext {
  readonly uri: string;
  readonly server: ServerInfo;
  /**
   * The servers of the scenarios that compare topologies: the bench's own first, then, when
   * it is the stand-in, a second stand-in in the other mode (with `MONGODB_URI` or a `mongod`,
   * the bench's server alone).
   */
  readonly servers: readonly BenchServer[];
  readonly machine: MachineInfo;
  readonly scale: Scale;
  /** The scenario's repetitions: `--reps`, or its scale's. */
  readonly reps: number;
  /** `--reps` when given (a scenario with cases of their own repetitions follows it too). */
  readonly repsOverride: number | null;
  readonly pool: WorkerPool;
  /** The harness's own client (dropping databases, checking storage); never counted. */
  readonly admin: MongoClient;
  log(message: string): void;
}

let dbCounter = 0;

/** A fresh database name for one run of one system. */
export function dbNameFor(scenario: string, system: SystemName, rep: number): string {
  dbCounter++;
  return `bench_${scenario}_${system}_${rep}_${process.pid}_${dbCounter}`;
}

/**
 * Drops a database of the bench's server (or of `server`), ignoring failures (a run must
 * not fail on cleanup).
 */
export async function dropDb(
  ctx: BenchContext,
  dbName: string,
  server?: BenchServer,
): Promise<void> {
  await (server?.admin ?? ctx.admin)
    .db(dbName)
    .dropDatabase()
    .catch(() => undefined);
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the workers together report `expected` completed jobs, polling every 50 ms.
 * Resolves with whether they got there before `timeoutMs`.
 */
export async function waitForCompleted(
  workers: readonly WorkerHandle[],
  expected: number,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = await Promise.all(workers.map((worker) => worker.progress()));
    const completed = progress.reduce((sum, p) => sum + p.completed, 0);
    if (completed >= expected) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

/** When the last of the workers' jobs completed (ms). */
export async function lastCompletedAt(workers: readonly WorkerHandle[]): Promise<number> {
  const progress = await Promise.all(workers.map((worker) => worker.progress()));
  return Math.max(...progress.map((p) => p.lastCompletedAt));
}

/**
 * Jobs storage still holds as unfinished after a drain: Docket's not `succeeded`, Agenda's
 * without a `lastFinishedAt` (missing or null) (read with the harness's own client, after the timed window).
 */
export function countUnfinished(
  ctx: BenchContext,
  system: SystemName,
  dbName: string,
): Promise<number> {
  const db = ctx.admin.db(dbName);
  return system === 'docket'
    ? db.collection('docket.jobs').countDocuments({ state: { $ne: 'succeeded' } })
    : db.collection('agendaJobs').countDocuments({ lastFinishedAt: null });
}
