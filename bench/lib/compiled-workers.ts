import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import type { SystemName } from '../workers/protocol';

const ROOT = join(__dirname, '..', '..');
const SOURCES: Record<SystemName, string> = {
  docket: join(ROOT, 'bench', 'workers', 'docket-worker.ts'),
  agenda: join(ROOT, 'bench', 'workers', 'agenda-worker.ts'),
};
/** Below the repository, so that the compiled files find its `node_modules`. */
const OUT_DIR = join(ROOT, '.bench-build', String(process.pid));

let built: Readonly<Record<SystemName, string>> | undefined;

/**
 * The workers' entry files compiled to JavaScript, with everything of the repository they
 * import, as an application deploys them. Run under ts-node, a worker also held the
 * TypeScript compiler: about 150 MiB of its RSS and 25 MiB of its heap, which every full
 * collection marked, in the figures of both systems. Compiled once per bench process, into a
 * directory of its own that goes when the process exits.
 */
export function compiledWorkerFiles(): Readonly<Record<SystemName, string>> {
  if (built) return built;
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) },
  );
  if (!config) throw new Error('bench: tsconfig.json could not be read');
  const program = ts.createProgram(Object.values(SOURCES), {
    ...config.options,
    rootDir: ROOT,
    outDir: OUT_DIR,
    noEmit: false,
    sourceMap: false,
    declaration: false,
    declarationMap: false,
    incremental: false,
  });
  process.once('exit', () => rmSync(OUT_DIR, { recursive: true, force: true }));
  const emitted = program.emit();
  if (emitted.emitSkipped) fail(emitted.diagnostics);
  const out = (source: string) => join(OUT_DIR, relative(ROOT, source)).replace(/\.ts$/, '.js');
  built = { docket: out(SOURCES.docket), agenda: out(SOURCES.agenda) };
  return built;
}

function fail(diagnostics: readonly ts.Diagnostic[]): never {
  const text = ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  });
  throw new Error(`bench: the workers could not be compiled\n${text}`);
}
