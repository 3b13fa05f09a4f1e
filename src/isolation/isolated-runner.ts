import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { BSON } from 'mongodb';
import { IsolatedWorkerExitedError, type DocketErrorDetails } from '../errors';
import type { ResolvedIsolationOptions } from './isolation-options';
import type { WorkerEnd, WorkerSpawnSpec } from './isolated-worker';
import { fromWireError, toWireError, type ToWorkerMessage } from './protocol';
import { lastLine, WorkerPool } from './worker-pool';

/** The attempt an isolated worker runs. */
export interface IsolatedRunRequest {
  readonly jobId: string;
  readonly jobType: string;
  readonly queue: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  /** The payload as stored. */
  readonly payload: Record<string, unknown>;
  readonly parentResult: unknown;
  /** The job's checkpoint data as stored, `undefined` when none. */
  readonly checkpoint: unknown;
}

/**
 * Where what the worker sends goes: the attempt's signal, and its context's progress
 * reporter, checkpoints, snooze and log.
 */
export interface IsolatedRunHooks {
  readonly signal: AbortSignal;
  progress(percent: number, message?: string): Promise<void>;
  saveCheckpoint(data: unknown): Promise<void>;
  snooze(options: unknown): Promise<never>;
  log(info: Record<string, unknown>): void;
}

/** What an {@link IsolatedRunner} needs from its server. */
export interface IsolatedRunnerDeps {
  readonly options: ResolvedIsolationOptions;
  /** Most workers of each kind: the server's concurrency. */
  readonly size: number;
  /** Lines below this winston level are not sent by workers. */
  readonly logLevel: string;
}

/** Modules that need a TypeScript loader in a worker. */
const TYPESCRIPT = /\.[cm]?tsx?$/;

/**
 * Runs handlers with `isolation: 'thread'` or `'process'` in the server's pools of worker
 * threads and child processes. A run settles when the worker's handler settles, or when the
 * worker has ended: after the attempt's signal fires the worker is told to stop, then ended
 * `terminateGraceMs` later if it has not settled, and replaced; a worker that exits, crashes
 * or runs out of memory fails its run with `IsolatedWorkerExitedError`.
 */
export class IsolatedRunner {
  private readonly pools = new Map<'thread' | 'process', WorkerPool>();
  private runs = 0;
  private spawnSpec: WorkerSpawnSpec | undefined;

  constructor(private readonly deps: IsolatedRunnerDeps) {}

