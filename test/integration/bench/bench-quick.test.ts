import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary, ScenarioResult } from '../../../bench/lib/results';
import { chooseScale } from '../../../bench/lib/scale';

/*
 * CI smoke test of the benchmark harness: `bench/main.ts --quick` runs every scenario end to
 * end on the test MongoDB (shared by jest's global setup), writes valid result files and a
 * report with charts, and every drained job ran exactly once. Never a timing test: no speed
 * is asserted.
 */

const ROOT = join(__dirname, '..', '..', '..');
const SCENARIOS = ['drain', 'enqueue', 'pickup', 'idle', 'backlog', 'recurring'];

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'docket-bench-quick-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runQuickBench(
  out: string,
  report: string,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        'bench/main.ts',
        '--quick',
        '--out',
        out,
        '--report',
        report,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

it('runs every scenario for both systems, writes valid results and the report, and every job runs exactly once', async () => {
  const out = join(dir, 'results');
  const report = join(dir, 'benchmarks.md');
  const { code, stderr } = await runQuickBench(out, report);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

  const files = (await readdir(out)).sort();
  expect(files).toEqual([...SCENARIOS.map((name) => `${name}.json`), 'run.json'].sort());
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as RunSummary;
  expect(run).toMatchObject({ quick: true, scale: 'quick', scenarios: SCENARIOS });
  expect(run.machine.cores).toBeGreaterThan(0);
  expect(['mongod', 'stand-in', 'external']).toContain(run.server.kind);
  expect(run.server.ceiling.claimPerSec).toBeGreaterThan(0);

  for (const name of SCENARIOS) {
    const result = JSON.parse(await readFile(join(out, `${name}.json`), 'utf8')) as ScenarioResult;
    expect(result.scenario).toBe(name);
    expect(result.rows.length).toBeGreaterThan(0);
    for (const row of result.rows) {
      // Every figure has a number for Docket; Agenda's cell is null only where it has no such call.
      expect(Number.isFinite(row.docket?.median)).toBe(true);
      if (row.agenda !== null) expect(typeof row.agenda.median).toBe('number');
    }
    // Agenda has no bulk enqueue, and the ceiling rows and the drain's memory case (at a
    // backlog of its own) are Docket's alone.
    const memoryGroup = `${chooseScale(true, false).memoryJobs.toLocaleString('en-US')} jobs, 1 process`;
    const ceilingMetrics = [
      'batched-claim ceiling',
      'storage-call ceiling',
      'pickup ceiling p50 latency',
      'listening ceiling',
      'share of the ceiling',
      'the ceiling: stand-in CPU per job',
      'the ceiling: worker CPU per job',
    ];
    const agendaMissing = result.rows.filter((row) => row.agenda === null);
    const docketOnly = (row: (typeof result.rows)[number]) =>
      (name === 'enqueue' && row.group.startsWith('bulk')) ||
      ceilingMetrics.includes(row.metric) ||
      (name === 'drain' && row.group === memoryGroup);
    expect(agendaMissing.filter((row) => !docketOnly(row))).toEqual([]);
    // A share of the ceiling for the one-process drain, the backlog, every enqueue case, the
    // sparse pickup of jobs enqueued for now and idle listening on every server.
    const shares = result.rows.filter((row) => row.metric === 'share of the ceiling');
    const enqueueCases = new Set(result.rows.map((row) => row.group)).size;
    const rowsOf = (metric: string) => result.rows.filter((row) => row.metric === metric).length;
    const perServer = { pickup: 'pickup ceiling p50 latency', idle: 'listening ceiling' };
    if (name in perServer)
      expect(rowsOf(perServer[name as keyof typeof perServer])).toBeGreaterThan(0);
    const expectedShares: Record<string, number> = {
      drain: 1,
      backlog: 1,
      enqueue: enqueueCases,
      pickup: rowsOf(perServer.pickup),
      idle: rowsOf(perServer.idle),
    };
    expect(shares.length).toBe(expectedShares[name] ?? 0);
    // Listening may cost no command in the quick idle window (one wait for news lasts 5 s).
    for (const share of shares) {
      if (name === 'idle') expect(share.docket!.median).toBeGreaterThanOrEqual(0);
      else expect(share.docket!.median).toBeGreaterThan(0);
    }
    // The drain's memory pass measures every one-process backlog, the memory case's too, in
    // worker processes of their own: heap after a full collection, RSS at the end and peak.
    const memoryMetrics = ['worker heap after GC', 'worker RSS at the end', 'worker peak RSS'];
    const drainGroups = chooseScale(true, false).drainSizes.map(
      (jobs) => `${jobs.toLocaleString('en-US')} jobs, 1 process`,
    );
    for (const metric of name === 'drain' ? memoryMetrics : []) {
      const groups = result.rows.filter((row) => row.metric === metric).map((row) => row.group);
      expect(groups.sort()).toEqual([...drainGroups, memoryGroup].sort());
    }
    for (const check of result.checks) {
      // Agenda keeps no occurrence on its recurring jobs: its recurring check is approximate.
      if (check.system === 'agenda' && name === 'recurring') continue;
      expect(check).toMatchObject({ duplicates: 0, missing: 0, ok: true });
    }
  }
  const checked = (
    await Promise.all(
      ['drain', 'pickup', 'backlog'].map(
        async (name) =>
          (JSON.parse(await readFile(join(out, `${name}.json`), 'utf8')) as ScenarioResult).checks,
      ),
    )
  ).flat();
  expect(new Set(checked.map((check) => check.system))).toEqual(new Set(['docket', 'agenda']));

  const markdown = await readFile(report, 'utf8');
  expect(markdown).toContain('## Targets');
  expect(markdown).toContain('Worker heap after GC at');
  expect(markdown).toContain('Worker RSS at the end of');
  expect(markdown).toContain('## Exactly-once checks');
  const charts = await readdir(join(dir, 'benchmarks'));
  expect(charts.length).toBeGreaterThan(0);
  const svg = await readFile(join(dir, 'benchmarks', charts[0]), 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
}, 300_000);
