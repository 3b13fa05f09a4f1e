import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED_MONGO_ENV } from '../../../src/testing/ephemeral-mongo';
import { badCells, type ScenarioResult } from '../../faults/report/scenario-result';
import { renderDetails } from '../../faults/report/table';

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

function runQuickSuite(json: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' };
  delete env[SHARED_MONGO_ENV.uri];
  delete env[SHARED_MONGO_ENV.kind];
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        'test/faults/main.ts',
        '--quick',
        '--seed',
        SEED,
        '--json',
        json,
      ],
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
    const dir = await mkdtemp(join(tmpdir(), 'docket-faults-'));
    try {
      const json = join(dir, 'results.json');
      const { code, output } = await runQuickSuite(json);
      // On failure, the bad scenarios' findings come first (a long log may be cut in its
      // middle), then the whole output.
      const message = code === 0 ? '' : `${await badFindings(json)}\n\n${output}`;
      expect({ code, output: message }).toEqual({ code: 0, output: '' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  TIMEOUT_MS,
);

/** The details and findings of the scenarios with a bad cell, from the suite's JSON. */
async function badFindings(json: string): Promise<string> {
  try {
    const { results } = JSON.parse(await readFile(json, 'utf8')) as { results: ScenarioResult[] };
    return `bad scenarios:\n${renderDetails(results.filter((r) => badCells(r).length > 0))}`;
  } catch (error) {
    return `no results file (${error instanceof Error ? error.message : String(error)})`;
  }
}
