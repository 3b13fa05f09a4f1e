/**
 * The worker side of the bench protocol, shared by the Docket and the Agenda worker: it
 * answers the parent's requests and keeps the records the parent collects (job starts,
 * recurring starts, the command counts of the system's own MongoDB client, RSS).
 */
import { MongoClient } from 'mongodb';
import { CommandCounter, NO_COMMANDS } from '../lib/command-counter';
import { percentile } from '../lib/stats';
import { runProbe } from '../lib/ceiling-probe';
import { drainAtCeiling } from '../lib/batch-ceiling';
import { enqueueAtCeiling, runEnqueueCalls } from '../lib/enqueue-ceiling';
import { PickupCeiling } from '../lib/pickup-ceiling';
import { cpuMsSince } from '../lib/cpu-time';
import { heapAfterCollectionMb } from '../lib/server-heap';
import type { JobRecord } from '../../src/storage/job-record';
import {
  nowMs,
  type CollectReply,
  type EnqueueArgs,
  type EnqueueReply,
  type InitArgs,
  type MemoryReply,
  type ProduceArgs,
  type ProduceReply,
  type ProgressReply,
  type Range,
  type SparseArgs,
  type SparseReply,
  type TickRecord,
  type WorkerReply,
  type WorkerRequest,
} from './protocol';
import { StartLog } from './start-log';

/** What a handler reports. */
export interface WorkerHooks {
  /** A no-op job's handler began. */
  onStart(seq: number, enqueuedAt: number): void;
  /** A recurring job's handler began; `occurrence` is its scheduled instant when known. */
  onTick(rid: string, occurrence: number | null): void;
  /** A job completed (its outcome is stored). */
  onCompleted(): void;
}

/** One queue library behind the protocol. */
export interface QueueAdapter {
  /** Starts processing jobs. */
  start(): Promise<void>;
  /** Enqueues one no-op job through the public API. */
  enqueueOne(seq: number, enqueuedAt: number): Promise<void>;
  /** Schedules one no-op job `delayMs` after now through the public API. */
  scheduleOne(seq: number, enqueuedAt: number, delayMs: number): Promise<void>;
  /** Enqueues several no-op jobs in one call, or throws when the library has no such call. */
  enqueueBatch(seqs: readonly number[], enqueuedAt: number): Promise<void>;
  /** Stores no-op jobs due at `dueAt` as fast as the library's storage allows. */
  preload(seqs: readonly number[], dueAt: Date): Promise<void>;
  /** Adds every-second recurring jobs. */
  addRecurring(ids: readonly string[]): Promise<void>;
  /** Stops processing and releases everything but the client. */
  close(): Promise<void>;
}

/** Builds an adapter on a connected, monitored client. */
export type AdapterFactory = (
  client: MongoClient,
  args: InitArgs,
  hooks: WorkerHooks,
) => Promise<QueueAdapter>;

const PRELOAD_BATCH = 1_000;

