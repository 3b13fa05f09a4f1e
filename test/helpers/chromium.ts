import { execFile, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  existsSync,
  statSync,
} from 'node:fs';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';

/** Where the browser of a {@link launchChromium} call came from. */
export type ChromiumSource = 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';

/** System Chromium or Chrome executables, tried in this order when CHROMIUM_PATH is unset. */
export const SYSTEM_CHROMIUM_PATHS: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * Flags for every launch. Chromium talks to Google's services in the background (updates,
 * sync, field trials, first-run pages); on a closed network each attempt is refused, many at
 * a time, so those are turned off. `--disable-quic` keeps it off UDP, `--disable-gpu` because
 * there is none. Chromium will not run as root with its sandbox on (CI runs as root); the
 * pages under test are our own, on localhost.
 */
export function chromiumArgs(): string[] {
  return [
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-gpu',
    '--disable-quic',
  ];
}

/** A running browser and a one-line account of which one it is. */
export interface LaunchedChromium {
  /** The browser; `browser.close()` also deletes its temporary profile. */
  readonly browser: Browser;
  readonly source: ChromiumSource;
  readonly executablePath: string;
  /** Which browser, its version, its path and how long it took to start (printed once). */
  readonly description: string;
}

/**
 * Launches headless Chromium for the browser tests, without downloading anything: the
 * executable named by `CHROMIUM_PATH` if set (no fallback: it was asked for), else the first
 * executable of {@link SYSTEM_CHROMIUM_PATHS}, else the Chromium inside the npm package
 * `@sparticuz/chromium` (unpacked once to `<tmpdir>/chromium`). A system browser that fails to
 * start falls back to the packaged one. Writes the description to stderr once.
 *
 * Each launch gets a fresh temporary profile from Playwright itself: its `launch()` rejects a
 * `--user-data-dir` argument, creates `<tmpdir>/playwright_chromiumdev_profile-*` and deletes
 * it when the browser closes.
 *
 * @throws when no browser can be started, saying what was tried, so a suite fails, never skips
 */
export async function launchChromium(
  env: NodeJS.ProcessEnv = process.env,
): Promise<LaunchedChromium> {
  const baseEnv = definedEnv(env);
  const explicit = env.CHROMIUM_PATH?.trim();
  if (explicit) {
    if (!isExecutableFile(explicit)) {
      throw new Error(`CHROMIUM_PATH=${explicit} is not an executable file`);
    }
    return started('CHROMIUM_PATH', explicit, await timed(() => launch(explicit, baseEnv)));
  }

  const tried: string[] = [];
  const system = SYSTEM_CHROMIUM_PATHS.find(isExecutableFile);
  if (system) {
    try {
      return started('system', system, await timed(() => launch(system, baseEnv)));
    } catch (error) {
      tried.push(`${system} did not start (${firstLine(error)})`);
    }
  } else {
    tried.push(`no system Chromium (${SYSTEM_CHROMIUM_PATHS.join(', ')})`);
  }

  try {
    return await launchPackaged(baseEnv);
  } catch (error) {
    throw new Error(
      `no Chromium for the browser tests: CHROMIUM_PATH is unset; ${tried.join('; ')}; ` +
        `@sparticuz/chromium failed: ${firstLine(error)}. ` +
        'Run `npm ci` (it installs @sparticuz/chromium, a devDependency) ' +
        'or set CHROMIUM_PATH to a Chromium executable.',
      { cause: error },
    );
  }
}

type Env = Record<string, string>;

async function launch(executablePath: string, env: Env): Promise<Browser> {
  return chromium.launch({
    executablePath,
    // Playwright adds `--headless` (and hides scrollbars): the new headless mode of a full
    // Chromium, the only mode of the packaged headless-shell build.
    headless: true,
    args: chromiumArgs(),
    env,
    timeout: 30_000,
  });
}

function started(
  source: ChromiumSource,
  executablePath: string,
  { value: browser, ms }: { value: Browser; ms: number },
  detail = '',
): LaunchedChromium {
  const description =
    `${source === 'system' ? 'system Chromium' : source} ${browser.version()} at ` +
    `${executablePath}${detail}, launched in ${seconds(ms)}`;
  process.stderr.write(`browser tests: ${description}\n`);
  return { browser, source, executablePath, description };
}

/**
 * The packaged headless Chromium (a chrome-headless-shell build). Its own `args` are for AWS
 * Lambda and are not used: `--single-process` breaks a second browser context and
 * `--disable-web-security` would weaken what the tests check. Its `setGraphicsMode` only
 * changes those args, and SwiftShader is not needed with `--disable-gpu`.
 */
