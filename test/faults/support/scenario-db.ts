import { MongoClient, type Collection, type Db } from 'mongodb';
import { container as rootContainer } from 'tsyringe';
import {
  Docket,
  DocketError,
  type EnqueueOptions,
  type IJob,
  type JobRecord,
  type JobState,
} from '../../../src';
import type { EphemeralMongoKind } from '../../../src/testing';
import { quietLogger } from '../../helpers/logger';
import { waitFor } from '../../helpers/wait-for';
import type { Findings } from '../report/scenario-result';
import { INVOCATIONS, type Invocation } from '../workers/fault-jobs';
import type { Rng } from './rng';
import type { DatabaseLatencyMonitor } from './database-latency';
import type { StallMonitor } from './stall-monitor';
import type { WorkerPool } from './worker-pool';

/** What every scenario gets from the runner. */
export interface RunContext {
  /** The MongoDB every process shares (the runner connects to it directly). */
  readonly uri: string;
  readonly kind: EphemeralMongoKind;
  /** How long the server lets a transaction stay open (s); null when it cannot say. */
  readonly transactionLifetimeLimitS: number | null;
  readonly quick: boolean;
  /** Keep each scenario's database afterwards (`--keep`). */
  readonly keep: boolean;
  readonly seed: number;
  readonly rng: Rng;
  /** Worker processes ready to be given a scenario's server. */
  readonly pool: WorkerPool;
  readonly client: MongoClient;
  readonly log: (message: string) => void;
  /** Stalls of the runner (which may host the stand-in). */
  readonly stalls: StallMonitor;
  /** Times the database answered a second or more late. */
  readonly latency: DatabaseLatencyMonitor;
  /** Unhandled rejections in the runner process so far. */
  readonly runnerUnhandled: () => number;
}

/** What the analysis reads of a batch. */
export interface StoredBatch {
  _id: string;
  state: string;
  total: number;
  succeeded: number;
  failed: number;
  deleted: number;
}

/** Final states of a job. */
export const FINISHED: readonly JobState[] = ['succeeded', 'failed', 'deleted'];

/**
 * A scenario's own database, with a producer Docket that only enqueues (as a web process
 * would) and remembers every job it was acknowledged, with the state its handler leads to.
 */
export class ScenarioDb {
  /** Acknowledged job ids and the final state each should reach. */
  readonly expected = new Map<string, 'succeeded' | 'failed'>();
  /** Batches created (all of whose jobs should succeed), by id. */
  readonly batches = new Set<string>();
  /** Enqueues refused with a typed error, and with anything else. */
  readonly refused = { typed: 0, untyped: 0 };

  private constructor(
    readonly dbName: string,
    readonly db: Db,
    readonly producer: Docket,
    private readonly ownClient: MongoClient | undefined,
  ) {}

  /**
   * Creates the database's collections and indexes through the producer.
   * @param producerUri - where the producer connects (a fault proxy); the run's client otherwise.
   */
  static async open(run: RunContext, name: string, producerUri?: string): Promise<ScenarioDb> {
    const dbName = `faults_${name.replace(/[^A-Za-z0-9]/g, '_')}_${run.seed}`;
    await run.client.db(dbName).dropDatabase();
    const ownClient = producerUri ? await new MongoClient(producerUri).connect() : undefined;
    const producer = await Docket.create({
      mongo: { client: ownClient ?? run.client, dbName },
      container: rootContainer.createChildContainer(),
      handlers: [],
      logger: quietLogger(),
    });
    return new ScenarioDb(dbName, run.client.db(dbName), producer, ownClient);
  }

  jobs(): Collection<JobRecord> {
    return this.db.collection<JobRecord>(`${this.producer.collectionPrefix}jobs`);
  }

  invocations(): Collection<Invocation> {
    return this.db.collection<Invocation>(INVOCATIONS);
  }

  servers(): Collection<{ _id: string; heartbeatAt: Date }> {
    return this.db.collection(`${this.producer.collectionPrefix}servers`);
  }

