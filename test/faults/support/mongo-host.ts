import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { EphemeralMongoKind } from '../../../src/testing';

const ROOT = join(__dirname, '..', '..', '..');

/** The suite's MongoDB, running in a process of its own. */
export interface MongoHost {
  readonly uri: string;
  readonly kind: EphemeralMongoKind;
  readonly reason: string;
  /** How long it lets a transaction stay open (s); null when it cannot say. */
  readonly transactionLifetimeLimitS: number | null;
  stop(): Promise<void>;
}

/** Starts test/faults/workers/mongo-host-process.ts and waits for its connection string. */
export function startMongoHost(): Promise<MongoHost> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      join(ROOT, 'test/faults/workers/mongo-host-process.ts'),
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<MongoHost>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^MONGO (.*)$/m.exec(output);
      if (line === null) return;
      child.stdout.off('data', onData);
      const host = JSON.parse(line[1]) as Omit<MongoHost, 'stop'>;
      resolve({
        ...host,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then(() =>
      reject(new Error(`the MongoDB host exited before it was ready: ${output}`)),
    );
  });
}
