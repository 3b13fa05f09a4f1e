import { join } from 'node:path';
import { builtEntry } from '../../test/helpers/worker-build';
import type { SystemName } from '../workers/protocol';

const ROOT = join(__dirname, '..', '..');
const ENTRIES: Record<SystemName, string> = {
  docket: 'bench/workers/docket-worker.ts',
  agenda: 'bench/workers/agenda-worker.ts',
};

/**
 * A worker's entry file transpiled to JavaScript, with everything of the repository it
 * imports, as an application deploys it (once per bench process, removed when it exits). Run
 * under ts-node, a worker also held the TypeScript compiler: about 150 MiB of its RSS and
 * 25 MiB of its heap, which every full collection marked, in the figures of both systems.
 */
export async function compiledWorkerFile(system: SystemName): Promise<string> {
  return join(ROOT, await builtEntry(ENTRIES[system]));
}
