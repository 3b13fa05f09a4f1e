/**
 * The messages between the bench parent and its worker processes (Node IPC). One protocol
 * for both systems: the parent drives a Docket worker and an Agenda worker the same way.
 */
import type { CommandCounts } from '../lib/command-counter';

/** The two systems compared. */
export type SystemName = 'docket' | 'agenda';

/** Docket's settings in a worker process. */
export interface DocketWorkerSettings {
  /** `startServer` options (concurrency, pollIntervalMs, ...). */
  readonly server: Readonly<Record<string, unknown>>;
}

/** Agenda's settings in a worker process (the `new Agenda({...})` options). */
export interface AgendaWorkerSettings {
  readonly processEvery: number;
  readonly maxConcurrency: number;
  readonly defaultConcurrency: number;
  readonly lockLimit: number;
  readonly defaultLockLimit: number;
  /**
   * Agenda's notification channel: none (polling only, MongoBackend's default), its
   * in-memory channel (one process), or its change-stream channel (replica sets only).
   */
  readonly notify: 'none' | 'in-memory' | 'change-stream';
}

/** What a worker connects to and how its system is configured. */
export interface InitArgs {
  readonly uri: string;
  readonly dbName: string;
  readonly docket?: DocketWorkerSettings;
  readonly agenda?: AgendaWorkerSettings;
  /** Recurring ids this process must be able to run (Agenda defines one job name per id). */
  readonly recurringIds?: readonly string[];
}

/** How a worker enqueues in the enqueue scenario. */
export interface EnqueueArgs {
  readonly mode: 'sequential' | 'concurrent' | 'bulk';
  readonly count: number;
  /** Concurrent callers (`concurrent`). */
  readonly concurrency: number;
  /** Jobs per call (`bulk`). */
  readonly batchSize: number;
  readonly seqStart: number;
}

/** Open-loop arrivals: job `i` is sent at `start + i / rate`, whatever happened before. */
export interface ProduceArgs {
  readonly rate: number;
  readonly count: number;
  readonly seqStart: number;
}

/**
 * Sparse arrivals: jobs sent one at a time, each awaited, the next one a random gap after the
 * previous one was due to go (uniform in `gapMs`, so that sends never line up with a poll
 * period), with the server idle in between.
 */
export interface SparseArgs {
  readonly count: number;
  readonly seqStart: number;
  /** The gap before each send, drawn uniformly from `[min, max]` (ms). */
  readonly gapMs: Range;
  /**
   * null: enqueue each job for now; otherwise schedule it this far ahead, an integer drawn
   * uniformly from `[min, max]` (ms).
   */
  readonly delayMs: Range | null;
}

/** An interval of milliseconds, both ends included. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/** Jobs written straight into storage before a drain (see the worker adapters). */
export interface PreloadArgs {
  readonly count: number;
  readonly seqStart: number;
  /** 0: due now; otherwise due this far in the future. */
  readonly dueInMs: number;
}

/** The ceiling probe (see ceiling-probe.ts). */
export interface ProbeArgs {
  /** The servers to measure, their windows interleaved; the first is the reference. */
  readonly uris: readonly string[];
  readonly dbName: string;
  /** How long each measured window lasts. */
  readonly windowMs: number;
  /** Measured windows per server and shape. */
  readonly rounds: number;
  readonly concurrency: number;
  readonly docs: number;
}

/** The batched-claim ceiling's drain (see batch-ceiling.ts), on the jobs Docket stored. */
export interface CeilingDrainArgs {
  /** The job types to claim. */
  readonly jobTypes: readonly string[];
  /** Jobs per claim. */
  readonly batch: number;
}

/** Answer to `ceilingDrain`. */
export interface CeilingDrainReply {
  readonly drained: number;
  /** From the first claim's answer to the last outcome's (ms). */
  readonly elapsedMs: number;
  /** CPU time (user and system) the worker used for the whole loop (ms). */
  readonly cpuMs: number;
}

/** Requests, by operation. */
export type WorkerRequest =
  | { readonly op: 'init'; readonly args: InitArgs }
  | { readonly op: 'start' }
  | { readonly op: 'enqueue'; readonly args: EnqueueArgs }
  | { readonly op: 'produce'; readonly args: ProduceArgs }
  | { readonly op: 'sparse'; readonly args: SparseArgs }
  | { readonly op: 'preload'; readonly args: PreloadArgs }
  | { readonly op: 'recurring'; readonly args: { readonly ids: readonly string[] } }
  | { readonly op: 'progress' }
  | { readonly op: 'collect' }
  | { readonly op: 'memory' }
  | { readonly op: 'reset' }
  | { readonly op: 'close' }
  | { readonly op: 'probe'; readonly args: ProbeArgs }
  | { readonly op: 'ceilingDrain'; readonly args: CeilingDrainArgs }
  | { readonly op: 'ceilingEnqueue'; readonly args: EnqueueArgs }
  | { readonly op: 'ceilingPickup' };

/** A job that started: its sequence number, when it was enqueued and when its handler began (ms, sub-ms precision). */
export type StartRecord = readonly [seq: number, enqueuedAt: number, startedAt: number];

/** A recurring job that started: its recurring id, its occurrence (ms) when known, its start. */
export type TickRecord = readonly [rid: string, occurrence: number | null, startedAt: number];

/** Answer to `progress`. */
export interface ProgressReply {
  readonly started: number;
  readonly completed: number;
  /** When the last job completed (ms), 0 before any. */
  readonly lastCompletedAt: number;
}

/** Answer to `enqueue`. */
export interface EnqueueReply {
  /** Latency of each call (ms). */
  readonly latencies: readonly number[];
  readonly jobs: number;
  readonly elapsedMs: number;
}

/** Answer to `produce`. */
export interface ProduceReply {
  readonly sent: number;
  readonly failed: number;
  /** How late each send was against its schedule (ms), p99. */
  readonly lagP99Ms: number;
  readonly elapsedMs: number;
}

/** Answer to `sparse`. */
export interface SparseReply {
  readonly sent: number;
  readonly failed: number;
  /**
   * Scheduled jobs: the due time of job `seqStart + i` at `i` (ms, the enqueue call's time
   * plus its delay; null for a send that failed); empty for jobs enqueued for now.
   */
  readonly dueAts: ReadonlyArray<number | null>;
  readonly elapsedMs: number;
}

/** Answer to `collect`. */
export interface CollectReply {
  readonly starts: readonly StartRecord[];
  readonly ticks: readonly TickRecord[];
  readonly commands: CommandCounts;
  readonly completed: number;
  readonly rssMb: number;
  readonly rssPeakMb: number;
  /** CPU time (user and system) the worker used since `reset` (ms). */
  readonly cpuMs: number;
}

/**
 * Answer to `memory`: what the worker holds once the records of the case (collected first)
 * are dropped, with its system still running.
 */
export interface MemoryReply {
  /** The V8 heap in use after a full garbage collection (MiB). */
  readonly heapAfterGcMb: number;
  /** The process's resident set after that collection (MiB). */
  readonly rssMb: number;
}

/** Answer to `probe`. */
export interface ProbeReply {
  /** Per server, in the order of `uris`: the median of its windows, per shape. */
  readonly ceilings: ReadonlyArray<{ readonly claimPerSec: number; readonly pointPerSec: number }>;
  /** Per server: its claim-shaped rate over the first server's, the median over rounds. */
  readonly claimRatios: readonly number[];
}

/** A reply on the IPC channel. */
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** Milliseconds since the epoch with sub-millisecond precision, comparable across processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