  /** Enqueues jobs in batches of 200 (one round trip each); returns their ids. */
  async enqueue(
    jobs: readonly IJob[],
    expect: 'succeeded' | 'failed',
    options?: EnqueueOptions,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < jobs.length; i += 200) {
      const batch = await this.producer.scheduler.enqueueMany(jobs.slice(i, i + 200), options);
      for (const id of batch) this.expected.set(id, expect);
      ids.push(...batch);
    }
    return ids;
  }

  /**
   * Enqueues one job at a time, as an application would under faults: a refusal is counted
   * (typed or not), and a job is expected only once its enqueue was acknowledged.
   */
  async enqueueEach(
    jobs: readonly IJob[],
    expect: 'succeeded' | 'failed',
    findings: Findings,
  ): Promise<void> {
    await Promise.all(
      jobs.map(async (job) => {
        try {
          this.expected.set(await this.producer.scheduler.enqueue(job), expect);
        } catch (error) {
          if (error instanceof DocketError) this.refused.typed++;
          else {
            this.refused.untyped++;
            findings.add('untyped enqueue error', String(error));
          }
        }
      }),
    );
  }

  /** Jobs not finished yet (acknowledged or not). */
  unfinished(): Promise<number> {
    return this.jobs().countDocuments({ state: { $nin: [...FINISHED] } });
  }

  /**
   * Creates one batch of jobs that should all succeed (`IJobScheduler.createBatch`), and
   * expects each of them.
   */
  async enqueueBatch(jobs: readonly IJob[]): Promise<string> {
    const batchId = await this.producer.scheduler.createBatch({ jobs: [...jobs] });
    this.batches.add(batchId);
    for (const job of await this.jobs()
      .find({ batchId }, { projection: { _id: 1 } })
      .toArray()) {
      this.expected.set(job._id, 'succeeded');
    }
    return batchId;
  }

  /** The created batches, as stored now. */
  storedBatches(): Promise<StoredBatch[]> {
    return this.db
      .collection<StoredBatch>(`${this.producer.collectionPrefix}batches`)
      .find({ _id: { $in: [...this.batches] } })
      .toArray();
  }

  /**
   * Waits until every created batch ended (a count lost with a killed worker is found by a
   * live server's recovery sweep); false after `capMs`.
   */
  async waitUntilBatchesEnded(capMs: number): Promise<boolean> {
    if (this.batches.size === 0) return true;
    const open = async () =>
      (await this.storedBatches()).filter((b) => b.state === 'creating' || b.state === 'started')
        .length;
    try {
      await waitFor(async () => (await open()) === 0, {
        timeoutMs: capMs,
        intervalMs: 250,
        what: 'the batches to end',
      });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Waits until every job is finished; false when none finished for `idleMs` while some are
   * left, or `capMs` passed (a loaded machine slows a drain, but does not stop it).
   */
  async waitUntilFinished({ idleMs, capMs }: { idleMs: number; capMs: number }): Promise<boolean> {
    const began = Date.now();
    let left = Infinity;
    let changed = began;
    const outcome = async (): Promise<'drained' | 'stalled' | null> => {
      const now = Date.now();
      const unfinished = await this.unfinished();
      if (unfinished === 0) return 'drained';
      if (unfinished !== left) {
        left = unfinished;
        changed = now;
      }
      return now - changed > idleMs || now - began > capMs ? 'stalled' : null;
    };
    // The condition itself ends the wait (idle or cap); the timeout is only a backstop.
    const timeoutMs = capMs + idleMs + 60_000;
    return (await waitFor(outcome, { timeoutMs, intervalMs: 250, what: 'a drain' })) === 'drained';
  }

  /** Closes the producer and drops the database. */
  async close(keep: boolean): Promise<void> {
    await this.producer.close().catch(() => undefined);
    await this.ownClient?.close().catch(() => undefined);
    if (!keep) await this.db.dropDatabase().catch(() => undefined);
  }
}
