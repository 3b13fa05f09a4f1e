/**
 * Bundles the dashboard's web UI: src/main.tsx into dist/app.js and dist/app.css (uPlot's
 * style sheet included), minified, plus dist/icon.svg.
 *
 *   node build.mjs                      writes packages/dashboard-ui/dist
 *   node build.mjs --copy-to <folder>   also copies the three files there
 *
 * Each file is written beside its target and renamed into place, so that a dashboard
 * reading them while a build runs (a test run beside another) never reads half a file.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = dirname(fileURLToPath(import.meta.url));
const outdir = join(root, 'dist');
const copyAt = process.argv.indexOf('--copy-to');
const copyTo = copyAt === -1 ? null : process.argv[copyAt + 1];
if (copyAt !== -1 && !copyTo) {
  console.error('--copy-to needs a folder, e.g. --copy-to dist/dashboard-ui');
  process.exit(2);
}

const result = await build({
  entryPoints: { app: join(root, 'src', 'main.tsx') },
  outdir,
  bundle: true,
  minify: true,
  write: false,
  format: 'iife',
  // Browsers from 2021 on; CSS custom properties, fetch and ResizeObserver are all there.
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'eof',
  logLevel: 'warning',
});

function writeAtomically(path, contents) {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, contents);
  renameSync(partial, path);
}

mkdirSync(outdir, { recursive: true });
const files = result.outputFiles.map((file) => ({
  name: basename(file.path),
  bytes: file.contents,
}));
for (const file of files) writeAtomically(join(outdir, file.name), file.bytes);
copyFileSync(join(root, 'src', 'icon.svg'), join(outdir, 'icon.svg'));

if (copyTo) {
  const target = resolve(copyTo);
  mkdirSync(target, { recursive: true });
  for (const name of ['app.js', 'app.css', 'icon.svg']) {
    const partial = join(target, `${name}.${process.pid}.partial`);
    copyFileSync(join(outdir, name), partial);
    renameSync(partial, join(target, name));
  }
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const sizes = files.map(
  ({ name, bytes }) =>
    `${name} ${kb(bytes.length)} (${kb(gzipSync(bytes, { level: 9 }).length)} gzipped)`,
);
// On stderr: `npm pack --json` runs this (prepack) and its stdout must stay JSON.
console.error(`dashboard UI: ${sizes.join(', ')} -> ${outdir}${copyTo ? ` and ${copyTo}` : ''}`);