async function launchPackaged(baseEnv: Env): Promise<LaunchedChromium> {
  const root = join(dirname(require.resolve('@sparticuz/chromium')), '..', '..');
  const bin = join(root, 'bin');
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    version: string;
  };

  const unpacked = !existsSync(join(tmpdir(), 'chromium'));
  const unpacking = performance.now();
  const { default: Packaged } = await import('@sparticuz/chromium');
  // The first time, this unpacks the executable, its fonts and SwiftShader into the temporary
  // directory (about 190 MB); afterwards it only finds the executable there.
  const executablePath = await Packaged.executablePath(bin);
  const unpackMs = performance.now() - unpacking;

  const env: Env = { ...baseEnv, ...(await libraryEnv(executablePath, bin, baseEnv)) };
  if (!env.FONTCONFIG_PATH && !existsSync('/etc/fonts/fonts.conf')) {
    // No system fontconfig, so no fonts: use the package's fonts.conf, which lists its Open Sans.
    const fonts = join(tmpdir(), 'fonts');
    await unpackTar(join(bin, 'fonts.tar.br'), fonts, 'fonts.conf');
    env.FONTCONFIG_PATH = fonts;
  }

  let launched: { value: Browser; ms: number };
  let repaired = false;
  try {
    launched = await timed(() => launch(executablePath, env));
  } catch (error) {
    if (unpacked) throw error;
    // The package takes any file at that path as unpacked, so one cut short (a run killed while
    // unpacking, or another run still writing it) looks ready but cannot start.
    repaired = true;
    await unpackBinary(join(bin, 'chromium.br'), executablePath);
    launched = await timed(() => launch(executablePath, env));
  }
  const notes = [
    `package ${version}`,
    unpacked ? `unpacked in ${seconds(unpackMs)}` : 'already unpacked',
    ...(repaired ? ['unpacked again after a failed start'] : []),
    ...(env.LD_LIBRARY_PATH !== baseEnv.LD_LIBRARY_PATH ? ['with its bundled NSS libraries'] : []),
  ];
  return started('@sparticuz/chromium', executablePath, launched, ` (${notes.join(', ')})`);
}

/**
 * Decompresses the packaged executable beside `target` and renames it into place, so that no
 * run starts a partial file, and one still running the old file keeps it.
 */
async function unpackBinary(source: string, target: string): Promise<void> {
  const partial = `${target}.${process.pid}.partial`;
  try {
    await pipeline(
      createReadStream(source),
      createBrotliDecompress({ chunkSize: 2 ** 21 }),
      createWriteStream(partial, { mode: 0o700 }),
    );
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * The packaged binary links NSS, NSPR and expat from the system. Where `ldd` reports any of
 * them missing, the package's own copies (built for Amazon Linux, `bin/al2023.tar.br`) are
 * unpacked and put on `LD_LIBRARY_PATH` for the browser only.
 *
 * @throws naming the libraries that are still missing
 */
async function libraryEnv(executable: string, bin: string, env: Env): Promise<Env> {
  const missing = await missingLibraries(executable, env);
  if (missing.length === 0) return {};
  const al2023 = join(tmpdir(), 'al2023');
  await unpackTar(join(bin, 'al2023.tar.br'), al2023, join('lib', 'libnss3.so'));
  const withBundled = {
    LD_LIBRARY_PATH: [join(al2023, 'lib'), env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
  const stillMissing = await missingLibraries(executable, { ...env, ...withBundled });
  if (stillMissing.length > 0) {
    throw new Error(
      `${executable} needs shared libraries this machine lacks: ${stillMissing.join(', ')} ` +
        `(missing before the package's own: ${missing.join(', ')})`,
    );
  }
  return withBundled;
}

/** Libraries `ldd` cannot resolve; none when `ldd` itself fails (the launch will say why). */
function missingLibraries(executable: string, env: Env): Promise<string[]> {
  return new Promise((resolve) => {
    execFile('ldd', [executable], { env }, (error, stdout) => {
      if (error && !stdout) {
        resolve([]);
        return;
      }
      resolve([...stdout.matchAll(/^\s*(\S+) => not found/gm)].map((match) => match[1]));
    });
  });
}

/**
 * Unpacks a Brotli-compressed tarball of the package to `target` unless `target/<proof>`
 * exists, extracting beside it and renaming into place so that a cut-short extraction is
 * never taken as done.
 */
async function unpackTar(source: string, target: string, proof: string): Promise<void> {
  if (existsSync(join(target, proof))) return;
  const staging = await mkdtemp(`${target}.unpacking-`);
  try {
    const tar = spawn('tar', ['-x', '-C', staging], { stdio: ['pipe', 'ignore', 'inherit'] });
    const exited = new Promise<number | null>((resolve, reject) => {
      tar.once('error', reject);
      tar.once('close', resolve);
    });
    await pipeline(createReadStream(source), createBrotliDecompress(), tar.stdin);
    const code = await exited;
    if (code !== 0) throw new Error(`tar exited with ${code} unpacking ${source}`);
    if (existsSync(join(target, proof))) return; // another run was first
    await rm(target, { recursive: true, force: true }); // an earlier extraction cut short
    await rename(staging, target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function definedEnv(env: NodeJS.ProcessEnv): Env {
  const defined: Env = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) defined[key] = value;
  return defined;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
