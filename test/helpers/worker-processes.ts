import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A worker fixture: a script under test/integration/fixtures that prints `READY <id>`. */
export const WORKER_FIXTURES = {
  jobs: 'test/integration/fixtures/worker-process.ts',
  commands: 'test/integration/fixtures/commands-worker.ts',
  rateLimited: 'test/integration/fixtures/rate-limited-worker.ts',
  checkpoints: 'test/integration/fixtures/checkpoint-worker.ts',
  overlap: 'test/integration/fixtures/overlap-worker.ts',
  jobEvents: 'test/integration/fixtures/job-events-worker.ts',
  keyed: 'test/integration/fixtures/keyed-worker.ts',
} as const;

/**
 * Server options for worker processes that are killed in tests: short leases and frequent
 * recovery sweeps, so that another process takes a dead worker's job within seconds.
 */
export const FAST_WORKER_SERVER = {
  pollIntervalMs: 100,
  minPollIntervalMs: 5,
  leaseMs: 1_500,
  heartbeatIntervalMs: 300,
  recoveryIntervalMs: 200,
  shutdownGraceMs: 2_000,
} as const;

/** A child process running a worker fixture. */
export interface WorkerProcess {
  readonly id: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
  /** The end of what it wrote to stderr (its warnings and errors), for a failure's message. */
  output(): string;
}

/** How much of a worker's stderr is kept. */
const OUTPUT_TAIL = 8_192;

/** Starts a worker process and resolves once its server runs (`READY` on stdout). */
export async function startWorkerProcess(
  id: string,
  env: { uri: string; dbName: string; server?: object },
  {
    fixture = WORKER_FIXTURES.jobs,
    readyTimeoutMs = 30_000,
  }: { fixture?: string; readyTimeoutMs?: number } = {},
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(ROOT, fixture)],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        WORKER_MONGO_URI: env.uri,
        WORKER_DB: env.dbName,
        WORKER_ID: id,
        WORKER_SERVER: JSON.stringify(env.server ?? {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-OUTPUT_TAIL);
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`worker ${id} not ready: ${stderr}`)),
      readyTimeoutMs,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(`READY ${id}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${id} exited (${code}) before it was ready: ${stderr}`));
    });
  });
  return {
    id,
    child,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    output: () => stderr,
  };
}