  /**
   * Runs one attempt in a worker of `mode`; resolves with what `handle()` resolved with,
   * rejects with what it threw (its name, message, stack and code) or with
   * `IsolatedWorkerExitedError`.
   */
  async run(
    mode: 'thread' | 'process',
    request: IsolatedRunRequest,
    hooks: IsolatedRunHooks,
  ): Promise<unknown> {
    const details: DocketErrorDetails = {
      jobId: request.jobId,
      jobType: request.jobType,
      queue: request.queue,
      attempt: request.attempt,
    };
    const pool = this.pool(mode);
    const worker = await pool.acquire(hooks.signal, details);
    const runId = ++this.runs;
    const { signal } = hooks;
    return new Promise<unknown>((resolve, reject) => {
      let settled = false;
      let terminated = false;
      let timer: NodeJS.Timeout | undefined;
      const send = (message: ToWorkerMessage): void => worker.send(message);
      const finish = (settle: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        off();
        offExit();
        signal.removeEventListener('abort', onAbort);
        settle();
      };
      /** Answers a request of the handler's context once `handle` settles. */
      const answer = (seq: number, handle: () => Promise<unknown>): void => {
        Promise.resolve()
          .then(handle)
          .then(
            () => send({ kind: 'answered', runId, seq }),
            (error: unknown) => send({ kind: 'answered', runId, seq, error: toWireError(error) }),
          );
      };
      const off = worker.onMessage((message) => {
        if (!('runId' in message) || message.runId !== runId) return;
        switch (message.kind) {
          case 'progress':
            answer(message.seq, () => hooks.progress(message.percent, message.message));
            return;
          case 'checkpoint':
            answer(message.seq, () =>
              hooks.saveCheckpoint(decodeWorkerValue(message.data, 'checkpoint')),
            );
            return;
          case 'snooze':
            answer(message.seq, () => hooks.snooze(BSON.deserialize(message.options).options));
            return;
          case 'log':
            hooks.log(message.info);
            return;
          case 'done':
            finish(() => {
              pool.release(worker);
              if ('error' in message) reject(fromWireError(message.error));
              else resolve(decodeWorkerValue(message.result, 'result'));
            });
            return;
        }
      });
      const offExit = worker.onExit((end) =>
        finish(() => reject(exitedError(mode, end, details, terminated))),
      );
      const onAbort = (): void => {
        send({ kind: 'abort', runId, reason: toWireError(signal.reason) });
        timer = setTimeout(() => {
          terminated = true;
          worker.kill();
        }, this.deps.options.terminateGraceMs);
      };
      send({
        kind: 'run',
        runId,
        jobId: request.jobId,
        jobType: request.jobType,
        queue: request.queue,
        attempt: request.attempt,
        maxAttempts: request.maxAttempts,
        data: BSON.serialize({
          payload: request.payload,
          ...(request.parentResult === undefined ? {} : { parentResult: request.parentResult }),
          ...(request.checkpoint === undefined ? {} : { checkpoint: request.checkpoint }),
        }),
        logLevel: this.deps.logLevel,
      });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ends every worker, running ones included, and waits until they have exited. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }

  private pool(mode: 'thread' | 'process'): WorkerPool {
    let pool = this.pools.get(mode);
    if (!pool) {
      pool = new WorkerPool(
        mode,
        () => (this.spawnSpec ??= this.createSpawnSpec()),
        this.deps.size,
        this.deps.options.terminateGraceMs,
      );
      this.pools.set(mode, pool);
    }
    return pool;
  }

  /**
   * Where the worker entry is and what it needs to load: beside this module, compiled
   * (`.js`) or, under ts-node and ts-jest, TypeScript, which the worker then loads through
   * ts-node's transpile-only hook (resolved from the bootstrap module, else from here).
   */
  private createSpawnSpec(): WorkerSpawnSpec {
    const { bootstrap, execArgv, resourceLimits } = this.deps.options;
    if (bootstrap === undefined) throw new Error('isolation.bootstrap is not set');
    const entry = join(__dirname, `worker-entry${extname(__filename)}`);
    const preload =
      TYPESCRIPT.test(entry) || TYPESCRIPT.test(bootstrap)
        ? ['--require', typeScriptHook(bootstrap)]
        : [];
    return { entry, bootstrap, preload, execArgv, resourceLimits };
  }
}

/** ts-node's transpile-only hook, as the bootstrap module (else Docket) would load it. */
function typeScriptHook(bootstrap: string): string {
  const hook = 'ts-node/register/transpile-only';
  try {
    return createRequire(bootstrap).resolve(hook);
  } catch {
    // ts-node may be Docket's neighbour rather than the application's.
    return require.resolve(hook);
  }
}

/**
 * A handler's result or checkpoint as a worker sent it, BSON of `{ [field]: value }`;
 * absent bytes are `undefined` (no result, or a checkpoint removed).
 */
function decodeWorkerValue(bytes: Uint8Array | undefined, field: 'result' | 'checkpoint'): unknown {
  if (bytes === undefined) return undefined;
  // Longs stay Longs: the value is stored as the handler's (converted) value would be.
  return BSON.deserialize(bytes, { promoteLongs: false })[field];
}

/** The error a run fails with when its worker ended under it. */
function exitedError(
  isolation: 'thread' | 'process',
  end: WorkerEnd,
  details: DocketErrorDetails,
  terminated: boolean,
): IsolatedWorkerExitedError {
  const reason = terminated
    ? 'terminated'
    : end.outOfMemory
      ? 'outOfMemory'
      : end.error !== undefined || end.signal !== undefined
        ? 'crashed'
        : 'exited';
  const said = end.error
    ? `${end.error.name}: ${end.error.message}`
    : end.outOfMemory && end.stderr
      ? lastLine(end.stderr)
      : undefined;
  return new IsolatedWorkerExitedError(
    {
      isolation,
      reason,
      ...(end.code === undefined ? {} : { exitCode: end.code }),
      ...(end.signal === undefined ? {} : { signal: end.signal }),
      ...(said === undefined ? {} : { detail: said }),
    },
    end.error === undefined ? details : { ...details, cause: fromWireError(end.error) },
  );
}
