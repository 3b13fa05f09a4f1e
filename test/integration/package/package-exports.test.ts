import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');

/**
 * Builds the package into a scratch copy and loads it the way users do: `require`,
 * `import`, and TypeScript with node16 resolution (which follows the exports map's types).
 */
describe('the built package', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'docket-package-'));
    await copyFile(join(ROOT, 'package.json'), join(dir, 'package.json'));
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await run(process.execPath, [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      join(dir, 'dist'),
      '--declarationMap',
      'false',
      '--sourceMap',
      'false',
    ]);
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const node = async (args: string[]) =>
    (await run(process.execPath, args, { cwd: dir })).stdout.trim();

  it('loads with require', async () => {
    const out = await node([
      '-e',
      `const d = require('docket'); const t = require('docket/testing');
       const c = require('docket/client'); const ui = require('docket/dashboard');
       const o = require('docket/opentelemetry');
       console.log([typeof d.Docket, typeof d.JobHandler, typeof d.JOB_SCHEDULER, typeof t.startEphemeralMongo, typeof c.DocketClient, typeof ui.createDashboardHandler, typeof new o.OpenTelemetryFilter().onExecute].join(','))`,
    ]);
    expect(out).toBe('function,function,symbol,function,function,function,function');
  });

  it('loads with import, with named exports', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      `import { Docket, Job, JobValidationError, JOB_SCHEDULER } from 'docket';
       import { startEphemeralMongo } from 'docket/testing';
       import { DocketClient } from 'docket/client';
       import { startDashboard } from 'docket/dashboard';
       import { OpenTelemetryFilter } from 'docket/opentelemetry';
       console.log([typeof Docket, typeof Job, typeof JobValidationError, typeof JOB_SCHEDULER, typeof startEphemeralMongo, typeof DocketClient, typeof startDashboard, typeof OpenTelemetryFilter].join(','))`,
    ]);
    expect(out).toBe('function,function,function,symbol,function,function,function,function');
  });

  it('gives the same module instance to require and import (no dual-package hazard)', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       import { Docket } from 'docket';
       const require = createRequire(import.meta.url);
       console.log(require('docket').Docket === Docket)`,
    ]);
    expect(out).toBe('true');
  });

  it('exposes types through the exports map to TypeScript (node16 resolution, CJS and ESM)', async () => {
    const consumer = `import { Docket, JOB_SCHEDULER, type IJobScheduler, type JobContext } from 'docket';
import { startEphemeralMongo, type EphemeralMongo } from 'docket/testing';
import { OpenTelemetryFilter, type OpenTelemetryFilterOptions } from 'docket/opentelemetry';
export const names: string[] = [Docket.name, String(JOB_SCHEDULER), OpenTelemetryFilter.name];
export type Used = [IJobScheduler, JobContext, EphemeralMongo, typeof startEphemeralMongo, OpenTelemetryFilterOptions];
`;
    await writeFile(join(dir, 'consumer.cts'), consumer);
    await writeFile(join(dir, 'consumer.mts'), consumer);
    await run(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'node16',
        '--moduleResolution',
        'node16',
        '--target',
        'es2022',
        '--types',
        'node',
        '--skipLibCheck',
        join(dir, 'consumer.cts'),
        join(dir, 'consumer.mts'),
      ],
      { cwd: dir },
    );
  }, 60_000);
});
