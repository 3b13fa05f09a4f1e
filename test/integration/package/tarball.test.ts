import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const APP_SOURCES = join(__dirname, 'scratch-app');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Packages that only tests need: a production install must not carry them. */
const TEST_ONLY = [
  '@docket/mongo-stand-in',
  'mongodb-memory-server',
  'mongodb-memory-server-core',
  'mingo',
  'jest',
  'typescript',
];
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

/**
 * The package as users get it: packed with `npm pack`, installed from the tarball into
 * scratch applications, compiled with their settings and run. Needs the npm registry
 * (or npm's cache) for the applications' own dependencies.
 */
describe('the packed tarball installed into applications', () => {
  let work: string;
  let docketTarball: string;
  let standInTarball: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'docket-tarball-'));
    docketTarball = await pack([], work);
    standInTarball = await pack(['--workspace', '@docket/mongo-stand-in'], work);
  }, 180_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ships compiled code, typings, README and LICENSE: no sources, maps or tests', async () => {
    const files = await tarballFiles(docketTarball);
    expect(files).toEqual(
      expect.arrayContaining([
        'package/LICENSE',
        'package/README.md',
        'package/package.json',
        'package/dist/index.js',
        'package/dist/index.d.ts',
        'package/dist/testing/index.d.ts',
        'package/dist/opentelemetry/index.js',
        'package/dist/opentelemetry/index.d.ts',
        // What isolated handlers' worker threads and child processes run.
        'package/dist/isolation/worker-entry.js',
        // The dashboard's web UI, built from packages/dashboard-ui.
        'package/dist/dashboard-ui/app.js',
        'package/dist/dashboard-ui/app.css',
        'package/dist/dashboard-ui/icon.svg',
      ]),
    );
    const unwanted = files.filter((file) =>
      /\.map$|\.ts$(?<!\.d\.ts)|\/(src|test|packages|bench|samples)\//.test(file),
    );
    expect(unwanted).toEqual([]);
    const standInFiles = await tarballFiles(standInTarball);
    expect(standInFiles).toEqual(
      expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/dist/index.js']),
    );
    expect(standInFiles.filter((file) => file.endsWith('.map'))).toEqual([]);
  });

  it('installs for production with only what production needs, and no install script', async () => {
    const app = await scratchApp('production', { name: 'production-app', private: true });
    await npm(['install', '--omit=dev', docketTarball], app);
    const installed = await installedPackages(join(app, 'node_modules'));
    const names = new Set(installed.map((entry) => entry.name));
    expect(TEST_ONLY.filter((name) => names.has(name))).toEqual([]);
    for (const peer of ['tsyringe', 'reflect-metadata', 'class-validator', 'class-transformer']) {
      expect(names).toContain(peer);
    }
    const withScripts = installed.filter((entry) =>
      INSTALL_SCRIPTS.some((script) => entry.scripts[script] !== undefined),
    );
    expect(withScripts.map((entry) => entry.name)).toEqual([]);
    // One copy of each package whose identity matters (bson through the driver).
    const copies = (name: string) => installed.filter((entry) => entry.name === name).length;
    expect([copies('bson'), copies('mongodb'), copies('tsyringe')]).toEqual([1, 1, 1]);
    const bytes = installed.reduce((sum, entry) => sum + entry.bytes, 0);
    process.stderr.write(
      `production install: ${installed.length} packages, ${(bytes / 1e6).toFixed(1)} MB\n`,
    );

    // Without the stand-in or mongodb-memory-server, docket/testing says what to install.
    const { stdout } = await exec(
      process.execPath,
      [
        '-e',
        "require('docket/testing').startEphemeralMongo().then(() => console.log('started'), (e) => console.log(e.name, e.code, e.message))",
      ],
      { cwd: app, env: isolatedEnv() },
    );
    expect(stdout).toContain('MissingPeerDependencyError MISSING_PEER_DEPENDENCY');
    expect(stdout).toContain('npm install --save-dev @docket/mongo-stand-in');

    // @opentelemetry/api is an optional peer: not installed, docket/opentelemetry says so.
    expect(names.has('@opentelemetry/api')).toBe(false);
    const otel = await exec(
      process.execPath,
      [
        '-e',
        "const { OpenTelemetryFilter } = require('docket/opentelemetry'); try { new OpenTelemetryFilter(); console.log('constructed') } catch (e) { console.log(e.name, e.code, e.message) }",
      ],
      { cwd: app, env: isolatedEnv() },
    );
    expect(otel.stdout).toContain('MissingPeerDependencyError MISSING_PEER_DEPENDENCY');
    expect(otel.stdout).toContain('npm install @opentelemetry/api');
  }, 180_000);

  it('runs a CommonJS app compiled with TypeScript defaults, its own tsyringe 4.8 and class-validator 0.14', async () => {
    const app = await scratchApp('cjs', {
      name: 'cjs-app',
      private: true,
      dependencies: {
        docket: `file:${docketTarball}`,
        'class-transformer': '0.5.1',
        'class-validator': '0.14.1',
        'reflect-metadata': '0.2.2',
        tsyringe: '4.8.0',
      },
      devDependencies: { '@docket/mongo-stand-in': `file:${standInTarball}` },
    });
    await npm(['install'], app);
    // The app's own tsyringe serves docket too: no nested copy under docket.
    await expect(
      stat(join(app, 'node_modules', 'docket', 'node_modules', 'tsyringe')),
    ).rejects.toThrow();
    await compile(app, ['--module', 'commonjs', '--outDir', 'out']);
    const result = await runApp(app, join('out', 'main.js'));
    expect(result).toEqual({
      id: expect.any(String),
      finishedId: result.id,
      greeted: ['Ada'],
      mongo: 'stand-in',
      dashboard: { page: 200, assets: expect.any(Array) },
    });
    // The dashboard serves its UI from the installed package (no repository around it).
    expect(result.dashboard).toEqual({
      page: 200,
      assets: [
        { name: 'icon.svg', status: 200, type: 'image/svg+xml', bytes: expect.any(Number) },
        {
          name: 'app.css',
          status: 200,
          type: expect.stringMatching(/^text\/css/),
          bytes: expect.any(Number),
        },
        {
          name: 'app.js',
          status: 200,
          type: expect.stringMatching(/^text\/javascript/),
          bytes: expect.any(Number),
        },
      ],
    });
    const assets = (result.dashboard as { assets: { name: string; bytes: number }[] }).assets;
    expect(assets.find((asset) => asset.name === 'app.js')!.bytes).toBeGreaterThan(10_000);
    // node10 (TypeScript's default for CommonJS) and node16 in a CommonJS package.
    await compile(app, ['--module', 'commonjs', '--moduleResolution', 'node10', '--noEmit']);
    await compile(app, ['--module', 'node16', '--moduleResolution', 'node16', '--noEmit']);
  }, 240_000);

  it('runs an ES module app compiled with node16, and resolves types under nodenext and bundler', async () => {
    const app = await scratchApp('esm', {
      name: 'esm-app',
      private: true,
      type: 'module',
      dependencies: {
        docket: `file:${docketTarball}`,
        'class-transformer': '0.5.1',
        'class-validator': '0.15.1',
        'reflect-metadata': '0.2.2',
        tsyringe: '4.10.0',
      },
      devDependencies: { '@docket/mongo-stand-in': `file:${standInTarball}` },
    });
    await npm(['install'], app);
    await compile(app, ['--module', 'node16', '--moduleResolution', 'node16', '--outDir', 'out']);
    const result = await runApp(app, join('out', 'main.js'));
    expect(result).toMatchObject({ greeted: ['Ada'], mongo: 'stand-in', dashboard: { page: 200 } });
    await compile(app, ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--noEmit']);
    await compile(app, ['--module', 'esnext', '--moduleResolution', 'bundler', '--noEmit']);
  }, 240_000);

  async function scratchApp(label: string, manifest: object): Promise<string> {
    const app = join(work, label);
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    await cp(APP_SOURCES, app, { recursive: true });
    return app;
  }
});

