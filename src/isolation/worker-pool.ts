import { IsolatedWorkerExitedError, type DocketErrorDetails } from '../errors';
import { IsolatedWorker, type WorkerEnd, type WorkerSpawnSpec } from './isolated-worker';
import { fromWireError } from './protocol';

/**
 * The workers of one kind of one server: started lazily, each bootstrapped once and reused
 * run after run; at most `size` live at once (busy, idle, starting, or being terminated:
 * a worker counts until it has exited, so a replacement never joins one still dying).
 */
export class WorkerPool {
  private readonly live = new Set<IsolatedWorker>();
  private readonly idle: IsolatedWorker[] = [];
  private readonly waiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly kind: 'thread' | 'process',
    private readonly spec: () => WorkerSpawnSpec,
    private readonly size: number,
    /** How long a worker still starting when its run's signal fires may go on starting. */
    private readonly graceMs: number,
  ) {}

  /**
   * A ready worker for one run: an idle one, else a new one once its bootstrap module loaded.
   * @throws IsolatedWorkerExitedError when the new worker could not start (`bootstrapFailed`,
   *   or it ended before it was ready), or the pool is closed.
   */
  async acquire(signal: AbortSignal, details: DocketErrorDetails): Promise<IsolatedWorker> {
    for (;;) {
      if (this.closed) throw this.closedError(details);
      const idle = this.idle.pop();
      if (idle?.alive) return idle;
      if (idle) continue;
      if (this.live.size < this.size) return this.start(signal, details);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Takes back a worker whose run is over. */
  release(worker: IsolatedWorker): void {
    if (this.closed || !worker.alive) {
      worker.kill();
      return;
    }
    this.idle.push(worker);
    this.waiters.shift()?.();
  }

  /** Ends every worker (running handlers included) and waits until they have exited. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiters.splice(0).forEach((wake) => wake());
    const workers = [...this.live];
    workers.forEach((worker) => worker.kill());
    await Promise.all(workers.map((worker) => worker.exited));
  }

  private async start(signal: AbortSignal, details: DocketErrorDetails): Promise<IsolatedWorker> {
    const worker = IsolatedWorker.spawn(this.kind, this.spec());
    this.live.add(worker);
    void worker.exited.then(() => {
      this.live.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      this.waiters.shift()?.();
    });
    let timer: NodeJS.Timeout | undefined;
    let off = (): void => undefined;
    let offExit = (): void => undefined;
    // A bootstrap that never finishes must not hold the slot past the run's end.
    const onAbort = (): void => {
      timer = setTimeout(() => worker.kill(), this.graceMs);
    };
    try {
      await new Promise<void>((resolve, reject) => {
        off = worker.onMessage((message) => {
          if (message.kind === 'ready') resolve();
          if (message.kind === 'bootstrapFailed') {
            worker.kill();
            const cause = fromWireError(message.error);
            reject(
              new IsolatedWorkerExitedError(
                {
                  isolation: this.kind,
                  reason: 'bootstrapFailed',
                  detail: `${message.error.name}: ${message.error.message}`,
                },
                { ...details, cause },
              ),
            );
          }
        });
        offExit = worker.onExit((end) => reject(startError(this.kind, end, details)));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
    } finally {
      off();
      offExit();
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    return worker;
  }

  private closedError(details: DocketErrorDetails): IsolatedWorkerExitedError {
    return new IsolatedWorkerExitedError(
      { isolation: this.kind, reason: 'terminated', detail: 'the server is stopping' },
      details,
    );
  }
}

/** A worker that ended before it said it was ready. */
function startError(
  kind: 'thread' | 'process',
  end: WorkerEnd,
  details: DocketErrorDetails,
): IsolatedWorkerExitedError {
  const cause = end.error === undefined ? undefined : fromWireError(end.error);
  return new IsolatedWorkerExitedError(
    {
      isolation: kind,
      reason: 'bootstrapFailed',
      ...(end.code === undefined ? {} : { exitCode: end.code }),
      ...(end.signal === undefined ? {} : { signal: end.signal }),
      detail: end.error
        ? `${end.error.name}: ${end.error.message}`
        : `it ended before it was ready${end.stderr ? `: ${lastLine(end.stderr)}` : ''}`,
    },
    cause === undefined ? details : { ...details, cause },
  );
}

/** The last non-empty line of some output. */
export function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .pop() ?? ''
  );
}
