import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type {
  CollectReply,
  EnqueueArgs,
  EnqueueReply,
  InitArgs,
  MemoryReply,
  PreloadArgs,
  ProbeArgs,
  CeilingDrainArgs,
  CeilingDrainReply,
  ProbeReply,
  ProduceArgs,
  ProduceReply,
  ProgressReply,
  SparseArgs,
  SparseReply,
  SystemName,
  WorkerReply,
  WorkerRequest,
} from '../workers/protocol';
import { compiledWorkerFile } from './compiled-workers';

const ROOT = join(__dirname, '..', '..');

/** A worker process (Docket's or Agenda's) driven over IPC. */
export class WorkerHandle {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private stderr = '';
  readonly exited: Promise<number | string>;

  private constructor(
    readonly system: SystemName,
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4_000);
    });
    child.on('message', (message: WorkerReply | { ready: true }) => {
      if (!('id' in message)) return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`${label}: ${message.error}`));
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        for (const waiter of this.pending.values()) {
          waiter.reject(new Error(`${label} exited (${code ?? signal}): ${this.stderr}`));
        }
        this.pending.clear();
        resolve(code ?? signal ?? -1);
      }),
    );
  }

  /**
   * Forks a worker (compiled JavaScript) and waits until it listens; retries once (a concurrent
   * `npm install` rewriting node_modules made a spawn fail once).
   */
  static async spawn(system: SystemName, label: string): Promise<WorkerHandle> {
    try {
      return await WorkerHandle.spawnOnce(system, label);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      return WorkerHandle.spawnOnce(system, label);
    }
  }

  private static async spawnOnce(system: SystemName, label: string): Promise<WorkerHandle> {
    const child = fork(await compiledWorkerFile(system), [], {
      execArgv: [],
      cwd: ROOT,
      env: { ...process.env, DOCKET_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    const handle = new WorkerHandle(system, label, child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label} did not start`)), 60_000);
      child.on('message', (message: { ready?: boolean }) => {
        if (message.ready) {
          clearTimeout(timer);
          resolve();
        }
      });
      void handle.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited (${code}) before it was ready: ${handle.stderr}`));
      });
    });
    return handle;
  }

  private call<T>(request: WorkerRequest): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (value) => resolve(value as T), reject });
      this.child.send({ id, request });
    });
  }

  init(args: InitArgs): Promise<null> {
    return this.call({ op: 'init', args });
  }
  start(): Promise<null> {
    return this.call({ op: 'start' });
  }
  enqueue(args: EnqueueArgs): Promise<EnqueueReply> {
    return this.call({ op: 'enqueue', args });
  }
  produce(args: ProduceArgs): Promise<ProduceReply> {
    return this.call({ op: 'produce', args });
  }
  sparse(args: SparseArgs): Promise<SparseReply> {
    return this.call({ op: 'sparse', args });
  }
  preload(args: PreloadArgs): Promise<null> {
    return this.call({ op: 'preload', args });
  }
  recurring(ids: readonly string[]): Promise<null> {
    return this.call({ op: 'recurring', args: { ids } });
  }
  progress(): Promise<ProgressReply> {
    return this.call({ op: 'progress' });
  }
  collect(): Promise<CollectReply> {
    return this.call({ op: 'collect' });
  }
  /** The worker's heap after a full collection, its case's records dropped (collect first). */
  memory(): Promise<MemoryReply> {
    return this.call({ op: 'memory' });
  }
  reset(): Promise<null> {
    return this.call({ op: 'reset' });
  }
  close(): Promise<null> {
    return this.call({ op: 'close' });
  }
  probe(args: ProbeArgs): Promise<ProbeReply> {
    return this.call({ op: 'probe', args });
  }
  ceilingDrain(args: CeilingDrainArgs): Promise<CeilingDrainReply> {
    return this.call({ op: 'ceilingDrain', args });
  }
  ceilingEnqueue(args: EnqueueArgs): Promise<EnqueueReply> {
    return this.call({ op: 'ceilingEnqueue', args });
  }
  ceilingPickup(): Promise<null> {
    return this.call({ op: 'ceilingPickup' });
  }

  /** Closes the system, then ends the process (disconnecting IPC makes it exit). */
  async dispose(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.close().catch(() => undefined);
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Spawns `count` workers of one system in parallel. */
export function spawnWorkers(
  system: SystemName,
  count: number,
  labelPrefix: string,
): Promise<WorkerHandle[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => WorkerHandle.spawn(system, `${labelPrefix}-${i + 1}`)),
  );
}

/** Disposes workers in parallel. */
export async function disposeAll(workers: readonly WorkerHandle[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker.dispose()));
}