/** Runs the worker loop until the parent disconnects. */
export function runWorker(factory: AdapterFactory): void {
  const runtime = new WorkerRuntime(factory);
  process.on('message', (message: { id: number; request: WorkerRequest }) => {
    runtime.handle(message.request).then(
      (result) => reply({ id: message.id, ok: true, result }),
      (error: unknown) =>
        reply({
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
  });
  process.on('disconnect', () => {
    void runtime.shutdown().finally(() => process.exit(0));
  });
  process.send?.({ ready: true });
}

function reply(message: WorkerReply): void {
  process.send?.(message);
}

/** A number drawn uniformly from `[range.min, range.max]`. */
function uniform(range: Range): number {
  return range.min + Math.random() * (range.max - range.min);
}

class WorkerRuntime {
  private client: MongoClient | undefined;
  private dbName: string | undefined;
  private counter: CommandCounter | undefined;
  private adapter: QueueAdapter | undefined;
  private starts = new StartLog();
  private ticks: TickRecord[] = [];
  private completed = 0;
  private lastCompletedAt = 0;
  private rssPeak = 0;
  /** The worker's CPU usage when its case's records were last reset. */
  private cpuAtReset = process.cpuUsage();
  private pickupCeiling: PickupCeiling | undefined;
  /** What the system (or a ceiling) tells of its jobs. */
  private readonly hooks: WorkerHooks = {
    onStart: (seq, enqueuedAt) => this.starts.push(seq, enqueuedAt, nowMs()),
    onTick: (rid, occurrence) => this.ticks.push([rid, occurrence, nowMs()]),
    onCompleted: () => {
      this.completed++;
      this.lastCompletedAt = nowMs();
    },
  };
  private readonly rssTimer: NodeJS.Timeout;

  constructor(private readonly factory: AdapterFactory) {
    this.rssTimer = setInterval(() => this.sampleRss(), 200);
    this.rssTimer.unref();
  }

  async handle(request: WorkerRequest): Promise<unknown> {
    switch (request.op) {
      case 'init':
        return this.init(request.args);
      case 'start':
        return this.requireAdapter().start();
      case 'enqueue':
        return this.enqueue(request.args);
      case 'produce':
        return this.produce(request.args);
      case 'sparse':
        return this.sparse(request.args);
      case 'preload': {
        const { count, seqStart, dueInMs } = request.args;
        const adapter = this.requireAdapter();
        for (let from = 0; from < count; from += PRELOAD_BATCH) {
          const seqs: number[] = [];
          for (let i = from; i < Math.min(count, from + PRELOAD_BATCH); i++)
            seqs.push(seqStart + i);
          await adapter.preload(seqs, new Date(Date.now() + dueInMs));
        }
        return null;
      }
      case 'recurring':
        return this.requireAdapter().addRecurring(request.args.ids);
      case 'progress':
        return {
          started: this.starts.length + this.ticks.length,
          completed: this.completed,
          lastCompletedAt: this.lastCompletedAt,
        } satisfies ProgressReply;
      case 'collect':
        return this.collect();
      case 'memory':
        return this.memory();
      case 'reset':
        this.starts = new StartLog();
        this.ticks = [];
        this.completed = 0;
        this.lastCompletedAt = 0;
        this.rssPeak = 0;
        this.counter?.reset();
        this.cpuAtReset = process.cpuUsage();
        return null;
      case 'close':
        await this.shutdown();
        return null;
      case 'probe':
        return runProbe(request.args);
      case 'ceilingEnqueue':
        return this.ceilingEnqueue(request.args);
      case 'ceilingPickup':
        return this.ceilingPickup();
      case 'ceilingDrain':
        if (!this.client || this.dbName === undefined) throw new Error('worker not initialised');
        return drainAtCeiling(
          this.client.db(this.dbName).collection<JobRecord>('docket.jobs'),
          request.args,
        );
    }
  }

  async shutdown(): Promise<void> {
    await this.pickupCeiling?.stop();
    this.pickupCeiling = undefined;
    const adapter = this.adapter;
    const client = this.client;
    this.adapter = undefined;
    this.client = undefined;
    await adapter?.close();
    this.counter?.detach();
    await client?.close();
  }

  private async init(args: InitArgs): Promise<null> {
    await this.shutdown();
    this.starts = new StartLog();
    this.ticks = [];
    this.completed = 0;
    this.lastCompletedAt = 0;
    const client = new MongoClient(args.uri, { monitorCommands: true, maxPoolSize: 20 });
    await client.connect();
    this.client = client;
    this.dbName = args.dbName;
    this.counter = new CommandCounter(client);
    this.adapter = await this.factory(client, args, this.hooks);
    this.counter.reset();
    return null;
  }

  private requireAdapter(): QueueAdapter {
    if (!this.adapter) throw new Error('worker not initialised');
    return this.adapter;
  }

  private enqueue(args: EnqueueArgs): Promise<EnqueueReply> {
    const adapter = this.requireAdapter();
    return runEnqueueCalls(args, {
      one: (seq, enqueuedAt) => adapter.enqueueOne(seq, enqueuedAt),
      batch: (seqs, enqueuedAt) => adapter.enqueueBatch([...seqs], enqueuedAt),
    });
  }

  /** The enqueue ceiling's calls (see enqueue-ceiling.ts), cloning a job Docket stored. */
  private async ceilingEnqueue(args: EnqueueArgs): Promise<EnqueueReply> {
    if (!this.client || this.dbName === undefined) throw new Error('worker not initialised');
    const db = this.client.db(this.dbName);
    const jobs = db.collection<JobRecord>('docket.jobs');
    await this.requireAdapter().enqueueOne(-1, nowMs());
    const template = await jobs.findOne({}, { sort: { createdAt: -1 } });
    if (!template) throw new Error('the template job was not stored');
    await jobs.deleteOne({ _id: template._id });
    return enqueueAtCeiling(db, template, args);
  }

  /** Starts the pickup ceiling (see pickup-ceiling.ts) in place of the system's server. */
  private async ceilingPickup(): Promise<null> {
    if (!this.client || this.dbName === undefined) throw new Error('worker not initialised');
    this.pickupCeiling = new PickupCeiling(this.client.db(this.dbName), this.hooks);
    await this.pickupCeiling.start();
    return null;
  }

  /** Open-loop arrivals: sends never wait for earlier sends to finish. */
  private async produce(args: ProduceArgs): Promise<ProduceReply> {
    const adapter = this.requireAdapter();
    const interval = 1000 / args.rate;
    const began = nowMs() + 5;
    const lags: number[] = [];
    const pending: Array<Promise<void>> = [];
    let failed = 0;
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = nowMs();
        while (sent < args.count && began + sent * interval <= now) {
          lags.push(now - (began + sent * interval));
          const enqueuedAt = nowMs();
          pending.push(
            adapter.enqueueOne(args.seqStart + sent, enqueuedAt).catch(() => {
              failed++;
            }),
          );
          sent++;
        }
        if (sent >= args.count) {
          resolve();
          return;
        }
        const wait = began + sent * interval - nowMs();
        setTimeout(tick, Math.max(0, Math.floor(wait)));
      };
      tick();
    });
    await Promise.all(pending);
    return { sent, failed, lagP99Ms: percentile(lags, 99), elapsedMs: nowMs() - began };
  }

  /** Sparse arrivals: one send at a time, a random gap between sends (see `SparseArgs`). */
  private async sparse(args: SparseArgs): Promise<SparseReply> {
    const adapter = this.requireAdapter();
    const dueAts: Array<number | null> = [];
    let failed = 0;
    const began = nowMs();
    let next = began;
    for (let i = 0; i < args.count; i++) {
      next += uniform(args.gapMs);
      const wait = next - nowMs();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const seq = args.seqStart + i;
      const enqueuedAt = nowMs();
      const delayMs = args.delayMs === null ? null : Math.round(uniform(args.delayMs));
      try {
        if (delayMs === null) {
          await adapter.enqueueOne(seq, enqueuedAt);
        } else {
          // Docket adds the delay to its own clock read during the call (`Date.now()`, whole
          // milliseconds): its due time is within a millisecond of this one.
          await adapter.scheduleOne(seq, enqueuedAt, delayMs);
          dueAts[i] = enqueuedAt + delayMs;
        }
      } catch {
        failed++;
        if (delayMs !== null) dueAts[i] = null;
      }
    }
    return { sent: args.count - failed, failed, dueAts, elapsedMs: nowMs() - began };
  }

  private collect(): CollectReply {
    this.sampleRss();
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    return {
      starts: this.starts.records(),
      ticks: this.ticks,
      commands: this.counter?.snapshot() ?? NO_COMMANDS,
      completed: this.completed,
      rssMb,
      rssPeakMb: this.rssPeak / 2 ** 20,
      cpuMs: cpuMsSince(this.cpuAtReset),
    };
  }

  /**
   * The harness's own records of the case (one per job started, collected already) are
   * dropped before the collection: what the heap keeps then is the system's.
   */
  private memory(): MemoryReply {
    this.starts = new StartLog();
    this.ticks = [];
    this.counter?.reset();
    const heapAfterGcMb = heapAfterCollectionMb();
    return { heapAfterGcMb, rssMb: process.memoryUsage().rss / 2 ** 20 };
  }

  private sampleRss(): void {
    this.rssPeak = Math.max(this.rssPeak, process.memoryUsage().rss);
  }
}
