import type { Collection, MongoClient } from 'mongodb';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-processes';
import { ASSIGNMENTS, type WorkerAssignment } from '../workers/fault-jobs';
import type { WorkerBuild } from '../../helpers/worker-build';

/** A pooled process not taken yet. */
interface Idle {
  readonly id: string;
  /** Resolves once the process runs what it is assigned (READY). */
  readonly ready: Promise<WorkerProcess>;
}

/**
 * Worker processes started ahead of need, through the project's helper: each loads Docket
 * and waits for an assignment, so that a scenario's worker (or a killed worker's replacement)
 * runs within a second of being asked for instead of after a cold start (seconds of CPU on
 * a shared two-core machine). Taking one starts another in the background.
 */
export class WorkerPool {
  private readonly idle: Idle[] = [];
  private spawned = 0;
  private readonly assignments: Collection<WorkerAssignment>;

  private constructor(
    private readonly build: WorkerBuild,
    private readonly uri: string,
    client: MongoClient,
    private readonly dbName: string,
    private readonly size: number,
    /** How many processes the run will take in all: no more are started ahead of need. */
    private readonly budget: number,
  ) {
    this.assignments = client.db(dbName).collection<WorkerAssignment>(ASSIGNMENTS);
  }

  /**
   * Starts up to `size` processes (they go on loading in the background), and keeps that many
   * ready while fewer than `budget` were started.
   */
  static async create(
    build: WorkerBuild,
    uri: string,
    client: MongoClient,
    { size, budget, dbName }: { size: number; budget: number; dbName: string },
  ): Promise<WorkerPool> {
    await client.db(dbName).dropDatabase();
    const pool = new WorkerPool(build, uri, client, dbName, size, budget);
    pool.fill();
    return pool;
  }

  /** Assigns a pooled process; resolves once its server runs. */
  async take(assignment: Omit<WorkerAssignment, '_id'>): Promise<WorkerProcess> {
    const slot = this.idle.shift() ?? this.spawn();
    this.fill();
    await this.assignments.insertOne({ ...assignment, _id: slot.id });
    return slot.ready;
  }

  /** Tells every idle process to exit, and waits for them. */
  async close(): Promise<void> {
    const idle = this.idle.splice(0);
    await Promise.all(
      idle.map(async (slot) => {
        await this.assignments
          .insertOne({
            _id: slot.id,
            exit: true,
            serverId: '',
            dbName: '',
            uri: '',
            server: {},
            clockSkewMs: 0,
            handlers: [],
            retryStart: false,
          })
          .catch(() => undefined);
        // It exits before READY: the helper rejects, as it should.
        await slot.ready.catch(() => undefined);
      }),
    );
    await this.assignments.db.dropDatabase().catch(() => undefined);
  }

  private fill(): void {
    while (this.idle.length < this.size && this.spawned < this.budget) {
      this.idle.push(this.spawn());
    }
  }

  private spawn(): Idle {
    const id = `pool-${++this.spawned}`;
    const ready = startWorkerProcess(
      id,
      { uri: this.uri, dbName: this.dbName },
      // It may wait long for a scenario to take it.
      { fixture: this.build.fixture, readyTimeoutMs: 3_600_000 },
    );
    // A process that never runs is reported by take(), or expected by close().
    ready.catch(() => undefined);
    return { id, ready };
  }
}
