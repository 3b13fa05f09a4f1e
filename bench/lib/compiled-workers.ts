import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorker } from '../../test/helpers/worker-build';
import type { SystemName } from '../workers/protocol';

const ROOT = join(__dirname, '..', '..');
const ENTRIES: Record<SystemName, string> = {
  docket: 'bench/workers/docket-worker.ts',
  agenda: 'bench/workers/agenda-worker.ts',
};
const built = new Map<SystemName, Promise<string>>();

/**
 * A worker's entry file transpiled to JavaScript, with everything of the repository it
 * imports, as an application deploys it (once per bench process, removed when it exits). Run
 * under ts-node, a worker also held the TypeScript compiler: about 150 MiB of its RSS and
 * 25 MiB of its heap, which every full collection marked, in the figures of both systems.
 */
export function compiledWorkerFile(system: SystemName): Promise<string> {
  let file = built.get(system);
  if (!file) {
    file = buildWorker(ENTRIES[system]).then((build) => {
      process.once('exit', () => rmSync(build.directory, { recursive: true, force: true }));
      return join(ROOT, build.fixture);
    });
    built.set(system, file);
  }
  return file;
}
