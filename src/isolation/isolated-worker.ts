import { fork } from 'node:child_process';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import {
  toWireError,
  type FromWorkerMessage,
  type ToWorkerMessage,
  type WireError,
} from './protocol';

/** How to start a worker. */
export interface WorkerSpawnSpec {
  /** The worker entry module (`worker-entry.js`, or `.ts` under ts-node/ts-jest). */
  readonly entry: string;
  /** The application's bootstrap module. */
  readonly bootstrap: string;
  /** Node options both kinds get (a TypeScript loader when a module is TypeScript). */
  readonly preload: readonly string[];
  /** Further Node options of child processes. */
  readonly execArgv: readonly string[];
  /** Heap limits of worker threads. */
  readonly resourceLimits: ResourceLimits;
}

/** How a worker ended. */
export interface WorkerEnd {
  readonly code?: number;
  readonly signal?: string;
  /** The uncaught error it reported, if any. */
  readonly error?: WireError;
  readonly outOfMemory: boolean;
  /** The end of what a child process wrote to stderr. */
  readonly stderr?: string;
}

/** Longest tail of a child's stderr kept to explain its end (characters). */
const STDERR_TAIL = 4_000;
/** How long a child's stderr may stay open after its exit before the exit is reported (ms). */
const STDERR_DRAIN_MS = 200;

/**
 * One worker thread or child process, behind one interface: messages both ways, a forced
 * end, and a promise of how it ended (it never rejects).
 */
export class IsolatedWorker {
  readonly exited: Promise<WorkerEnd>;
  private readonly listeners = new Set<(message: FromWorkerMessage) => void>();
  private readonly exitListeners = new Set<(end: WorkerEnd) => void>();
  private end: WorkerEnd | undefined;

  constructor(
    readonly kind: 'thread' | 'process',
    private readonly transport: {
      send(message: ToWorkerMessage): void;
      kill(): void;
    },
    exited: Promise<WorkerEnd>,
  ) {
    this.exited = exited.then((end) => {
      this.end = end;
      for (const listener of [...this.exitListeners]) listener(end);
      this.exitListeners.clear();
      return end;
    });
  }

  /** Starts a worker of `kind`; it says `ready` once its bootstrap module is loaded. */
  static spawn(kind: 'thread' | 'process', spec: WorkerSpawnSpec): IsolatedWorker {
    return kind === 'thread' ? spawnThread(spec) : spawnProcess(spec);
  }

  /** False once the worker ended. */
  get alive(): boolean {
    return this.end === undefined;
  }

  /** Sends a message; one sent to a worker that is ending is dropped. */
  send(message: ToWorkerMessage): void {
    if (this.alive) this.transport.send(message);
  }

  /** Listens to the worker's messages; returns a function that stops listening. */
  onMessage(listener: (message: FromWorkerMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls `listener` once the worker has ended (at once if it has); returns a function that
   * stops listening (a worker serving many runs keeps no listener of a finished one).
   */
  onExit(listener: (end: WorkerEnd) => void): () => void {
    const { end } = this;
    if (end !== undefined) {
      queueMicrotask(() => listener(end));
      return () => undefined;
    }
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Ends the worker at once (`worker.terminate()`, `SIGKILL`). */
  kill(): void {
    if (this.alive) this.transport.kill();
  }

  /** Hands a message of the worker to the listeners (its transport calls this). */
  deliver(message: FromWorkerMessage): void {
    for (const listener of [...this.listeners]) listener(message);
  }
}

function spawnThread(spec: WorkerSpawnSpec): IsolatedWorker {
  const thread = new Worker(spec.entry, {
    workerData: { bootstrap: spec.bootstrap },
    execArgv: [...spec.preload],
    resourceLimits: spec.resourceLimits,
  });
  let error: WireError | undefined;
  let outOfMemory = false;
  thread.on('error', (thrown: Error & { code?: unknown }) => {
    error ??= toWireError(thrown);
    if (thrown.code === 'ERR_WORKER_OUT_OF_MEMORY') outOfMemory = true;
  });
  const exited = new Promise<WorkerEnd>((resolve) =>
    thread.once('exit', (code) => resolve({ code, error, outOfMemory })),
  );
  const worker = new IsolatedWorker(
    'thread',
    {
      send: (message) => thread.postMessage(message),
      kill: () => void thread.terminate().catch(() => undefined),
    },
    exited,
  );
  thread.on('message', (message: FromWorkerMessage) => worker.deliver(message));
  return worker;
}

function spawnProcess(spec: WorkerSpawnSpec): IsolatedWorker {
  const child = fork(spec.entry, [spec.bootstrap], {
    execArgv: [...spec.preload, ...spec.execArgv],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let error: WireError | undefined;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
  });
  const exited = new Promise<WorkerEnd>((resolve) => {
    const end = (code: number | null, signal: NodeJS.Signals | null): void => {
      const outOfMemory = /heap out of memory|Reached heap limit/i.test(stderr);
      resolve({
        ...(code === null ? {} : { code }),
        ...(signal === null ? {} : { signal }),
        error,
        outOfMemory,
        stderr,
      });
    };
    child.once('exit', (code, signal) => {
      // What it wrote last explains its end: wait (briefly) for its stderr to close.
      const timer = setTimeout(() => end(code, signal), STDERR_DRAIN_MS);
      child.once('close', () => {
        clearTimeout(timer);
        end(code, signal);
      });
    });
    child.on('error', (thrown) => {
      error ??= toWireError(thrown);
      // It never started: no exit follows.
      if (child.pid === undefined) end(null, null);
    });
  });
  const worker = new IsolatedWorker(
    'process',
    {
      send: (message) => {
        if (child.connected) child.send(message, (failed) => failed && undefined);
      },
      kill: () => void child.kill('SIGKILL'),
    },
    exited,
  );
  child.on('message', (message: FromWorkerMessage) => {
    if (message.kind === 'fatal') error ??= message.error;
    else worker.deliver(message);
  });
  return worker;
}
