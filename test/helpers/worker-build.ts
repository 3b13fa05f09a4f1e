import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');

/** A worker entry transpiled once, with everything it imports, to plain JavaScript. */
export interface WorkerBuild {
  /** The entry's path relative to the repository root (a fixture for `startWorkerProcess`). */
  readonly fixture: string;
  /** How many modules were transpiled. */
  readonly modules: number;
  /** The temporary directory that holds them. */
  readonly directory: string;
  dispose(): Promise<void>;
}

/**
 * Transpiles `entry` (a path under the repository) and the project files it imports into a
 * temporary directory whose `node_modules` links to the repository's. A worker process then
 * starts in a second instead of compiling Docket's sources again under ts-node (several
 * seconds of CPU each on a loaded two-core machine, and the suite starts dozens of them).
 * Transpiling is what ts-node's transpile-only mode does, with the same compiler options.
 */
export async function buildWorker(entry: string): Promise<WorkerBuild> {
  const out = await mkdtemp(join(tmpdir(), 'docket-build-'));
  try {
    await symlink(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
    const modules = await transpileTree(resolve(ROOT, entry), out);
    return {
      fixture: relative(ROOT, join(out, entry.replace(/\.ts$/, '.js'))),
      modules,
      directory: out,
      dispose: () => rm(out, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(out, { recursive: true, force: true });
    throw error;
  }
}

/** Transpiles `entry` and the project files it imports into `out`; resolves with their count. */
async function transpileTree(entry: string, out: string): Promise<number> {
  const options = compilerOptions();
  const pending = [entry];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = await readFile(file, 'utf8');
    const target = join(out, relative(ROOT, file));
    await mkdir(dirname(target), { recursive: true });
    if (file.endsWith('.json')) {
      await writeFile(target, source);
      continue;
    }
    const { outputText } = ts.transpileModule(source, { compilerOptions: options, fileName: file });
    await writeFile(target.replace(/\.ts$/, '.js'), outputText);
    for (const imported of ts.preProcessFile(source, true, true).importedFiles) {
      const next = resolveLocal(file, imported.fileName);
      if (next !== undefined && !done.has(next)) pending.push(next);
    }
  }
  return done.size;
}

/** The project's compiler options, as ts-node reads them, for CommonJS output. */
function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  return { ...parsed.options, sourceMap: false, inlineSourceMap: false, declaration: false };
}

/** A relative import's file (`.ts`, `/index.ts` or `.json`), or undefined for packages. */
function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts'), base].find(
    (candidate) =>
      /\.(ts|json)$/.test(candidate) && !candidate.endsWith('.d.ts') && existsSync(candidate),
  );
}
