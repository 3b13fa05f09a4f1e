import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');

describe('the quickstart (npm start)', () => {
  it('runs its jobs, prints the dashboard URL and a summary, and exits 0 within 30 s', async () => {
    const { stdout } = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'samples/quickstart/main.ts')],
      // Port 0: never collide with a dashboard another test or a developer runs on 3000.
      { cwd: ROOT, timeout: 30_000, env: { ...process.env, DASHBOARD_PORT: '0' } },
    );
    expect(stdout).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:\d+\//);
    expect(stdout).toMatch(/quickstart\.monthly-report\s+succeeded\s+3/);
    expect(stdout).toMatch(/quickstart\.welcome-email\s+succeeded\s+1/);
    expect(stdout).toMatch(/quickstart\.reminder\s+succeeded\s+1/);
    expect(stdout).toContain('All jobs succeeded.');
  }, 40_000);
});
