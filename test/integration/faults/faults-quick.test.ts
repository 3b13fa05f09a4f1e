import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SHARED_MONGO_ENV } from '../../../src/testing/ephemeral-mongo';

/*
 * The fault-injection suite's quick run (`npm run faults -- --quick`, docs/faults.md) as part
 * of npm test: it fails when any bad column of the suite's table is non-zero (the runner then
 * exits with 1), and shows the table. The suite starts a stand-in of its own rather than
 * sharing the test server: its fail points are server-wide, and would disturb (and be
 * disturbed by) the fail points of other test files. DOCKET_FAULTS_SEED replays a seed.
 */

const ROOT = join(__dirname, '..', '..', '..');
const SEED = process.env.DOCKET_FAULTS_SEED ?? '1';
/** The quick suite takes under two minutes on a quiet two-core machine; more when shared. */
const TIMEOUT_MS = 300_000;

function runQuickSuite(): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' };
  delete env[SHARED_MONGO_ENV.uri];
  delete env[SHARED_MONGO_ENV.kind];
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'test/faults/main.ts', '--quick', '--seed', SEED],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

it(
  'the quick fault-injection suite has no bad cell (lost, stuck, wrongly failed, unexplained reruns, untyped errors, partial writes, limits exceeded, unhandled rejections)',
  async () => {
    const { code, output } = await runQuickSuite();
    // On failure, the table and its findings are the message.
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
  },
  TIMEOUT_MS,
);
