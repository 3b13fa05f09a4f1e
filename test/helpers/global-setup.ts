import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  SHARED_MONGO_ENV,
  startEphemeralMongo,
  type EphemeralMongo,
} from '../../src/testing/ephemeral-mongo';

/**
 * Builds the dashboard's web UI (esbuild, well under a second), which dashboards started
 * from the sources serve: a fresh clone needs no build step before `npm test`.
 */
function buildDashboardUi(): void {
  const script = join(__dirname, '..', '..', 'packages', 'dashboard-ui', 'build.mjs');
  process.stderr.write('\n');
  execFileSync(process.execPath, [script], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * Resolves the test MongoDB once per jest run and shares it with every worker (and the
 * child processes tests spawn) through the environment, so a missing `mongod` costs one
 * quick check per run instead of one per test file.
 */
export default async function globalSetup(): Promise<void> {
  buildDashboardUi();
  const mongo = await startEphemeralMongo();
  (globalThis as { __DOCKET_MONGO__?: EphemeralMongo }).__DOCKET_MONGO__ = mongo;
  if (mongo.kind !== 'external') {
    process.env[SHARED_MONGO_ENV.uri] = mongo.uri;
    process.env[SHARED_MONGO_ENV.kind] = mongo.kind;
  }
  process.stderr.write(`\ntest MongoDB: ${mongo.kind} (${mongo.reason})\n`);
}
