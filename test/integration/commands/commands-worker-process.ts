import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURE = join(ROOT, 'test/integration/fixtures/commands-worker.ts');

/** A child process running `test/integration/fixtures/commands-worker.ts`. */
export interface CommandsWorker {
  readonly id: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` (SIGTERM: a graceful stop) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts a commands worker and resolves once its server runs (`READY <id>` on stdout). */
export async function startCommandsWorker(
  id: string,
  env: { uri: string; dbName: string; server?: object },
  readyTimeoutMs = 30_000,
): Promise<CommandsWorker> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', FIXTURE], {
    cwd: ROOT,
    env: {
      ...process.env,
      WORKER_MONGO_URI: env.uri,
      WORKER_DB: env.dbName,
      WORKER_ID: id,
      WORKER_SERVER: JSON.stringify(env.server ?? {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(
        () => reject(new Error(`commands worker ${id} not ready: ${stderr}`)),
        readyTimeoutMs,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes(`READY ${id}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`commands worker ${id} exited (${code}) before it was ready: ${stderr}`));
      });
    });
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return { id, exited, stop };
}