async function pack(args: string[], destination: string): Promise<string> {
  const { stdout } = await exec(
    NPM,
    ['pack', ...args, '--pack-destination', destination, '--json'],
    {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  return join(destination, filename);
}

async function npm(args: string[], cwd: string): Promise<void> {
  await exec(NPM, [...args, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** `tsc` on the app's sources with the settings an app has, plus the given ones. */
async function compile(app: string, settings: string[]): Promise<void> {
  const args = [
    TSC,
    'main.ts',
    'typings.ts',
    '--target',
    'es2022',
    '--strict',
    '--experimentalDecorators',
    '--emitDecoratorMetadata',
    '--skipLibCheck',
    'false',
    '--typeRoots',
    join(ROOT, 'node_modules', '@types'),
    '--types',
    'node',
    ...settings,
  ];
  try {
    await exec(process.execPath, args, { cwd: app });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc ${settings.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

async function runApp(app: string, entry: string): Promise<Record<string, unknown>> {
  const { stdout } = await exec(process.execPath, [entry], {
    cwd: app,
    env: isolatedEnv(),
    timeout: 60_000,
  });
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('RESULT '));
  if (!line) throw new Error(`the app printed no RESULT line:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
}

/** The environment without the test run's shared server, so the app finds its own. */
function isolatedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name === 'MONGODB_URI' || name.startsWith('DOCKET_')) delete env[name];
  }
  return env;
}

async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await exec('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.split('\n').filter(Boolean);
}

interface InstalledPackage {
  readonly name: string;
  readonly scripts: Record<string, string>;
  readonly bytes: number;
}

/** Every package under a node_modules folder, nested ones included. */
async function installedPackages(modules: string): Promise<InstalledPackage[]> {
  const found: InstalledPackage[] = [];
  for (const entry of await readdir(modules, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = join(modules, entry.name);
    const packageDirs = entry.name.startsWith('@')
      ? (await readdir(dir)).map((name) => join(dir, name))
      : [dir];
    for (const packageDir of packageDirs) {
      const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
        name: string;
        scripts?: Record<string, string>;
      };
      found.push({
        name: manifest.name,
        scripts: manifest.scripts ?? {},
        bytes: await folderBytes(packageDir, true),
      });
      found.push(...(await installedPackages(join(packageDir, 'node_modules'))));
    }
  }
  return found;
}

async function folderBytes(dir: string, skipNodeModules: boolean): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (skipNodeModules && entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path, false) : (await stat(path)).size;
  }
  return total;
}
