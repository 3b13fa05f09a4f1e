/**
 * The jobs of the fault-injection suite, known to the runner (which enqueues them) and to the
 * worker processes (which run them). Every handler records each invocation (see
 * ./invocation-recorder.ts), so the runner knows exactly what ran, where and when.
 */
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { Job, type IJob } from '../../../src';

/** Work that takes `ms`; with `honour`, it stops as soon as its signal fires. */
@Job('faults.work')
export class WorkJob implements IJob {
  @IsInt() @Min(0) n!: number;
  @IsInt() @Min(0) @Max(600_000) ms!: number;
  @IsBoolean() honour!: boolean;
}

/** Overrunning work under a per-server limit of its type: ignores its signal, runs `ms`. */
@Job('faults.overrun.type-limit')
export class TypeLimitJob implements IJob {
  @IsInt() @Min(0) n!: number;
  @IsInt() @Min(0) @Max(60_000) ms!: number;
}

/** Overrunning work under a limit across every server: ignores its signal, runs `ms`. */
@Job('faults.overrun.global-limit')
export class GlobalLimitJob implements IJob {
  @IsInt() @Min(0) n!: number;
  @IsInt() @Min(0) @Max(60_000) ms!: number;
}

/** Overrunning work limited only by the server's own concurrency: ignores its signal. */
@Job('faults.overrun.server-limit')
export class ServerLimitJob implements IJob {
  @IsInt() @Min(0) n!: number;
  @IsInt() @Min(0) @Max(60_000) ms!: number;
}

/**
 * Work whose effect must happen exactly once: its handler increments a counter keyed by the
 * job's id inside `ctx.transaction`, then pauses `pauseMs` before the commit (see
 * scenarios/exactly-once.ts).
 */
@Job('faults.exactly-once')
export class EffectJob implements IJob {
  @IsInt() @Min(0) n!: number;
  @IsInt() @Min(0) @Max(10_000) pauseMs!: number;
}

/** The limits the overrun handlers declare, and the timeout they all ignore. */
export const OVERRUN = {
  typeLimit: 2,
  globalLimit: 3,
  /** The `concurrency` of the servers in the overrun scenario. */
  serverLimit: 3,
  timeoutMs: 200,
} as const;

/** Retries of `faults.work`: enough that no fault schedule exhausts them. */
export const WORK_RETRIES = 50;

/** Handler sets a worker can be asked to run (`FaultWorkerConfig.handlers`). */
export type HandlerName = 'work' | 'type-limit' | 'global-limit' | 'server-limit' | 'exactly-once';

/** The collection the recorders write invocations to, in the scenario's database. */
export const INVOCATIONS = 'faults.invocations';

/** The effects of {@link EffectJob}s: one counter per job, written in its transaction. */
export const EFFECTS = 'faults.effects';

/** One counter of {@link EFFECTS}: how many transactions that incremented it committed. */
export interface Effect {
  /** The job's id. */
  _id: string;
  count: number;
}

/** Every try of an {@link EffectJob}'s transaction, logged outside it by the recorder. */
export const TRIES = 'faults.transaction-tries';

/**
 * One try of a transaction (`withTransaction` runs the work again after a write conflict or
 * an aborted transaction), logged before its first write: whether it committed is told by
 * the job's history (see scenarios/exactly-once.ts).
 */
export interface TransactionTry {
  /** `<invocation id>/<try>`. */
  _id: string;
  /** The invocation it belongs to ({@link Invocation._id}). */
  invocation: string;
  jobId: string;
  attempt: number;
  /** The server id it ran under. */
  worker: string;
  pid: number;
  /** 1 for the first try of its invocation's transaction. */
  n: number;
  /** `Date.now()` of the worker's machine when the try began. */
  at: number;
}

/** One handler invocation, as recorded by the worker that ran it. */
export interface Invocation {
  /** `<jobId>/<attempt>/<worker>/<random>`. */
  _id: string;
  jobId: string;
  jobType: string;
  attempt: number;
  /** The server id it ran under. */
  worker: string;
  pid: number;
  /** Whether the handler stops when its signal fires. */
  honour: boolean;
  /** `Date.now()` of the worker's machine (never the skewed clock Docket is given). */
  startedAt: number;
  endedAt: number | null;
  /** `ok`: the handler resolved; `threw`: it rejected (with `error`). */
  outcome: 'ok' | 'threw' | null;
  /** Name of the error the handler threw. */
  error: string | null;
  /** Name of the reason its signal fired with, if it fired. */
  signal: string | null;
}

/**
 * What a pooled worker process runs, once a scenario takes it (support/worker-pool.ts): the
 * runner writes it to the pool's `assignments` collection under the process's WORKER_ID.
 */
export interface WorkerAssignment {
  /** The pooled process's WORKER_ID. */
  _id: string;
  /** Its server id, and its client's appName (so that a fail point can aim at it). */
  serverId: string;
  /** The scenario's database. */
  dbName: string;
  /** Where Docket connects: the server, or a fault proxy. Invocations go to the server. */
  uri: string;
  /** `Docket.startServer` options (JSON). */
  server: Record<string, unknown>;
  /** Added to the real time by the clock Docket is given (ms). */
  clockSkewMs: number;
  handlers: HandlerName[];
  /**
   * When the server fails to start: try again on the same Docket (a new server id per try)
   * until it starts, instead of exiting with code 1.
   */
  retryStart: boolean;
  /** Set to make an idle process exit instead. */
  exit?: boolean;
}

/** The collection of assignments, in the pool's database (the worker's WORKER_DB). */
export const ASSIGNMENTS = 'assignments';

/** Lines a worker prints on stdout for the runner (one JSON object after the tag). */
export const REPORT_TAGS = {
  /** A Docket `error` event: `{ typed, name, context, message }`. */
  error: 'FAULT-ERROR',
  /** An unhandled rejection or uncaught exception: `{ kind, name, message }`. */
  unhandled: 'FAULT-UNHANDLED',
  /** A start of the server that failed and is tried again: `{ serverId, typed, name, message }`. */
  startFailed: 'FAULT-START-FAILED',
  /** The process did not run for a while: `{ from, to }` (ms since the epoch). */
  stall: 'FAULT-STALL',
  /** A try of a transaction wrote its effect and pauses before its commit: a {@link PausedTry}. */
  pausing: 'FAULT-PAUSING',
} as const;

/** A try in its pause before its commit, as its worker reports it (`REPORT_TAGS.pausing`). */
export interface PausedTry {
  /** The try's id ({@link TransactionTry._id}). */
  id: string;
  jobId: string;
  attempt: number;
  /** When its pause ends (ms since the epoch). */
  until: number;
}
